"""Issue 9, points 2 and 3: uploads, error reports and exports are sealed at rest (0600), handed out only
by scoped, audited views, deleted after the retention period; IDs and phones in job pages, messages and
reports are full only for the importer and 查看敏感信息 holders in scope, masked for everyone else."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from gonghui.accounts.models import Role, User
from gonghui.core import crypto
from gonghui.core.models import AuditEvent
from gonghui.imports import tasks
from gonghui.imports.jobs import purge_expired_files
from gonghui.imports.models import ExportJob, ImportJob, ImportRowError
from tests.factories import PASSWORD, clear_audit_log, make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
UNION = "鸠江乙公司工会委员会"
ID15 = "340207800303123"  # first generation: upgraded to 18 digits with a warning naming the new number
ID18 = make_id("340207", dt.date(1991, 9, 9), 57)
PHONE = "13955556666"
BAD_PHONE = "1395555666"  # ten digits: refused, the message quotes it


def _upgraded() -> str:
    from gonghui.core.normalize import upgrade_15_to_18

    return upgrade_15_to_18(ID15)


def _ledger(tmp_path: Path) -> Path:
    bad_check = ID18[:-1] + ("0" if ID18[-1] != "0" else "1")
    rows = [
        ["升级号", ID15, PHONE, UNION, "2023-05-01", "否", ""],
        ["好人", ID18, PHONE, UNION, "2023-05-01", "否", ""],
        ["错号", bad_check, BAD_PHONE, UNION, "2023-05-01", "否", ""],
    ]
    return write_xlsx(tmp_path / "台账.xlsx", MEMBER_HEADER, rows)


@pytest.fixture
def importer(registry):
    """A 鸠江 county admin *without* 查看敏感信息: sees their own upload in full, nothing more."""
    return User.objects.create_user("t-importer", password=PASSWORD, union=registry.unions["jiujiang"],
                                    role=Role.COUNTY_ADMIN)  # fmt: skip


@pytest.fixture
def job(importer, tmp_path, do_import):
    job, _ = do_import(importer, _ledger(tmp_path), dry_run=True)
    assert job.status == ImportJob.Status.PREVIEWED and job.report and job.report_masked
    return job


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(content: bytes) -> set[str]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return {str(c) for r in sheet for c in r}


def _downloads():
    return AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)


# ------------------------------------------------------------------------------------------ at rest
def test_upload_report_and_export_are_sealed_0600_without_a_plain_id(registry, job, tmp_path):
    original = (tmp_path / "台账.xlsx").read_bytes()  # the file the job was made from
    assert job.sha256 == hashlib.sha256(original).hexdigest()
    for field in (job.file, job.report, job.report_masked):
        path = Path(field.storage.path(field.name))
        stored = path.read_bytes()
        assert stored.startswith(crypto.FILE_MAGIC)
        assert b"PK\x03\x04" not in stored  # no xlsx (zip) inside
        for number in (ID15, ID18, _upgraded(), PHONE):
            assert number.encode() not in stored
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for folder in path.parents:  # every level up to the root, not only the last one
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            if folder == Path(registry_private_root()):
                break
        assert str(registry_private_root()) in str(path)  # never under MEDIA_ROOT
    with job.file.open("rb") as plain:
        assert plain.read() == original
    with job.report.open("rb") as plain:
        report = plain.read()
    assert hashlib.sha256(report).hexdigest() == job.report_sha256
    assert ID18[:-1] in "".join(_cells(report))


def registry_private_root():
    from django.conf import settings

    return settings.PRIVATE_FILES_ROOT


@override_settings(TASKS=IMMEDIATE)
def test_background_export_is_sealed_and_hashed(registry, client, monkeypatch, as_user):
    from gonghui.core import exports

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 1)
    as_user(registry.users["jiujiang"], client)
    client.get(reverse("members:member-list"), {"export": "xlsx", "full": "1"})
    export = ExportJob.objects.get()
    path = Path(export.file.storage.path(export.file.name))
    stored = path.read_bytes()
    number = registry.members["jiujiang_1"].id_number
    assert stored.startswith(crypto.FILE_MAGIC) and b"PK\x03\x04" not in stored
    assert number.encode() not in stored and stat.S_IMODE(path.stat().st_mode) == 0o600
    content = _body(client.get(reverse("imports:export-download", args=[export.pk])))
    assert hashlib.sha256(content).hexdigest() == export.sha256
    assert number in _cells(content)


def test_row_messages_are_stored_masked_and_sealed_in_full(job):
    upgraded = _upgraded()
    texts = list(ImportRowError.objects.filter(job=job).values_list("message", flat=True))
    assert texts and not any(n in t for t in texts for n in (upgraded, ID15, BAD_PHONE))
    warning = ImportRowError.objects.get(job=job, message__contains="已升级为 18 位")
    assert upgraded[:6] + "********" + upgraded[-4:] in warning.message
    assert crypto.decrypt(warning.message_enc).endswith(upgraded)
    assert warning.text(full=True).endswith(upgraded) and warning.text(full=False) == warning.message
    phone = ImportRowError.objects.get(job=job, column="手机号")
    assert BAD_PHONE not in phone.message and BAD_PHONE in phone.text(full=True)


# ------------------------------------------------------------------------------------- job page
def test_job_page_full_for_importer_and_sensitive_masked_for_readonly_404_elsewhere(
    registry, client, job, importer, as_user
):
    url = reverse("imports:job-detail", args=[job.pk])
    upgraded = _upgraded()
    page = as_user(importer, client).get(url).content.decode()
    assert upgraded in page and BAD_PHONE in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()  # their own upload
    page = as_user(registry.users["wuhu"], client).get(url).content.decode()
    assert upgraded in page
    reveal = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert reveal.user == registry.users["wuhu"] and reveal.object_id == str(job.pk)
    page = as_user(registry.users["viewer"], client).get(url).content.decode()
    assert upgraded not in page and BAD_PHONE not in page and ID18 not in page
    assert upgraded[:6] + "********" + upgraded[-4:] in page
    assert "已脱敏" in page and reverse("imports:job-file", args=[job.pk]) not in page
    assert as_user(registry.users["jinghu"], client).get(url).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).count() == 1


# ------------------------------------------------------------------------------------ downloads
def test_report_full_for_importer_and_sensitive_masked_for_readonly(registry, client, job, importer, as_user):
    url = reverse("imports:job-report", args=[job.pk])
    for user in (importer, registry.users["wuhu"]):
        response = as_user(user, client).get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        cells = "".join(_cells(_body(response)))
        assert ID18[:-1] in cells and _upgraded() in cells and BAD_PHONE in cells
        event = _downloads().get(user=user)
        assert event.object_id == str(job.pk) and "完整身份证号" in event.detail
    response = as_user(registry.users["viewer"], client).get(url)
    cells = "".join(_cells(_body(response)))
    assert response.status_code == 200 and "脱敏" in unquote(response["Content-Disposition"])
    for number in (ID15, ID18[:-1], _upgraded(), PHONE, BAD_PHONE):
        assert number not in cells
    assert "340207********" in cells
    assert "完整" not in _downloads().get(user=registry.users["viewer"]).detail


def test_other_subtree_gets_404_for_every_file_and_no_download_is_audited(registry, client, job, as_user):
    as_user(registry.users["jinghu"], client)
    for name in ("imports:job-report", "imports:job-file", "imports:job-detail"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()


def test_original_ledger_only_for_importer_and_sensitive_in_scope(
    registry, client, job, importer, tmp_path, as_user
):
    url = reverse("imports:job-file", args=[job.pk])
    as_user(registry.users["viewer"], client)
    assert client.get(url).status_code == 404
    assert not _downloads().exists()
    response = as_user(importer, client).get(url)
    assert _body(response) == (tmp_path / "台账.xlsx").read_bytes()  # the file the job was made from
    assert _downloads().get().user == importer
    assert as_user(registry.users["wuhu"], client).get(url).status_code == 200
    assert _downloads().count() == 2


@override_settings(TASKS=IMMEDIATE)
def test_export_download_only_for_its_maker_with_the_right_and_audited(
    registry, client, monkeypatch, as_user
):
    from gonghui.core import exports

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 1)
    maker = registry.users["jiujiang"]
    as_user(maker, client).get(reverse("members:member-list"), {"export": "xlsx", "full": "1"})
    export = ExportJob.objects.get()
    url = reverse("imports:export-download", args=[export.pk])
    clear_audit_log()
    for other in ("jinghu", "viewer", "wuhu"):
        assert as_user(registry.users[other], client).get(url).status_code == 404
    assert not _downloads().exists()
    assert as_user(maker, client).get(url).status_code == 200
    event = _downloads().get()
    assert event.user == maker and "完整身份证号" in event.detail
    maker.user_permissions.clear()  # lost 查看敏感信息 since: the full file is gone for them too
    maker = User.objects.get(pk=maker.pk)
    assert as_user(maker, client).get(url).status_code == 404
    assert _downloads().count() == 1


# ------------------------------------------------------------------------------------ retention
def test_retention_deletes_old_files_keeps_counts_and_hashes(
    registry, client, importer, tmp_path, do_import, settings, as_user
):
    old, _ = do_import(importer, _ledger(tmp_path), dry_run=True)
    fresh, _ = do_import(importer, _ledger(tmp_path), dry_run=True)
    paths = [Path(f.storage.path(f.name)) for f in (old.file, old.report, old.report_masked)]
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=settings.FILE_RETENTION_DAYS + 1)
    )
    before = ImportJob.objects.values("sha256", "report_sha256", "rows", "errors").get(pk=old.pk)
    result = tasks.purge_expired_files_task.call()
    assert result == {"imports": 1, "exports": 0, "files": 3}
    assert not any(p.exists() for p in paths)
    old.refresh_from_db()
    assert not old.file and not old.report and not old.report_masked and old.files_purged_at
    assert ImportJob.objects.values("sha256", "report_sha256", "rows", "errors").get(pk=old.pk) == before
    assert old.row_errors.count() == fresh.row_errors.count()  # masked reasons stay …
    assert not old.row_errors.exclude(message_enc="").exists()  # … their full text goes with the files
    assert fresh.row_errors.exclude(message_enc="").exists()
    fresh.refresh_from_db()
    assert fresh.file and Path(fresh.file.storage.path(fresh.file.name)).exists()
    # The task waits for its next round in the worker's queue (one instance, never a pile).
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.purge_expired_files_task.module_path, status="READY"
    )
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + dt.timedelta(
        hours=settings.FILE_PURGE_INTERVAL_HOURS - 1
    )
    tasks.purge_expired_files_task.call()
    assert waiting.count() == 1
    page = as_user(importer, client).get(old.get_absolute_url()).content.decode()
    assert "文件已按保留期限删除" in page and reverse("imports:job-report", args=[old.pk]) not in page
    assert client.get(reverse("imports:job-report", args=[old.pk])).status_code == 404
    assert "已删除" in client.get(reverse("imports:job-list")).content.decode()


@override_settings(TASKS=IMMEDIATE)
def test_retention_command_deletes_old_exports(registry, client, monkeypatch, settings, capsys, as_user):
    from gonghui.core import exports

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 1)
    maker = registry.users["jiujiang"]
    as_user(maker, client).get(reverse("members:member-list"), {"export": "csv"})
    export = ExportJob.objects.get()
    path = Path(export.file.storage.path(export.file.name))
    ExportJob.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    call_command("purge_import_files")
    assert capsys.readouterr().out.strip() == '{"imports": 0, "exports": 1, "files": 1}'
    export.refresh_from_db()
    assert not path.exists() and not export.file and export.sha256 and export.rows == 2
    page = client.get(export.get_absolute_url()).content.decode()
    assert "文件已按保留期限删除" in page
    assert client.get(reverse("imports:export-download", args=[export.pk])).status_code == 404


def test_retention_follows_the_setting(registry, importer, tmp_path, do_import, settings):
    job, _ = do_import(importer, _ledger(tmp_path), dry_run=True)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    assert purge_expired_files()["imports"] == 0
    settings.FILE_RETENTION_DAYS = 7
    assert purge_expired_files()["imports"] == 1


def test_a_preview_whose_upload_was_deleted_cannot_be_confirmed(registry, importer, tmp_path, do_import):
    from gonghui.imports.jobs import run_job

    job, _ = do_import(importer, _ledger(tmp_path), dry_run=True)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    purge_expired_files()
    job.refresh_from_db()
    assert run_job(job, dry_run=False) is None
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "保留期限" in job.message


# ---------------------------------------------------------------------------- cross-county message
def test_import_of_a_member_held_in_another_county_names_neither_union_nor_date(
    registry, tmp_path, do_import
):
    holder = registry.members["jinghu_1"]
    rows = [["张镜一", holder.id_number, "", UNION, "2023-05-01", "否", ""]]
    job, result = do_import(registry.users["jiujiang"], write_xlsx(tmp_path / "x.xlsx", MEMBER_HEADER, rows))
    assert result.errors == 1 and result.created == 0
    error = ImportRowError.objects.get(job=job)
    for text in (error.message, error.text(full=True)):
        assert "镜湖" not in text and f"{holder.join_date:%Y-%m-%d}" not in text
        assert "管辖范围以外" in text and "「芜湖市总工会」" in text and "本行未导入" in text
    with job.report.open("rb") as report:
        assert "镜湖" not in "".join(_cells(report.read()))


def test_view_sensitive_holder_without_the_job_in_scope_sees_nothing(registry, client, job, as_user):
    """查看敏感信息 does not widen scope: 合肥's admin with the right still gets 404."""
    hefei = User.objects.create_user("t-hefei", password=PASSWORD, union=registry.unions["hefei"],
                                     role=Role.CITY_ADMIN)  # fmt: skip
    hefei.user_permissions.add(Permission.objects.get(codename="view_sensitive"))
    as_user(hefei, client)
    for name in ("imports:job-report", "imports:job-file", "imports:job-detail"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).exists()


def test_legacy_plain_files_are_sealed_in_place_by_the_command(registry, importer, job, settings, tmp_path):
    """Files written before this change lie plain under MEDIA_ROOT: --seal-legacy moves them in, sealed."""
    plain = Path(settings.MEDIA_ROOT) / job.file.name
    plain.parent.mkdir(parents=True)
    sealed_path = Path(job.file.storage.path(job.file.name))
    with job.file.open("rb") as handle:
        plain.write_bytes(handle.read())
    sealed_path.unlink()
    call_command("purge_import_files", "--seal-legacy")
    assert not plain.exists() and sealed_path.read_bytes().startswith(crypto.FILE_MAGIC)
    with job.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == job.sha256


def test_a_file_missing_on_disk_is_a_404_not_a_500(registry, client, job, importer, as_user):
    Path(job.report.storage.path(job.report.name)).unlink()
    assert as_user(importer, client).get(reverse("imports:job-report", args=[job.pk])).status_code == 404


def test_workplace_and_union_imports_do_not_name_another_countys_union(registry, tmp_path, do_import):
    """Same rule for organisations found by their USCC in another county: whom to ask, not where."""
    from gonghui.orgs.models import UnionOrg
    from tests.factories import make_uscc

    jiujiang = registry.users["jiujiang"]
    workplace = registry.workplaces["jinghu_a"]  # governed by 镜湖区方村街道总工会
    header = ["单位名称", "统一社会信用代码", "单位性质", "职工人数", "所在地区", "属地工会"]
    rows = [["借用代码厂", workplace.uscc, "", 10, "340207", "鸠江区总工会"]]
    job, result = do_import(jiujiang, write_xlsx(tmp_path / "w.xlsx", header, rows), kind="workplaces")
    (error,) = ImportRowError.objects.filter(job=job)
    assert result.errors == 1 and "镜湖" not in error.message and "「芜湖市总工会」" in error.message
    code = make_uscc(777, "340202")
    UnionOrg.objects.filter(pk=registry.unions["jinghu_a"].pk).update(uscc=code)
    uheader = ["工会名称", "组织类型", "上级工会", "所在地区", "统一社会信用代码"]
    urows = [["鸠江某工会委员会", "基层工会委员会", "鸠江区总工会", "340207", code]]
    job, result = do_import(jiujiang, write_xlsx(tmp_path / "u.xlsx", uheader, urows), kind="unions")
    (error,) = ImportRowError.objects.filter(job=job)
    assert result.errors == 1 and "镜湖" not in error.message and "「芜湖市总工会」" in error.message
