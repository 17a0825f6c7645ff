"""normalize_org_name: the matching key of an organisation's name (issue 12), as vectors."""

import pytest

from gonghui.core.normalize import normalize_org_name

JIUJIANG = "340207"  # 安徽省芜湖市鸠江区

VECTORS = [
    # (name, region code, key)
    ("芜湖市某某科技有限公司", JIUJIANG, "某某科技有限公司"),  # city prefix
    ("安徽省芜湖市鸠江区某某科技有限公司", JIUJIANG, "某某科技有限公司"),  # province + city + county
    ("安徽芜湖某某科技有限公司", JIUJIANG, "某某科技有限公司"),  # short forms
    ("鸠江区某某科技有限公司", JIUJIANG, "某某科技有限公司"),  # county prefix
    ("某某科技有限责任公司", JIUJIANG, "某某科技有限公司"),  # company forms made one
    ("某某科技股份有限公司", JIUJIANG, "某某科技有限公司"),
    ("某某科技（芜湖）有限公司", JIUJIANG, "某某科技有限公司"),  # a place name in brackets
    ("某某科技有限公司（鸠江）", JIUJIANG, "某某科技有限公司"),
    ("某某 科技　有限公司", JIUJIANG, "某某科技有限公司"),  # spaces, ideographic space
    ("ＡＢＣ科技有限公司", JIUJIANG, "ABC科技有限公司"),  # full-width → half-width
    ("abc科技有限公司", JIUJIANG, "ABC科技有限公司"),  # upper-case
    ("某某餐饮（普通合伙）", JIUJIANG, "某某餐饮(普通合伙)"),  # other brackets kept
    ("中山大学", JIUJIANG, "中山大学"),  # a place elsewhere is part of the name here
    ("芜湖县红星农机合作社", JIUJIANG, "芜湖县红星农机合作社"),  # another county's name is kept whole
    ("芜湖有限公司", JIUJIANG, "芜湖有限公司"),  # never strip the whole name proper
    ("芜湖市某某科技有限公司", "", "芜湖市某某科技有限公司"),  # no region: no prefix stripped
    ("芜湖市某某科技有限公司", "340207001", "某某科技有限公司"),  # a town code: its county's prefixes
    ("", JIUJIANG, ""),
    (None, JIUJIANG, ""),
]


@pytest.mark.parametrize(("name", "region", "key"), VECTORS)
def test_vectors(name, region, key):
    assert normalize_org_name(name, region) == key


def test_spellings_of_one_registrant_share_the_key_and_others_do_not():
    spellings = ["芜湖市鸠江区 星火科技有限责任公司", "星火科技(芜湖)股份有限公司", "安徽星火科技有限公司"]
    assert len({normalize_org_name(s, JIUJIANG) for s in spellings}) == 1
    assert normalize_org_name("星火电子有限公司", JIUJIANG) != normalize_org_name(
        "星火科技有限公司", JIUJIANG
    )
