import io
import json

import pytest
from django.core.management import call_command

from gonghui.targets.importer import ImportRefused, import_plan, parse
from gonghui.targets.models import TargetItem, TargetPlan
from tests.targets.helpers import WUHU_2023, complete_wuhu, table_xlsx


@pytest.fixture
def wuhu(registry):
    complete_wuhu(registry)
    return registry


def test_wuhu_2023_table_imports_ten_rows_with_totals(wuhu):
    plan, table = import_plan(io.BytesIO(table_xlsx()), issuer=wuhu.unions["wuhu"], year=2023)
    assert len(table.rows) == 10
    assert plan.title == "芜湖市2023年基层组织建设目标任务分解表"
    items = TargetItem.objects.filter(plan=plan)
    totals = {
        code: sum(i.target for i in items if i.metric.code == code)
        for code in ("founded", "members", "migrant", "new_form")
    }
    assert totals == {"founded": 370, "members": 21500, "migrant": 21500, "new_form": 10000}
    names = {i.union.name for i in items}
    assert "芜湖经济技术开发区总工会" in names and "芜湖三山经济开发区总工会" in names
    assert "芜湖市行业工会联合会" in names
    jiujiang = items.get(union=wuhu.unions["jiujiang"], metric__code="members")
    assert jiujiang.target == 2000


def test_total_row_that_disagrees_is_refused_naming_the_column(wuhu):
    with pytest.raises(ImportRefused) as exc:
        import_plan(
            io.BytesIO(table_xlsx(total=(370, 21400, 21500, 10000))), issuer=wuhu.unions["wuhu"], year=2023
        )
    message = str(exc.value)
    assert "「会员数」列" in message and "21400" in message and "21500" in message
    assert "农民工" not in message  # only the wrong column is named
    assert not TargetPlan.objects.exists()


def test_unknown_row_name_is_a_chinese_error_with_the_row(wuhu):
    rows = [*WUHU_2023[:9], ("月亮湾区", 30, 1500, 1500, 1000)]
    table = parse(io.BytesIO(table_xlsx(rows=rows, total=None)), wuhu.unions["wuhu"])
    assert any("第 13 行" in e and "月亮湾区" in e and "找不到" in e for e in table.errors)


def test_subset_column_larger_than_parent_is_refused(wuhu):
    rows = [("镜湖区", 40, 2000, 2500, 1000)]
    table = parse(io.BytesIO(table_xlsx(rows=rows, total=None)), wuhu.unions["wuhu"])
    assert any("其中农民工会员数" in e and "大于" in e for e in table.errors)


def test_command_imports_and_prints_json(wuhu, tmp_path):
    path = tmp_path / "wuhu2023.xlsx"
    path.write_bytes(table_xlsx())
    out = io.StringIO()
    call_command(
        "import_targets",
        str(path),
        issuer=wuhu.unions["wuhu"].pk,
        year=2023,
        json=True,
        doc_number="芜工发〔2023〕1号",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["ok"] is True and len(result["rows"]) == 10
    assert TargetPlan.objects.get(pk=result["plan_id"]).doc_number == "芜工发〔2023〕1号"


def test_command_json_reports_errors(wuhu, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(table_xlsx(total=(371, 21500, 21500, 10000)))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_targets", str(path), issuer=wuhu.unions["wuhu"].pk, year=2023, json=True, stdout=out
        )
    result = json.loads(out.getvalue())
    assert result["ok"] is False and "「组建数」列" in result["errors"][0]
