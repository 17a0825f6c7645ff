"""The plan table imported through the import engine: departments resolved against the issuer's, 完成时限
parsed in the plan's year, a bad row refuses the whole file (nothing written)."""

import datetime as dt
import io

import pytest
import xlsxwriter

from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.supervision.models import PlanTask
from tests.supervision.tasks_helpers import build_sup

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "牵头部门", "责任单位", "完成时限"]
GOOD = [
    ["3", "推进新就业形态劳动者入会", "基层工作部、组织部", "基层工作部、各县区总工会", "6月底前"],
    ["4", "开展职工代表培训", "宣传教育部", "", "全年"],
    ["5", "规范化建设回头看", "办公室", "", "12月31日前"],
]


def xlsx(rows) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("工作要点")
    sheet.write_row(0, 0, ["芜湖市总工会工作要点"])
    sheet.write_row(1, 0, HEADER)
    for i, row in enumerate(rows):
        sheet.write_row(2 + i, 0, row)
    book.close()
    return buf.getvalue()


def run(registry, sup, tmp_path, rows):
    path = tmp_path / "计划.xlsx"
    path.write_bytes(xlsx(rows))
    job = create_job(registry.users["wuhu"], "work_plan", path, "计划.xlsx", options={"plan": sup.plan.pk})
    return job, run_job(job, dry_run=False)


@pytest.fixture
def sup(registry):
    return build_sup(registry)


def test_a_good_plan_table_is_imported_and_again_changes_nothing(registry, sup, tmp_path):
    _job, result = run(registry, sup, tmp_path, GOOD)
    assert result.committed and result.created == 3 and result.errors == 0
    point = PlanTask.objects.get(plan=sup.plan, number="3")
    assert sorted(d.name for d in point.lead_departments.all()) == ["基层工作部", "组织部"]
    assert [d.name for d in point.responsible_departments.all()] == ["基层工作部"]
    assert point.responsible_text == "各县区总工会"
    assert point.deadline == dt.date(sup.plan.year, 6, 30) and point.deadline_text == "6月底前"
    office = PlanTask.objects.get(plan=sup.plan, number="5")
    assert [d.name for d in office.lead_departments.all()] == ["办公室（国际联络部）"]
    _job, again = run(registry, sup, tmp_path, GOOD)
    assert again.created == 0 and again.updated == 0 and again.skipped == 3


def test_bad_rows_are_named_and_nothing_is_written(registry, sup, tmp_path):
    bad = [
        *GOOD,
        ["6", "", "组织部", "", "全年"],
        ["7", "建设职工书屋", "文体部", "", "全年"],
        ["8", "开展劳动竞赛", "组织部", "", "尽快"],
        ["3", "重复的序号", "组织部", "", ""],
    ]
    before = PlanTask.objects.count()
    _job, result = run(registry, sup, tmp_path, bad)
    assert not result.committed and result.errors == 4  # the second row 3 is the one refused
    messages = " ".join(i.message for i in result.issues)
    assert "任务不能为空" in messages
    assert "「文体部」不是芜湖市总工会的部门" in messages
    assert "无法识别完成时限「尽快」" in messages
    assert "与第 3 行序号重复" in messages
    assert PlanTask.objects.count() == before
