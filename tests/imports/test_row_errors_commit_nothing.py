"""A ledger with row errors writes nothing by default (issue 9 point 9). Writing only the valid rows is an
explicit choice — the preview's checkbox 「跳过 N 行错误，仅导入 M 行」 or ``--skip-invalid`` — recorded on the
job. With ``--json`` every exit prints a JSON last line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from gonghui.imports.models import ImportJob
from gonghui.members.models import Member
from gonghui.orgs.models import Workplace
from tests.factories import PASSWORD, make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
UNION = "鸠江乙公司工会委员会"


def ledger(tmp_path, name="m.xlsx"):
    rows = [
        [
            f"九号{'甲乙'[i]}",
            make_id("340207", dt.date(1992, 2, 2), 400 + i),
            "",
            UNION,
            "2023-05-01",
            "否",
            "",
        ]
        for i in range(2)
    ]
    rows.append(["九号错", "340207199202020000", "", UNION, "2023-05-01", "否", ""])  # a bad check digit
    return write_xlsx(tmp_path / name, MEMBER_HEADER, rows)


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command(*args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def test_by_default_a_file_with_a_row_error_commits_nothing(registry, tmp_path, capsys):
    code, out, err = run(capsys, "import_members", str(ledger(tmp_path)), "--user", "t-jiujiang", "--json")
    assert code == 1
    assert json.loads(out.splitlines()[-1]) == {
        "rows": 3, "created": 2, "updated": 0, "skipped": 0, "errors": 1, "committed": False,
    }  # fmt: skip
    assert not Member.objects.filter(name__startswith="九号").exists()
    assert "整个文件未写入任何数据" in err and "--skip-invalid" in err
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.REFUSED and not job.committed and not job.skip_invalid
    assert "跳过 1 行错误，仅导入 2 行" in job.message


def test_skip_invalid_writes_the_valid_rows_and_is_recorded(registry, tmp_path, capsys, client):
    args = ("import_members", str(ledger(tmp_path)), "--user", "t-jiujiang", "--json", "--skip-invalid")
    code, out, err = run(capsys, *args)
    assert code == 1  # the report still has an error row
    assert json.loads(out.splitlines()[-1])["committed"] is True
    assert set(Member.objects.filter(name__startswith="九号").values_list("name", flat=True)) == {
        "九号甲",
        "九号乙",
    }
    assert "跳过 1 行错误" in err
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.DONE and job.skip_invalid and job.confirmed_at
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "跳过错误行" in page and "是（有错误的行不导入，其余行写入）" in page
    assert "跳过错误行" in client.get(reverse("imports:job-list")).content.decode()


def test_a_clean_file_needs_no_choice(registry, tmp_path, capsys):
    path = write_xlsx(
        tmp_path / "ok.xlsx", MEMBER_HEADER, [["九号丙", make_id("340207", dt.date(1992, 2, 2), 409), "", UNION,
                                                "2023-05-01", "否", ""]]
    )  # fmt: skip
    code, out, _ = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--json")
    assert code == 0 and json.loads(out.splitlines()[-1])["committed"] is True
    assert not ImportJob.objects.latest("pk").skip_invalid


@override_settings(TASKS=IMMEDIATE)
def test_the_preview_offers_the_choice_and_confirming_without_it_writes_nothing(registry, client, tmp_path):
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)
    with open(ledger(tmp_path), "rb") as handle:
        client.post(reverse("imports:upload-members"), {"file": handle})
    job = ImportJob.objects.latest("pk")
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'name="skip_invalid"' in page and "跳过 1 行错误，仅导入 2 行" in page
    response = client.post(reverse("imports:job-confirm", args=[job.pk]), follow=True)
    assert "默认整个文件不导入" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and not job.confirmed_at
    assert not Member.objects.filter(name__startswith="九号").exists()
    client.post(reverse("imports:job-confirm", args=[job.pk]), {"skip_invalid": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.committed and job.skip_invalid
    assert Member.objects.filter(name__startswith="九号").count() == 2


@override_settings(TASKS=IMMEDIATE)
def test_workplace_ledger_with_errors_commits_nothing_either(registry, client, tmp_path):
    header = ["单位名称", "统一社会信用代码", "所在地区", "属地工会"]
    rows = [
        ["九号厂", "", "340207", "鸠江区总工会"],
        ["错码厂", "91340207XXXXXXXXX1", "340207", "鸠江区总工会"],
    ]
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)
    with open(write_xlsx(tmp_path / "w.xlsx", header, rows), "rb") as handle:
        client.post(reverse("imports:upload-workplaces"), {"file": handle})
    job = ImportJob.objects.latest("pk")
    client.post(reverse("imports:job-confirm", args=[job.pk]))
    assert not Workplace.objects.filter(name="九号厂").exists()


# ---------------------------------------------------------------- --json on every exit
def test_every_exit_prints_a_json_last_line(registry, tmp_path, capsys):
    # A usage error, through the real argument parser.
    command = load_command_class("gonghui.members", "import_members")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "import_members", "--json"])
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {
        "error": "命令参数有误：缺少必填参数：file", "committed": False,
    }  # fmt: skip
    # A missing file, a user who may not import, a union outside the scope.
    code, out, _ = run(capsys, "import_members", str(tmp_path / "nope.csv"), "--user", "t-jiujiang", "--json")
    assert code == 2 and "找不到文件" in json.loads(out.splitlines()[-1])["error"]
    for args, reason in (
        (["--user", "t-viewer"], "只能查看"),
        (["--user", "nobody"], "不存在"),
        (["--user", "t-jiujiang", "--union", str(registry.unions["jinghu"].pk)], "不在用户"),
    ):
        with pytest.raises(CommandError) as raised:
            call_command("import_members", str(ledger(tmp_path)), "--json", *args)
        assert raised.value.returncode == 2
        payload = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert reason in payload["error"] and payload["committed"] is False
    assert not Member.objects.filter(name__startswith="九号").exists()
