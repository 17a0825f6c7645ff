"""The web flow: template download, upload → preview → confirm → result, history, report; export."""

import csv
import datetime as dt
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.imports.models import ExportJob, ImportJob
from gonghui.members.models import Member
from gonghui.orgs.models import Workplace
from tests.factories import make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize("kind", ["members", "workplaces", "unions"])
def test_template_has_headers_dropdowns_example_and_instructions(registry, client, kind, tmp_path, as_user):
    as_user("jiujiang", client)
    response = client.get(reverse(f"imports:template-{kind}"))
    assert response.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names[1] == "填写说明"
    header = book.get_sheet_by_index(0).to_python()[0]
    assert any(h.endswith("*") for h in header)  # required columns are marked
    import zipfile

    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation " in sheet_xml and "选项!" in sheet_xml
    if kind == "members":
        assert "身份证号*" in header
        options = book.get_sheet_by_name("选项").to_python(skip_empty_area=False)
        assert "快递员" in [row[header.index("新就业形态群体")] for row in options]


def test_filled_in_template_imports_and_skips_the_example_row(registry, client, tmp_path, do_import, as_user):
    as_user("jiujiang", client)
    content = client.get(reverse("imports:template-members")).content
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    sheet.append(
        ["模板用户", make_id("340207", dt.date(1993, 3, 3), 77), "", "鸠江乙公司工会委员会", "", "2023-08-01"]
    )
    path = tmp_path / "filled.xlsx"
    book.save(path)
    job, result = do_import(registry.users["jiujiang"], path)
    assert (result.rows, result.created, result.errors) == (1, 1, 0), list(
        job.row_errors.values("row", "message")
    )
    assert job.row_errors.count() == 0


@override_settings(TASKS=IMMEDIATE)
def test_upload_preview_confirm_result_and_history(registry, client, tmp_path, as_user):
    as_user("jiujiang", client)
    good = make_id("340207", dt.date(1994, 4, 4), 55)
    rows = [
        ["网页一", good, "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""],
        ["网页二", "340207199404040000", "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""],
    ]
    path = write_xlsx(tmp_path / "web.xlsx", MEMBER_HEADER, rows)
    with open(path, "rb") as handle:
        response = client.post(reverse("imports:upload-members"), {"file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ImportJob.Status.PREVIEWED and not Member.objects.filter(name="网页一").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "将新增" in page and "第 3 行" in page and "校验码" in page
    assert reverse("imports:job-report", args=[job.pk]) in page
    report = client.get(reverse("imports:job-report", args=[job.pk]))
    assert report.status_code == 200
    # One row has an error: confirming without the explicit choice writes nothing (issue 9).
    assert "跳过 1 行错误，仅导入 1 行" in page
    client.post(reverse("imports:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and not Member.objects.filter(name="网页一").exists()
    response = client.post(reverse("imports:job-confirm", args=[job.pk]), {"skip_invalid": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.committed and job.progress == 100
    assert job.skip_invalid and "是（有错误的行不导入" in client.get(job.get_absolute_url()).content.decode()
    assert Member.objects.filter(name="网页一").exists()
    history = client.get(reverse("imports:job-list")).content.decode()
    assert "web.xlsx" in history and job.sha256[:12] in history
    # Confirming twice does nothing more.
    client.post(reverse("imports:job-confirm", args=[job.pk]), {"skip_invalid": "1"})
    assert Member.objects.filter(name="网页一").count() == 1


def test_readonly_user_cannot_upload_or_confirm(registry, client, as_user):
    as_user("viewer", client)
    assert client.get(reverse("imports:upload-members")).status_code == 403


def test_other_county_cannot_see_the_job(registry, client, tmp_path, do_import, as_user):
    path = write_xlsx(tmp_path / "x.xlsx", MEMBER_HEADER, [["某某", make_id("340207"), "", "", "", "", ""]])
    job, _ = do_import(registry.users["jiujiang"], path, dry_run=True)
    as_user("jinghu", client)
    for name in ("imports:job-detail", "imports:job-report", "imports:job-progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert "x.xlsx" not in client.get(reverse("imports:job-list")).content.decode()


# ---------------------------------------------------------------- export
def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_is_masked_scoped_and_filtered(registry, client, as_user):
    as_user("jiujiang", client)
    response = client.get(reverse("members:member-list"), {"export": "csv"})
    rows = _csv(response)
    assert rows[0][:2] == ["姓名", "身份证号"]
    names = {r[0] for r in rows[1:]}
    assert names == {"王鸠一", "赵鸠二"}  # 镜湖区 members are outside the scope
    id_col = rows[0].index("身份证号")
    assert all("********" in r[id_col] for r in rows[1:])
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_SENSITIVE).exists()
    filtered = _csv(client.get(reverse("members:member-list"), {"export": "csv", "q": "王"}))
    assert [r[0] for r in filtered[1:]] == ["王鸠一"]


def test_full_export_needs_the_permission_and_is_audited(registry, client, as_user):
    as_user("viewer", client)
    assert client.get(reverse("members:member-list"), {"export": "csv", "full": "1"}).status_code == 403
    client.logout()
    as_user("jiujiang", client)
    response = client.get(reverse("members:member-list"), {"export": "xlsx", "full": "1"})
    content = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    id_col = book[0].index("身份证号")
    assert registry.members["jiujiang_1"].id_number in {r[id_col] for r in book[1:]}
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_SENSITIVE)
    assert event.user == registry.users["jiujiang"] and "完整身份证号" in event.detail


def test_export_escapes_formula_cells(registry, client, as_user):
    Workplace.objects.filter(pk=registry.workplaces["jiujiang_b"].pk).update(
        name='=HYPERLINK("http://x")', address="@SUM(1)"
    )
    as_user("jiujiang", client)
    rows = _csv(client.get(reverse("orgs:workplace-list"), {"export": "csv"}))
    cells = {c for r in rows for c in r}
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(1)" in cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)
    response = client.get(reverse("orgs:workplace-list"), {"export": "xlsx"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    values = {c for r in book.get_sheet_by_index(0).to_python() for c in r if isinstance(c, str)}
    assert '\'=HYPERLINK("http://x")' in values


@override_settings(TASKS=IMMEDIATE)
def test_large_export_runs_in_the_background(registry, client, monkeypatch, as_user):
    from gonghui.core import exports

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 1)
    as_user("jiujiang", client)
    response = client.get(reverse("members:member-list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ExportJob.Status.DONE and job.rows == 2
    download = client.get(reverse("imports:export-download", args=[job.pk]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    assert len(book.get_sheet_by_index(0).to_python()) == 3
    as_user("jinghu", client)
    assert client.get(reverse("imports:export-download", args=[job.pk])).status_code == 404


def test_list_pages_show_export_and_import_actions(registry, client, as_user):
    as_user("jiujiang", client)
    for name, kind in [("members:member-list", "members"), ("orgs:workplace-list", "workplaces"),
                       ("orgs:union-list", "unions")]:  # fmt: skip
        page = client.get(reverse(name)).content.decode()
        assert "export=xlsx" in page and reverse(f"imports:template-{kind}") in page
