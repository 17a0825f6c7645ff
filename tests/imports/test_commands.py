"""import_members / import_workplaces / import_unions: exit codes, JSON last line, scope by --user."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace
from tests.factories import make_id, make_uscc
from tests.imports.helpers import MEMBER_HEADER, write_csv, write_xlsx


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command(*args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def member_rows(n, start=300):
    return [
        [f"命令{'甲乙丙丁戊己'[i]}", make_id("340207", dt.date(1991, 2, 3), start + i), "", "鸠江乙公司工会委员会",
         "2023-05-01", "否", ""]
        for i in range(n)
    ]  # fmt: skip


def test_committed_import_exits_0_with_json_last_line(registry, tmp_path, capsys):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, member_rows(3))
    code, out, err = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--json")
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1]) == {
        "rows": 3, "created": 3, "updated": 0, "skipped": 0, "errors": 0, "committed": True,
    }  # fmt: skip
    assert "100%" in err or "%]" in err  # progress on stderr
    assert Member.objects.filter(name__startswith="命令").count() == 3


def test_dry_run_clean_exits_0_and_writes_nothing(registry, tmp_path, capsys):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, member_rows(2))
    code, out, _ = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--dry-run", "--json")
    assert code == 0 and json.loads(out.splitlines()[-1])["committed"] is False
    assert not Member.objects.filter(name__startswith="命令").exists()


def test_row_errors_exit_1_and_report_is_written(registry, tmp_path, capsys):
    rows = member_rows(2)
    rows[1][1] = "340207199102030000"
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, rows)
    report = tmp_path / "out.xlsx"
    code, out, _ = run(
        capsys, "import_members", str(path), "--user", "t-jiujiang", "--json", "--report", str(report)
    )
    assert code == 1
    assert json.loads(out.splitlines()[-1])["errors"] == 1
    assert report.exists() and report.stat().st_size > 0


def test_unreadable_file_exits_2_with_a_chinese_message(registry, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook at all")
    code, out, err = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--json")
    assert code == 2 and "不是 Excel 文件" in err
    assert "error" in json.loads(out.splitlines()[-1])


def test_user_scope_applies_on_the_command_line(registry, tmp_path, capsys):
    rows = member_rows(1)
    rows[0][3] = "镜湖甲公司工会委员会"
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, rows)
    code, _, _ = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--json")
    assert code == 1 and not Member.objects.filter(name__startswith="命令").exists()


def test_union_option_sets_the_default_union(registry, tmp_path, capsys):
    rows = [[r[0], r[1], r[4]] for r in member_rows(1)]
    path = write_csv(tmp_path / "m.csv", ["姓名", "身份证号", "入会日期"], rows, "gbk")
    union = registry.unions["jiujiang_joint"]
    code, _, _ = run(capsys, "import_members", str(path), "--user", "t-jiujiang", "--union", str(union.pk))
    assert code == 0 and Member.objects.get(name="命令甲").union == union


def test_readonly_user_cannot_import(registry, tmp_path, capsys):
    from django.core.management.base import CommandError

    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADER, member_rows(1))
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--user", "t-viewer")


def test_import_workplaces_and_unions(registry, tmp_path, capsys):
    header = [
        "单位名称",
        "统一社会信用代码",
        "单位性质",
        "职工人数",
        "所在地区",
        "属地工会",
        "已建立职代会制度",
    ]
    rows = [
        ["鸠江导入一厂", make_uscc(501, "340207"), "国有及国有控股企业", 300, "340207", "鸠江区总工会", "是"],
        ["鸠江导入二厂", "", "私营及其他非公有制企业", "45", "鸠江区", "鸠江区总工会", "否"],
        ["错码厂", "91340207XXXXXXXXX1", "", "", "340207", "鸠江区总工会", ""],
    ]
    path = write_xlsx(tmp_path / "w.xlsx", header, rows)
    # Partial commits are explicit (issue 9): --skip-invalid writes the two good rows.
    code, out, _ = run(
        capsys, "import_workplaces", str(path), "--user", "t-jiujiang", "--json", "--skip-invalid"
    )
    assert code == 1
    assert json.loads(out.splitlines()[-1]) == {
        "rows": 3, "created": 2, "updated": 0, "skipped": 0, "errors": 1, "committed": True,
    }  # fmt: skip
    first = Workplace.objects.get(name="鸠江导入一厂")
    assert first.ownership == "state" and first.employee_count == 300 and first.has_workers_congress
    # Twice: nothing new.
    code, out, _ = run(
        capsys, "import_workplaces", str(path), "--user", "t-jiujiang", "--json", "--skip-invalid"
    )
    assert json.loads(out.splitlines()[-1])["created"] == 0

    uheader = ["工会名称", "组织类型", "上级工会", "所在地区", "本届任期开始", "任期（年）", "覆盖单位"]
    urows = [
        ["鸠江导入一厂工会委员会", "基层工会委员会", "鸠江区总工会", "340207", "2023/5/1", 5, "鸠江导入一厂"],
        ["鸠江导入一厂车间分会", "基层工会委员会", "鸠江导入一厂工会委员会", "340207", "2023.6.1", "", ""],
        ["越界工会", "基层工会委员会", "镜湖区总工会", "340202", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "u.xlsx", uheader, urows)
    code, out, _ = run(capsys, "import_unions", str(path), "--user", "t-jiujiang", "--json", "--skip-invalid")
    assert code == 1 and json.loads(out.splitlines()[-1])["created"] == 2
    child = UnionOrg.objects.get(name="鸠江导入一厂车间分会")
    assert child.parent.name == "鸠江导入一厂工会委员会" and child.is_within(registry.unions["jiujiang"])
    committee = UnionOrg.objects.get(name="鸠江导入一厂工会委员会")
    assert committee.election_due == dt.date(2028, 5, 1)
    assert list(committee.workplaces.values_list("name", flat=True)) == ["鸠江导入一厂"]
    code, out, _ = run(capsys, "import_unions", str(path), "--user", "t-jiujiang", "--json", "--skip-invalid")
    assert json.loads(out.splitlines()[-1])["created"] == 0
    assert not UnionOrg.objects.filter(name="越界工会").exists()
