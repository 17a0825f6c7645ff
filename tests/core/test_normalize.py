"""The validation module: every vector here is a form in which real people or Excel hand us a value."""

import datetime as dt

import pytest

from gonghui.core.normalize import (
    EXCEL_NUMBER_HINT,
    InvalidValue,
    normalize_bool,
    normalize_date,
    normalize_name,
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
    upgrade_15_to_18,
)
from tests.factories import make_id, make_uscc

VALID = make_id("340202", dt.date(1990, 1, 1), 123)  # 340202199001011234-ish, male (odd seq)
WITH_X = make_id("340202", dt.date(1990, 1, 1), 1)  # check digit is X
TO_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


# --- resident ID -------------------------------------------------------------------------------


def test_valid_18_digit_id():
    rid = normalize_resident_id(VALID)
    assert rid.number == VALID
    assert rid.birth_date == dt.date(1990, 1, 1)
    assert rid.sex == "M"
    assert rid.province_code == "34"
    assert not rid.upgraded and rid.warnings == []


def test_even_sequence_is_female():
    assert normalize_resident_id(make_id("340202", dt.date(1990, 1, 1), 122)).sex == "F"


def test_wrong_check_digit_is_an_error():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(InvalidValue, match="校验码"):
        normalize_resident_id(wrong)


def test_15_digit_id_is_upgraded_and_flagged():
    old = VALID[:6] + VALID[8:17]  # drop the century and the check digit
    assert len(old) == 15
    rid = normalize_resident_id(old)
    assert rid.number == VALID
    assert rid.upgraded is True
    assert any("15 位" in w and VALID in w for w in rid.warnings)
    assert upgrade_15_to_18(old) == VALID


def test_15_digit_id_stored_as_excel_number_lost_nothing():
    old = VALID[:6] + VALID[8:17]
    assert normalize_resident_id(float(old)).number == VALID
    assert normalize_resident_id(int(old)).number == VALID


def test_lowercase_x_is_normalised():
    assert WITH_X.endswith("X")
    assert normalize_resident_id(WITH_X.lower()).number == WITH_X


def test_fullwidth_digits_and_x():
    assert normalize_resident_id(WITH_X.translate(TO_FULLWIDTH)).number == WITH_X
    assert normalize_resident_id(VALID.translate(TO_FULLWIDTH)).number == VALID


def test_spaces_inside_and_around():
    spaced = f"  {VALID[:6]} {VALID[6:14]}\u3000{VALID[14:]} "
    assert normalize_resident_id(spaced).number == VALID


@pytest.mark.parametrize("value", [3.40202199001011e17, "3.40202199001011E+17", "3.40202199001011e17"])
def test_excel_float_and_scientific_notation_refused_with_hint(value):
    with pytest.raises(InvalidValue) as exc:
        normalize_resident_id(value)
    assert str(exc.value) == EXCEL_NUMBER_HINT
    assert "文本" in str(exc.value)


def test_big_integer_from_excel_refused_with_hint():
    with pytest.raises(InvalidValue, match="Excel"):
        normalize_resident_id(340202199001011234)


@pytest.mark.parametrize("value", ["", None, "   "])
def test_empty_id_is_an_error(value):
    with pytest.raises(InvalidValue, match="不能为空"):
        normalize_resident_id(value)


@pytest.mark.parametrize("value", ["34020219900101123", "3402021990010112345", "34020219900101123A", "ABC"])
def test_wrong_length_or_format(value):
    with pytest.raises(InvalidValue, match="18 位"):
        normalize_resident_id(value)


def test_birth_date_in_the_future_is_an_error():
    future = make_id("340202", dt.date(2030, 1, 1), 123)
    with pytest.raises(InvalidValue, match="晚于今天"):
        normalize_resident_id(future, today=dt.date(2026, 1, 1))
    # The same number is fine once that day has come.
    assert normalize_resident_id(future, today=dt.date(2031, 1, 1)).number == future


def test_birth_date_before_1900_is_an_error():
    with pytest.raises(InvalidValue, match="1900"):
        normalize_resident_id(make_id("340202", dt.date(1899, 12, 31), 123))


def test_impossible_birth_date_is_an_error():
    body = "34020219901301123"  # month 13
    from stdnum.cn import ric

    with pytest.raises(InvalidValue, match="出生日期"):
        normalize_resident_id(body + ric.calc_check_digit(body + "0"))


def test_unknown_address_code_in_known_province_is_only_a_warning():
    number = make_id("349999", dt.date(1990, 1, 1), 123)
    rid = normalize_resident_id(number)
    assert rid.number == number
    assert any("349999" in w for w in rid.warnings)


def test_address_code_that_did_not_exist_in_the_birth_year_is_only_a_warning():
    # 340207 (鸠江区) dates from the 1990s; someone born in 1960 may still carry it.
    number = make_id("340207", dt.date(1960, 1, 1), 123)
    rid = normalize_resident_id(number)
    assert rid.number == number
    assert rid.birth_date == dt.date(1960, 1, 1)


def test_unknown_province_is_an_error():
    with pytest.raises(InvalidValue, match="省级"):
        normalize_resident_id(make_id("990101", dt.date(1990, 1, 1), 123))


# --- unified social credit code ----------------------------------------------------------------


def test_valid_uscc_and_cleaning():
    code = make_uscc(12345)
    assert normalize_uscc(code) == code
    assert normalize_uscc(f" {code[:9]} {code[9:].lower()} ") == code


def test_empty_uscc_stays_empty():
    assert normalize_uscc("") == ""
    assert normalize_uscc(None) == ""


def test_uscc_wrong_check_digit():
    code = make_uscc(12345)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(InvalidValue, match="校验码"):
        normalize_uscc(wrong)


def test_uscc_wrong_length():
    with pytest.raises(InvalidValue, match="18 位"):
        normalize_uscc(make_uscc(12345)[:16])


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-138-1234-5678",
        "138-1234-5678",
        "8613812345678",
        13812345678,
        13812345678.0,
        "１３８１２３４５６７８",
    ],
)
def test_mobile_forms(value):
    assert normalize_phone(value) == "13812345678"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0553-1234567", "0553-1234567"),
        ("05531234567", "0553-1234567"),
        ("(0553)12345678", "0553-12345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
        ("+86 551 6512 3456", "0551-65123456"),
    ],
)
def test_landlines(value, expected):
    assert normalize_phone(value) == expected


def test_empty_phone_stays_empty():
    assert normalize_phone("") == ""
    assert normalize_phone(None) == ""


@pytest.mark.parametrize("value", ["12345", "1381234567", "23812345678", "138123456789", "电话"])
def test_invalid_phones(value):
    with pytest.raises(InvalidValue, match="电话号码"):
        normalize_phone(value)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        45047,
        45047.0,
        "2023-05-01",
        "2023/5/1",
        "2023.5.1",
        "2023年5月1日",
        "2023年5月1",
        "２０２３年５月１日",
        "20230501",
        20230501,
        " 2023-05-01 00:00:00 ",
        "2023-05-01 12:30",
        "2023/5/1 8:05:09",
        "2023-05-01T08:30:00",
        "2023-05-01T08:30:00.123",
        "2023年5月1日 8:30",
        dt.date(2023, 5, 1),
        dt.datetime(2023, 5, 1, 8, 30),
    ],
)
def test_date_forms(value):
    assert normalize_date(value) == dt.date(2023, 5, 1)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_date_is_none(value):
    assert normalize_date(value) is None


def test_impossible_date_is_an_error():
    with pytest.raises(InvalidValue, match="不存在"):
        normalize_date("2023-02-30")


@pytest.mark.parametrize("value", ["明天", "05/01/2023", "2023-5"])
def test_unrecognised_date_is_an_error_with_example(value):
    with pytest.raises(InvalidValue, match="2023-05-01"):
        normalize_date(value)


# --- booleans and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("是", True), ("否", False), ("Y", True), ("", False), (1, True)]
)
def test_bool(value, expected):
    assert normalize_bool(value) is expected


def test_bool_invalid():
    with pytest.raises(InvalidValue, match="是"):
        normalize_bool("也许")


def test_names():
    assert normalize_name("  张　三 ") == "张 三"
    with pytest.raises(InvalidValue, match="数字"):
        normalize_name("张三1")
    with pytest.raises(InvalidValue, match="不能为空"):
        normalize_name(" ")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # look-alike dots become the middle dot
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽．买买提", None),  # a full stop is not a middle dot
        ("𠀾小明", "𠀾小明"),  # CJK extension B
        ("\ue000明", "\ue000明"),  # a rare character kept in the private-use area by an older system
        ("Zhang San", "Zhang San"),
        ("ئەخمەت", "ئەخمەت"),  # Uyghur
        ("张三\n", "张三"),  # a new line in a spreadsheet cell is white space
    ],
)
def test_names_accept_letters_of_any_script_and_the_middle_dot(raw, clean):
    if clean is None:
        with pytest.raises(InvalidValue, match=r"不能用于姓名的字符「\.」"):
            normalize_name(raw)
    else:
        assert normalize_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("<script>alert(1)</script>", "不能用于姓名的字符「<」"),
        ("张=三", "不能用于姓名的字符「=」"),
        ("$张三", "不能用于姓名的字符「\\$」"),
        ("=HYPERLINK(1)", "不能用于姓名的字符「=」"),
        ("张三\x00", "控制字符"),
        ("张\u202e三", "控制字符"),  # right-to-left override
        ("张\u200b三", "控制字符"),  # zero-width space
        ("·张三", "间隔号"),
        ("张··三", "间隔号"),
    ],
)
def test_names_refuse_what_a_name_cannot_hold(raw, message):
    with pytest.raises(InvalidValue, match=message):
        normalize_name(raw)
