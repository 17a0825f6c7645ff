"""What an export writes in a cell: choice labels (the per-model label table) and formula escaping."""

from gonghui.core.exports import display, escape_cell
from gonghui.members.models import EmploymentStatus, Member, MemberStatus, Sex
from gonghui.orgs.models import UnionOrg


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
