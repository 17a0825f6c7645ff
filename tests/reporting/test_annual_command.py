"""Issue 14 point 7 — `manage.py annual_statistics --node UNION_ID --as-of YYYY-MM-DD [--json]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from gonghui.orgs.models import WorkplaceState


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("annual_statistics", *args, stdout=out)
    return out.getvalue()


def test_the_json_line_holds_the_headline_figures(registry):
    wuhu = registry.unions["wuhu"]
    out = run("--node", str(wuhu.pk), "--as-of", "2023-09-30", "--json")
    last = json.loads(out.strip().splitlines()[-1])
    assert last == {
        "node": wuhu.pk,
        "as_of": "2023-09-30",
        "grassroots_unions": 3,
        "members": 4,
        "women_members": 2,
        "migrant_members": 1,
        "new_form_members": 1,
        "workplaces": 6,
        "workplaces_covered": 5,
        "checks_failed": 0,
    }
    assert "T3 会员情况" in out and "逻辑检查：通过" in out
    # Before the members joined (2023-03-01).
    last = json.loads(run("--node", str(wuhu.pk), "--as-of", "2023-02-28", "--json").strip().splitlines()[-1])
    assert (last["members"], last["grassroots_unions"]) == (0, 3)


def test_the_human_table_names_failed_checks(registry):
    u, w = registry.unions, registry.workplaces
    WorkplaceState.objects.filter(workplace=w["jinghu_a"]).update(employee_count=1)
    out = run("--node", str(u["jinghu"].pk), "--as-of", "2023-09-30", "--json")
    assert "逻辑检查：1 项未通过" in out
    assert f"工会「镜湖甲公司工会委员会」（编号 {u['jinghu_a'].pk}）" in out
    assert json.loads(out.strip().splitlines()[-1])["checks_failed"] == 1
    assert "工会干部" in out and "未登记工会干部" in out  # the registry holds no cadres: said, not faked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--node", "abc", "--as-of", "2023-09-30"], "工会编号「abc」应为整数"),
        (["--node", "999999", "--as-of", "2023-09-30"], "编号为 999999 的工会不存在"),
        (["--node", "1", "--as-of", "2023-13-30"], "截至日期「2023-13-30」应为 YYYY-MM-DD 格式的有效日期"),
    ],
)
def test_bad_arguments_give_a_chinese_error(registry, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value) == message
    assert raised.value.returncode == 2


def test_bad_arguments_exit_2_from_the_command_line(registry, capsys):
    with pytest.raises(SystemExit) as raised:
        ManagementUtility(
            ["manage.py", "annual_statistics", "--node", "x", "--as-of", "2023-09-30", "--json"]
        ).execute()
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert "工会编号「x」应为整数" in captured.err
    with pytest.raises(SystemExit) as raised:
        ManagementUtility(["manage.py", "annual_statistics", "--as-of", "2023-09-30"]).execute()
    assert raised.value.code == 2
    assert "命令参数有误" in capsys.readouterr().err
