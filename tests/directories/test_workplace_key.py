"""The registry side of matching: every way a workplace is written keeps its normalised name."""

import io

import pytest
from django.core.management import call_command

from gonghui.orgs.models import Workplace

pytestmark = pytest.mark.django_db


def test_save_sets_and_follows_renames(registry):
    w = registry.workplaces["jiujiang_none"]
    assert w.name_normalized == "未建会公司"  # 鸠江 stripped: the workplace is in 鸠江区
    w.name = "芜湖市鸠江区星火科技有限责任公司"
    w.save(update_fields=["name"])
    assert Workplace.objects.get(pk=w.pk).name_normalized == "星火科技有限公司"


def test_workplace_import_sets_the_key(registry, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "单位名称,所在地区,属地工会\n芜湖市 新导入科技股份有限公司,340207,鸠江区总工会\n", encoding="utf-8"
    )
    call_command(
        "import_workplaces", str(path), "--user", "t-jiujiang", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Workplace.objects.get(name="芜湖市 新导入科技股份有限公司").name_normalized == "新导入科技有限公司"
