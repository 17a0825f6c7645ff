"""The list pages' table template (core/table.html: each row drawn by one tag) and the date columns
(core/tables.py) show exactly what django-tables2's bootstrap5 template and its Date(Time)Columns show."""

import datetime as dt
import re
import zoneinfo

import django_tables2 as tables
import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import timezone

from gonghui.core.tables import DateColumn, DateTimeColumn


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return [
        re.sub(r">\s+<", "><", re.sub(r"\s+", " ", row)).strip()
        for row in re.findall(r"<tr.*?</tr>", body, re.S)
    ]


class Sample(tables.Table):
    name = tables.Column(linkify=lambda record: f"/x/{record['pk']}/")
    note = tables.Column(attrs={"td": {"class": "masked", "data-len": lambda value: len(str(value))}})
    amount = tables.Column(localize=True, attrs={"td": {"class": "num"}})
    plain = tables.Column(localize=False)
    escaped = tables.Column()
    on = tables.DateColumn(format="Y-m-d")
    at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        row_attrs = {"class": lambda record: "urgent" if record["pk"] == 2 else ""}


def _data():
    at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 2 March, 07:30 in Shanghai
    return [
        {"pk": 1, "name": "王芳", "note": "340***1234", "amount": 12345, "plain": 12345, "escaped": "<b>&</b>",
         "on": dt.date(2026, 3, 1), "at": at},
        {"pk": 2, "name": "李强", "note": None, "amount": 0.5, "plain": 7, "escaped": "", "on": None, "at": None},
    ]  # fmt: skip


def test_each_row_equals_django_tables2s_bootstrap5_row(settings):
    request = RequestFactory().get("/")
    ours = get_template("core/table.html").render({"table": Sample(_data()), "request": request})
    theirs = get_template("django_tables2/bootstrap5.html").render(
        {"table": Sample(_data()), "request": request}
    )
    assert len(_rows(ours)) == 2
    assert _rows(ours) == _rows(theirs)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in ours and 'data-len="10"' in ours and 'class="urgent odd"' in ours


def test_the_core_date_columns_show_what_django_tables2s_show():
    class Ours(tables.Table):
        on = DateColumn(format="Y-m-d")
        at = DateTimeColumn(format="Y-m-d H:i")
        short = DateColumn(accessor="on")

    class Theirs(tables.Table):
        on = tables.DateColumn(format="Y-m-d")
        at = tables.DateTimeColumn(format="Y-m-d H:i")
        short = tables.DateColumn(accessor="on")

    request = RequestFactory().get("/")
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
        ours = get_template("core/table.html").render({"table": Ours(_data()), "request": request})
        theirs = get_template("core/table.html").render({"table": Theirs(_data()), "request": request})
    assert _rows(ours) == _rows(theirs)
    assert "2026-03-02 07:30" in ours and "2026-03-01" in ours
    # Exports: ISO dates, as django-tables2's columns give them.
    row = list(Ours(_data()).as_values())[1]
    assert row[:2] == ["2026-03-01", "2026-03-01 23:30:00+00:00"]


@pytest.mark.django_db
def test_a_models_date_fields_get_the_core_columns():
    from gonghui.members.models import Member

    class Auto(tables.Table):
        class Meta:
            model = Member
            fields = ("join_date", "created_at")

    columns = Auto([]).base_columns
    assert type(columns["join_date"]) is DateColumn and type(columns["created_at"]) is DateTimeColumn


def _no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


@pytest.mark.django_db
def test_every_list_page_draws_its_cells_as_django_tables2_does(client, registry, monkeypatch):
    """The per-column plans (core/templatetags/table_rows.py ``_CellPlan``) against django-tables2's own
    ``BoundRow.get_cell``, on every page of the project with a table: the 鸠江区 objects of the scope sweep
    exist, so that each list has rows of every kind (choices, relations, links, dates, empty cells)."""
    from gonghui.core.templatetags import table_rows
    from tests.factories import PASSWORD
    from tests.scope_objects import OUTSIDE_OBJECTS, all_routes

    for make in OUTSIDE_OBJECTS.values():
        make(registry)
    assert client.login(username="t-province", password=PASSWORD)
    fast = table_rows._CellPlan.cell
    pages, rows = [], 0
    for route in all_routes():
        if route.params or route.is_api:
            continue
        url = route.url()
        monkeypatch.setattr(table_rows._CellPlan, "cell", fast)
        response = client.get(url)
        body = response.content.decode(errors="replace")
        if response.status_code != 200 or "<tbody" not in body:
            continue
        monkeypatch.setattr(table_rows._CellPlan, "cell", lambda plan, row: row.get_cell(plan.column.name))
        stock = client.get(url).content.decode(errors="replace")
        # A form's CSRF token is masked afresh on every render.
        assert _rows(_no_token(body)) == _rows(_no_token(stock)), url
        pages.append(url)
        rows += len(_rows(body))
    assert len(pages) >= 25 and rows >= 60, (pages, rows)
