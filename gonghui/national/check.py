"""The cross-province check: does a person hold a membership in another province?

Asked of the national instance (settings.GONGHUI_NATIONAL_DB, a read-only alias) by digest; the answer
names the other province and nothing more (the national table holds nothing more). Off unless the alias,
the key and the province code are all set: a province without a national instance runs as before.

When the national instance cannot be asked (down, unreachable, slower than GONGHUI_NATIONAL_TIMEOUT):
``CheckUnavailable`` with a Chinese reason, and each caller decides, by what is at stake:
- a membership being made (``members.services.join``: an approval, a direct join; a member import) is
  refused — "请稍后重试" — since a membership made unchecked could be a second one; nothing is written;
- a public application (``joining``) is accepted: it makes no membership, and its approval asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, connections

from gonghui.core.hooks import CheckUnavailable

from . import keys
from .models import MembershipHash, Province

log = logging.getLogger(__name__)
UNAVAILABLE = "暂时无法连接全国会员库，不能核验是否已在外省入会，请稍后重试"
CHUNK = 5000


def active() -> bool:
    return bool(settings.GONGHUI_NATIONAL_DB) and keys.enabled()


def refusal(province_name: str) -> str:
    return f"该身份证号码已是{province_name}工会会员，须由{province_name}工会先办理「转出至外省」"


def held_elsewhere(numbers: Iterable[str]) -> dict[str, str]:
    """{ID number: refusal} for the IDs whose digest another province publishes; {} when the check is off.
    Raises CheckUnavailable when the national instance cannot answer."""
    if not active():
        return {}
    alias = settings.GONGHUI_NATIONAL_DB
    own = settings.GONGHUI_PROVINCE_CODE
    by_digest = {keys.digest(n): n for n in numbers}
    digests = list(by_digest)
    found: dict[str, str] = {}
    try:
        for start in range(0, len(digests), CHUNK):
            rows = (
                MembershipHash.objects.using(alias)
                .filter(digest__in=digests[start : start + CHUNK])
                .exclude(province_code=own)
                .order_by("province_code")
                .values_list("digest", "province_code")
            )
            for digest, code in rows:
                found.setdefault(digest, code)
        names = dict(
            Province.objects.using(alias).filter(code__in=set(found.values())).values_list("code", "name")
        )
    except DatabaseError as exc:
        # The reason goes to the log for the operators (never the key, never an ID); the caller decides.
        log.warning("全国会员库不可用（%s）：%s", alias, type(exc).__name__)
        connections[alias].close()
        raise CheckUnavailable(UNAVAILABLE) from None
    return {
        by_digest[d]: refusal(names.get(code, f"行政区划代码为 {code} 的省份")) for d, code in found.items()
    }
