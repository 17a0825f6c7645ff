"""What an export writes in a cell (choice labels from the per-model table, formula escaping) and how it
reads its rows."""

from django.db import connection

from gonghui.core.exports import display, escape_cell, rows_of
from gonghui.members.models import EmploymentStatus, Member, MemberStatus, Sex
from gonghui.orgs.models import UnionOrg
from gonghui.regions.models import Region


def test_display_gives_what_get_display_gives_for_every_choice():
    sex, employment = display("sex"), display("employment_status")
    for value in Sex.values:
        member = Member(sex=value)
        assert sex(member, False) == member.get_sex_display()
    for value in EmploymentStatus.values:
        member = Member(employment_status=value)
        assert employment(member, True) == member.get_employment_status_display()


def test_display_keeps_a_value_outside_the_choices_as_django_does():
    member = Member(sex="X")
    assert display("sex")(member, False) == member.get_sex_display() == "X"
    member.sex = None
    assert display("sex")(member, False) is None


def test_one_accessor_on_two_models_uses_each_models_own_labels():
    status = display("status")  # both models have a status field with different choices
    member = Member(status=MemberStatus.ACTIVE)
    union = UnionOrg(status=UnionOrg.Status.REVOKED)
    assert status(member, False) == member.get_status_display()
    assert status(union, False) == "撤销"
    assert status(member, False) == member.get_status_display()


def test_formula_cells_are_escaped():
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell("张三") == "张三"
    assert escape_cell(5) == 5


def test_export_reads_through_a_server_side_cursor_behind_pgbouncer(on_postgres):
    """DATABASE_POOLER=pgbouncer turns server-side cursors off; an export still must not fetch every row
    at once: it reads in a transaction with a cursor on the server (visible in pg_cursors)."""
    for i in range(3):
        Region.objects.create(code=f"99{i:04d}", name=f"测试区{i}", level=Region.Level.COUNTY)
    shared = connection.settings_dict
    connection.settings_dict = {**shared, "DISABLE_SERVER_SIDE_CURSORS": True}
    try:
        rows = iter(rows_of(Region.objects.filter(code__startswith="99").order_by("code"), False))
        first = next(rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            open_cursors = cursor.fetchone()[0]
        rest = list(rows)
        pooled = connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    finally:
        connection.settings_dict = shared
    assert open_cursors == 1
    assert "测试区0" in first
    assert [row for row in rest if "测试区2" in row]
    assert pooled is True  # the pooler's setting is back once the rows are read
