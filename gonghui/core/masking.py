"""How personal data is shown to users who do not hold 查看敏感信息."""


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
