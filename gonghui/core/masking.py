"""How personal data is shown to users who do not hold 查看敏感信息."""

import re


def mask_id_number(number: str) -> str:
    """340202199001011234 → 340202********1234 (address code and last four stay)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; landlines keep area code and last four."""
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if "-" in phone:
        area, local = phone.split("-", 1)
        return area + "-" + "*" * max(len(local) - 4, 0) + local[-4:]
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_name(name: str) -> str:
    """张三丰 → 张**; used only where a public page must not reveal a full name."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


# A run of digits (single spaces or dashes inside, as people type phones) with an optional final X.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ \-]?\d)*[Xx]?(?![0-9A-Za-z])")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# Row numbers and counts are no personal data: 「第 1234567 行」「1234567 行身份证号…」.
_COUNTED = tuple("行条列位人个项次家名万%")


def mask_text(text: str) -> str:
    """Every ID-like or phone-like number inside a free text (a validation message, a cell of an error
    report), masked as ``mask_id_number`` / ``mask_phone`` would: 15/18-digit numbers keep their first six
    and last four digits, other numbers of seven or more digits only their last four."""
    if not text or not any(ch.isdigit() for ch in text):
        return text or ""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        digits = re.sub(r"[^0-9Xx]", "", token)
        if len(digits) < 7 or _DATE.match(token):
            return token
        before = match.string[: match.start()].rstrip()
        after = match.string[match.end() :].lstrip()
        if before.endswith("第") or after.startswith(_COUNTED):
            return token
        if len(digits) >= 15:
            return mask_id_number(digits.upper())
        if "-" in token or (len(digits) == 11 and digits.startswith("1")):
            return mask_phone(token.replace(" ", ""))
        return "*" * (len(digits) - 4) + digits[-4:]

    return _NUMBER.sub(replace, text)
