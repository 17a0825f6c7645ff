"""The targets pages as a user meets them: ranked rows, 「超额 N」 instead of a negative gap, no forecast once
the year is over, a template to download instead of a shell command, and a 「上一级」 link that never
leads to a 404."""

import io
import re

import pytest
from python_calamine import CalamineWorkbook

from gonghui.targets.display import gap_label
from gonghui.targets.importer import parse
from gonghui.targets.services import save_plan, seed_reference
from tests.targets.conftest_helpers import make_plan


@pytest.fixture
def plan(registry):
    return make_plan(registry)


def _body_rows(page: str) -> list[str]:
    tbody = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in tbody.split("</tr>") if "<td" in row]


def test_rows_sorted_by_rank(client, plan, registry, as_user):
    as_user("wuhu", client)
    page = client.get(f"/targets/{plan.pk}/?as_of=2023-06-30").content.decode()
    rows = _body_rows(page)
    # The plan lists 镜湖区 first; 鸠江区 is ahead (50 % of its member target against 25 %).
    assert [r[:2] for r in rows] == [["1", "鸠江区总工会"], ["2", "镜湖区总工会"]]


def test_target_passed_reads_exceeded_never_a_negative_gap(client, registry, as_user):
    seed_reference()
    u = registry.unions
    small = save_plan(issuer=u["wuhu"], year=2023, title="小目标", rows=[(u["jiujiang"], {"members": 1})])
    as_user("wuhu", client)
    page = client.get(f"/targets/{small.pk}/?as_of=2023-06-30").content.decode()
    assert "超额 1" in page
    cells = [c for r in _body_rows(page) for c in r]
    assert not [c for c in cells if re.fullmatch(r"−?-\d+", c)]
    assert (
        gap_label(-5) == "超额 5" and gap_label(0) == "0" and gap_label(3) == "3" and gap_label(None) == "—"
    )


def test_no_forecast_once_the_year_is_over(client, plan, registry, as_user):
    as_user("wuhu", client)
    running = client.get(f"/targets/{plan.pk}/?as_of=2023-06-30").content.decode()
    assert "按当前进度预测到 12 月 31 日" in running and "预计差" in running
    over = client.get(f"/targets/{plan.pk}/?as_of=2023-12-31").content.decode()
    assert "按当前进度预测" not in over and "预计差" not in over
    assert "2023 年度已结束" in over
    # The dashboard's table of the units furthest behind: no 年底预计 for a year that is over either.
    board = client.get(f"/reports/?plan={plan.pk}&as_of=2023-06-30").content.decode()
    assert "年底预计" in board
    board = client.get(f"/reports/?plan={plan.pk}&as_of=2023-12-31").content.decode()
    assert "年底预计" not in board and "全年未完成" in board


def test_bulletin_of_a_finished_year_forecasts_nothing(plan, registry):
    import datetime as dt

    from gonghui.reports import bulletin
    from gonghui.targets.services import snapshot

    def forecasts(snap):
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(bulletin.to_xlsx(snap, bulletin.compose(snap))))
        rows = sheet.get_sheet_by_index(0).to_python()
        col = rows[3].index("会员数年底预测")
        return [r[col] for r in rows[4:]]

    running = snapshot(plan, dt.date(2023, 6, 30))
    assert "按当前进度推算" in bulletin.compose(running).forecast
    assert any(v not in ("", None) for v in forecasts(running))
    over = snapshot(plan, dt.date(2023, 12, 31))
    assert bulletin.compose(over).forecast == ""
    assert all(v in ("", None) for v in forecasts(over))


def test_upload_page_offers_the_template_and_no_shell_command(client, registry, as_user):
    seed_reference()
    as_user("wuhu", client)
    page = client.get("/targets/upload/").content.decode()
    assert "manage.py" not in page and "命令行" not in page and "--issuer" not in page
    assert "/targets/upload/template.xlsx" in page and "下载填报模板" in page
    response = client.get(f"/targets/upload/template.xlsx?issuer={registry.unions['wuhu'].pk}&year=2024")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[2][:3] == ["单位", "组建数", "会员数"]
    names = [row[0] for row in sheet[3:]]
    assert {"镜湖区总工会", "鸠江区总工会"} <= set(names) and "芜湖市总工会" not in names
    # Filled in, the template imports as it is.
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    out = book.add_worksheet()
    for r, row in enumerate(sheet):
        for c, value in enumerate(row):
            out.write(r, c, value)
        if r >= 3:
            out.write_number(r, 2, 10)
    book.close()
    table = parse(io.BytesIO(buf.getvalue()), registry.unions["wuhu"])
    assert not table.errors and len(table.rows) == len(names)
    # Another county's union as issuer: 404; a viewer may not download it (upload is for editors).
    client.logout()
    as_user("jinghu", client)
    assert (
        client.get(f"/targets/upload/template.xlsx?issuer={registry.unions['jiujiang'].pk}").status_code
        == 404
    )
    own = client.get("/targets/upload/template.xlsx")
    own_names = [
        r[0]
        for r in CalamineWorkbook.from_filelike(io.BytesIO(own.content)).get_sheet_by_index(0).to_python()[3:]
    ]
    assert "鸠江区总工会" not in own_names
    client.logout()
    as_user("viewer", client)
    assert client.get("/targets/upload/template.xlsx").status_code == 403


def test_parent_link_only_when_it_opens(client, registry, as_user):
    jinghu, wuhu = registry.unions["jinghu"], registry.unions["wuhu"]
    as_user("jinghu", client)
    own = client.get("/targets/indicators/").content.decode()
    assert "上一级" not in own  # the user's own top node: its parent would be a 404
    assert client.get(f"/targets/indicators/?node={jinghu.parent_id}").status_code == 404
    client.logout()
    as_user("wuhu", client)
    page = client.get(f"/targets/indicators/?node={jinghu.pk}").content.decode()
    link = re.search(r'href="\?node=(\d+)[^"]*">上一级', page)
    assert link and int(link.group(1)) == wuhu.pk
    assert client.get(f"/targets/indicators/?node={link.group(1)}").status_code == 200
