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


def test_fast_uscc_check_agrees_with_stdnum():
    """normalize_uscc's fast path accepts exactly what stdnum.cn.uscc accepts (random codes, half of them
    given their right check digit, and hand-picked bad ones)."""
    import random

    from stdnum.cn import uscc

    from gonghui.core.normalize import InvalidValue, normalize_uscc

    rnd = random.Random(5)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY" + "IOZSV"
    valid = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
    codes = ["91340207MA2N0ABC0", "91340207MA2N0ABCX1", "A1340207000000001X", ""]
    for _ in range(3000):
        body = "".join(rnd.choice("0123456789") for _ in range(8)) + "".join(
            rnd.choice(alphabet) for _ in range(9)
        )
        last = (
            uscc.calc_check_digit(body + "0")
            if rnd.random() < 0.5 and set(body) <= valid
            else rnd.choice(alphabet)
        )
        codes.append(body + last)
    for code in codes:
        try:
            ours = normalize_uscc(code)
        except InvalidValue:
            ours = None
        expected = uscc.validate(code) if code and uscc.is_valid(code) else (None if code else "")
        assert ours == expected, code
