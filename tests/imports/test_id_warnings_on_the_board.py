"""A ledger row whose ID carried the importer's row-level warning (a 15-digit ID upgraded to 18) is
recorded on the member, and the data-quality board counts it (COPY on PostgreSQL, bulk_create here)."""

import datetime as dt

import pytest

from gonghui.members.models import Member
from gonghui.targets import quality
from tests.factories import make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx

pytestmark = pytest.mark.django_db


def test_an_upgraded_id_in_a_ledger_is_on_the_board(registry, do_import, tmp_path):
    jiujiang = registry.unions["jiujiang"]
    before = quality.id_warnings(jiujiang, dt.date.today()).count()
    rows = [
        ["钱老一", "340207550505123", "", "鸠江乙公司工会委员会", "2024-03-01", "否", ""],
        [
            "孙新二",
            make_id("340207", dt.date(1990, 5, 5), 77),
            "",
            "鸠江乙公司工会委员会",
            "2024-03-01",
            "否",
            "",
        ],
    ]
    path = write_xlsx(tmp_path / "鸠江.xlsx", MEMBER_HEADER, rows)
    job, result = do_import(registry.users["jiujiang"], path)
    assert result.committed and result.created == 2
    assert job.row_errors.filter(is_warning=True, message__contains="15 位").count() == 1
    upgraded = Member.objects.get(name="钱老一")
    assert upgraded.id_upgraded and not Member.objects.get(name="孙新二").id_upgraded
    flagged = quality.id_warnings(jiujiang, dt.date.today())
    assert flagged.count() == before + 1 and upgraded in flagged
    assert not quality.id_warnings(registry.unions["jinghu"], dt.date.today()).filter(pk=upgraded.pk).exists()
