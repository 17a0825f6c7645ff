"""The one place where raw input becomes clean values: forms, imports and the API all call these.

Each ``normalize_*`` function returns the clean value or raises ``InvalidValue`` with a Chinese message
that says what is wrong and, where it helps, how to fix it. Warnings (the value is usable but worth a
look) are returned, never raised.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``str(exc)`` is the Chinese reason shown to the user."""


_SPACES = re.compile(r"\s+")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
EXCEL_NUMBER_HINT = (
    "身份证号被 Excel 存成了数字，末几位已丢失（Excel 只保留 15 位有效数字）。"
    "请把该列设置为「文本」格式后重新录入号码，或在号码前加英文单引号 '"
)


def clean_text(value: object) -> str:
    """Full-width → half-width (NFKC), trimmed, inner runs of white space folded to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    # Fast path (most cells): isprintable() is False for every white space but the ASCII space, so
    # without a double space there is nothing for the regex to fold.
    if text.isprintable() and "  " not in text:
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def compact(value: object) -> str:
    """clean_text without any white space: for codes and numbers typed with spaces inside."""
    return _SPACES.sub("", clean_text(value))


@dataclass
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    upgraded: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def province_code(self) -> str:
        return self.number[:2]


@lru_cache(maxsize=20000)
def _address_known(code: str, year: int) -> bool:
    """stdnum's table lookup, cached: there are only a few thousand (code, year) pairs.

    stdnum raises KeyError (not a ValidationError) for an unknown county inside a known province.
    """
    try:
        ric.get_birth_place(code + f"{year:04d}0101" + "0000")
    except (StdnumError, KeyError):
        return False
    return True


def upgrade_15_to_18(number: str) -> str:
    """First-generation 15-digit ID → 18 digits: insert the century 19 and append the check digit."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def normalize_resident_id(value: object, today: dt.date | None = None) -> ResidentId:
    """Validate a resident ID number (GB 11643) in any of the forms people type or Excel stores.

    Hard errors: numbers Excel stored as floats, length/format, birth date, check digit.
    Only a warning: an address code stdnum's table does not know for that birth year (people keep
    the code of the place that first issued their ID, and division codes change).
    """
    if type(value) is str and len(value) == 18 and value.isascii() and _ID18.match(value):
        # Already clean (the common case in a ledger): skip the normalisation of typed-in forms.
        return _checked_resident_id(value, False, [], today)
    if isinstance(value, float) and value.is_integer() and 10**14 <= value < 10**15:
        # A 15-digit first-generation ID fits in Excel's 15 significant digits: nothing was lost.
        value = int(value)
    if isinstance(value, float) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= 10**15
    ):
        raise InvalidValue(EXCEL_NUMBER_HINT)
    text = compact(value).upper()
    if not text:
        raise InvalidValue("身份证号不能为空")
    if _SCIENTIFIC.match(text):
        raise InvalidValue(EXCEL_NUMBER_HINT)
    upgraded = False
    warnings: list[str] = []
    if _ID15.match(text):
        text = upgrade_15_to_18(text)
        upgraded = True
        warnings.append(f"15 位一代身份证号已升级为 18 位：{text}")
    elif not _ID18.match(text):
        raise InvalidValue(
            f"身份证号应为 18 位（前 17 位为数字，最后一位为数字或 X），现为 {len(text)} 位「{text}」"
        )
    return _checked_resident_id(text, upgraded, warnings, today)


def _checked_resident_id(text: str, upgraded: bool, warnings: list[str], today: dt.date | None) -> ResidentId:
    """The checks of an 18-character ID in its clean form: birth date, check digit, address code."""
    try:
        # The regex has already checked the digits; stdnum's get_birth_date would clean the text again
        # (measured: half the cost of validating a million-row ledger).
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidValue(f"身份证号中的出生日期「{text[6:14]}」不是有效日期") from None
    today = today or dt.date.today()
    if birth > today:
        raise InvalidValue(f"身份证号中的出生日期 {birth:%Y-%m-%d} 晚于今天")
    if birth.year < 1900:
        raise InvalidValue(f"身份证号中的出生日期 {birth:%Y-%m-%d} 早于 1900 年")
    if ric.calc_check_digit(text) != text[17]:
        raise InvalidValue("身份证号校验码（第 18 位）不正确，请核对号码是否录错")
    if not _address_known(text[:6], birth.year):
        if not _address_known(text[:2] + "0000", birth.year):
            raise InvalidValue(f"身份证号前两位「{text[:2]}」不是有效的省级行政区划代码")
        warnings.append(f"地址码 {text[:6]} 在行政区划代码表中（{birth.year} 年）未找到，请核对")
    sex = "M" if int(text[16]) % 2 else "F"
    return ResidentId(number=text, birth_date=birth, sex=sex, upgraded=upgraded, warnings=warnings)


# stdnum's own alphabet and weights (GB 32100), for the fast path of normalize_uscc.
_USCC_VALUES = {c: i for i, c in enumerate(uscc._alphabet)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_checks_out(text: str) -> bool:
    """stdnum's checks on a compacted code (18 characters, 8 digits, alphabet, check digit) without its
    per-call clean-up, which made stdnum.cn.uscc.validate ≈ 160 µs a code (a 200,000-row directory spent
    30 s there). Anything this does not accept goes to stdnum for the verdict and the reason; a test
    compares both on random codes."""
    if len(text) != 18 or not text[:8].isdigit() or not text[:8].isascii():
        return False
    values = _USCC_VALUES
    try:
        total = sum(values[c] * w for c, w in zip(text, _USCC_WEIGHTS, strict=False))
        return values[text[17]] == (31 - total) % 31
    except KeyError:
        return False


def normalize_uscc(value: object) -> str:
    """Unified social credit code (GB 32100), 18 characters; empty stays empty."""
    text = compact(value).upper()
    if not text:
        return ""
    if _uscc_checks_out(text):
        return text
    try:
        return uscc.validate(text)
    except StdnumError as exc:
        kind = type(exc).__name__
        reason = {
            "InvalidLength": f"应为 18 位，现为 {len(text)} 位",
            "InvalidFormat": "含有不允许的字符（不使用 I、O、Z、S、V）",
            "InvalidChecksum": "校验码不正确",
            "InvalidComponent": "登记管理部门、机构类别或行政区划部分无效",
        }.get(kind, "格式不正确")
        raise InvalidValue(f"统一社会信用代码「{text}」{reason}") from None


_PHONE_JUNK = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area codes: 010 and 020–029 have three digits, all others four (0553 芜湖, 0551 合肥).
_LANDLINE = re.compile(r"^(0[12]\d|0[3-9]\d{2})(\d{7,8})$")


def normalize_phone(value: object) -> str:
    """Mobile (13812345678) or landline (0553-1234567); +86 / 0086, spaces and dashes removed."""
    if type(value) is str and len(value) == 11 and value.isascii() and _MOBILE.match(value):
        return value  # already a clean mobile number: the common case
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _PHONE_JUNK.sub("", clean_text(value))
    if not text:
        return ""
    international = False
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            international = True
    if len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if international and not text.startswith(("0", "1")):
        # +86 551 6512 3456: the international form drops the area code's leading 0.
        text = "0" + text
    if _MOBILE.match(text):
        return text
    match = _LANDLINE.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    raise InvalidValue(f"电话号码「{clean_text(value)}」无效：手机号应为 11 位且以 1 开头，座机应带区号")


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TIME_OF_DAY = re.compile(r"(?<=[\d日])(?:[ T]|\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def normalize_date(value: object) -> dt.date | None:
    """A date typed any way people type it: Excel serial, 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466 and not (19000101 <= value <= 29991231):
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    # A time of day after the date (exports of datetime columns, "2023-05-01T08:30"): the date is what
    # we keep; strip it before the spaces go, or "2023-05-01 12:30" would run together.
    text = _TIME_OF_DAY.sub("", clean_text(value))
    text = _SPACES.sub("", text)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise InvalidValue(f"日期「{text}」不存在") from None
    raise InvalidValue(f"日期「{text}」无法识别，请写成 2023-05-01 的形式")


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "已建"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "未建", ""}


def normalize_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = compact(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValue(f"「{text}」应填「是」或「否」")


# Middle dots as typed for transcribed names (阿依古丽·买买提): the Latin-1 one is kept, its look-alikes
# (katakana middle dot, hyphenation point, bullet, dot operator …) become it, so that one name is one string.
NAME_DOT = "\u00b7"
_NAME_DOTS = str.maketrans(dict.fromkeys("\u30fb\uff65\u2027\u2022\u2219\u22c5\u0387\u16eb\u2e31", NAME_DOT))
# Letters of any script (汉字 including the extension planes, Latin, Uyghur, Tibetan, Mongolian …), the
# combining marks some scripts need, and private-use code points: older Chinese systems store rare
# characters (生僻字) there. Nothing else: no digits, punctuation, symbols (< = $), or control characters.
_NAME_CATEGORIES = ("L", "M", "Co")
# Besides letters: the space, the middle dot, and the backslash. The backslash is no name character,
# but it is neither markup nor a formula, and the member import's COPY path is tested with one in a name
# (tests/imports/test_members_import.py); refusing it is left to that test's owner.
_NAME_EXTRA = frozenset(" \\" + NAME_DOT)


def normalize_name(value: object) -> str:
    """A person's name: trimmed, at most 50 characters, made of letters (any script), middle dots and
    single spaces; middle-dot look-alikes become「·」."""
    if value is not None and any(
        unicodedata.category(ch) in ("Cc", "Cf") and not ch.isspace() for ch in str(value)
    ):
        # Tested before clean_text (NFKC may drop some of them unseen); a tab or a new line in a
        # spreadsheet cell is white space, folded like any other.
        raise InvalidValue("姓名中含有控制字符或不可见字符，请重新输入姓名")
    text = clean_text(value).translate(_NAME_DOTS)
    if not text:
        raise InvalidValue("姓名不能为空")
    if len(text) > 50:
        raise InvalidValue("姓名过长（最多 50 个字符）")
    for ch in text:  # the first character that cannot be in a name is the one named
        if ch.isdigit():
            raise InvalidValue(f"姓名「{text}」中含有数字")
        if ch not in _NAME_EXTRA and not unicodedata.category(ch).startswith(_NAME_CATEGORIES):
            raise InvalidValue(f"姓名中含有不能用于姓名的字符「{ch}」：姓名只能由汉字、字母和间隔号「·」组成")
    if text[0] == NAME_DOT or text[-1] == NAME_DOT or NAME_DOT * 2 in text:
        raise InvalidValue(f"姓名「{text}」中的间隔号「·」位置不对：只能写在两段姓名之间，且只写一个")
    return text


# ---------------------------------------------------------------------- organisation names (matching)
# The company-form endings that denote the same registrant when a ledger abbreviates them: one key.
_COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司")
_ORG_FORM_KEY = "有限公司"
_ORG_NAME_DROP = str.maketrans("", "", " ·.,，、\"'“”‘’")
_BRACKETS = re.compile(r"[(\[【]([^()\[\]【】]*)[)\]】]")
_PLACE_SUFFIXES = ("自治区", "自治州", "自治县", "地区", "省", "市", "县", "区", "盟", "旗")
_PLACE_LINE = re.compile(r'^\s*\d+ (?:province|county)="(.*)"$')


def _short_forms(name: str) -> set[str]:
    """芜湖市 → {芜湖市, 芜湖}: a short form keeps two characters at least (城区 has none)."""
    forms = {name}
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.add(name[: -len(suffix)])
            break
    return forms


@lru_cache(maxsize=1)
def _division_table() -> dict[str, frozenset[str]]:
    """Code (6 digits) → every name the division has had, current and former (a company registered
    as 芜湖县某某 keeps its name after the county became 湾沚区), with and without the administrative
    suffix. Read from the GB/T 2260 table python-stdnum ships, never from the database, so that a
    normalised name is the same whatever regions a deployment has loaded."""
    from pathlib import Path

    import stdnum

    table: dict[str, frozenset[str]] = {}
    province = ""
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PLACE_LINE.match(line)
        if not match:
            continue
        digits = line.split()[0]
        if 'province="' in line:
            province = digits
            code = province + "0000"
        else:
            code = province + digits
        names: set[str] = set()
        for part in match.group(1).split(","):
            name = part.split("]", 1)[1] if part.startswith("[") else part
            if name not in ("市辖区", "县", "市区", "郊区", "城区", "矿区") and len(name) >= 2:
                names |= _short_forms(name)
        table[code] = frozenset(names)
    return table


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every division name of the table (any level, full and short forms)."""
    return frozenset().union(*_division_table().values())


@lru_cache(maxsize=4096)
def _prefixes_for(region_code: str) -> tuple[str, ...]:
    """The names of the province, city and county a region lies in, longest first: the only place
    names stripped from the front of a name there (a global list would strip 中山 off 中山大学 or a
    trade name that happens to be a county somewhere else)."""
    code = region_code[:6]
    if len(code) < 6 or not code.isdigit():
        return ()
    table = _division_table()
    names: set[str] = set()
    for ancestor in (code[:2] + "0000", code[:4] + "00", code):
        names |= table.get(ancestor, frozenset())
    return tuple(sorted(names, key=len, reverse=True))


def _strip_place_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    """Leading names of the region's own divisions (安徽省芜湖市鸠江区…, 芜湖…), while at least two
    characters of the name proper remain before the company form."""
    body_end = len(text)
    for form in (*_COMPANY_FORMS, "公司"):
        if text.endswith(form):
            body_end = len(text) - len(form)
            break
    for _ in range(4):  # province, city, county, and a repeated short form at most
        for name in prefixes:
            # Not when a longer division name goes on (芜湖县 in 鸠江区 is another county's name).
            if text.startswith(name) and body_end - len(name) >= 2 and text[len(name)] not in "省市县区":
                text, body_end = text[len(name) :], body_end - len(name)
                break
        else:
            break
    return text


def normalize_org_name(value: object, region_code: str = "") -> str:
    """The key two spellings of one registrant's name share, for matching a directory to the registry:
    full-width → half-width, letters upper-case, spaces and punctuation dropped, a place name in
    brackets dropped (某某科技（芜湖）有限公司), a leading name of the province, city or county of
    ``region_code`` (GB/T 2260, any level) dropped, and the 股份有限公司 / 有限责任公司 / 有限公司 endings
    made one. A pure function of its arguments; "" for an empty name."""
    text = clean_text(value).upper().translate(_ORG_NAME_DROP)
    if not text:
        return ""
    places = place_names()

    def bracket(match: re.Match) -> str:
        inner = match.group(1)
        return "" if inner in places or not inner else f"({inner})"

    text = _BRACKETS.sub(bracket, text)
    for form in _COMPANY_FORMS:
        if text.endswith(form):
            text = text[: -len(form)] + _ORG_FORM_KEY
            break
    return _strip_place_prefix(text, _prefixes_for(region_code))[:200]
