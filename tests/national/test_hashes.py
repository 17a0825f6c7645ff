"""The hash table: keyed digests of held memberships, kept in step with joins and exits, resynchronised
in full by publish_national."""

import datetime as dt

import pytest

from gonghui.members import services
from gonghui.national import keys
from gonghui.national.models import MembershipHash
from gonghui.national.services import sync_hashes
from tests.factories import make_id

from .conftest import KEY

pytestmark = pytest.mark.django_db


def digests(code="34"):
    return set(MembershipHash.objects.filter(province_code=code).values_list("digest", flat=True))


def test_digest_is_stable_keyed_and_holds_no_id():
    number = make_id("340202", dt.date(1990, 1, 1), 11)
    assert keys.digest(number, KEY) == keys.digest(number, KEY)
    assert keys.digest(number.lower(), KEY) == keys.digest(number, KEY)
    assert keys.digest(number, KEY) != keys.digest(number, KEY + "x")
    assert keys.digest(number, KEY) != keys.digest(make_id("340202", dt.date(1990, 1, 1), 13), KEY)
    value = keys.digest(number, KEY)
    assert len(value) == 64 and int(value, 16) >= 0 and number not in value and number[-6:] not in value


def test_joins_publish_a_digest_and_exits_withdraw_it(province):
    members = province.members
    assert digests() == {keys.digest(m.id_number) for m in members.values()}
    services.leave(members["jinghu_2"], dt.date(2024, 1, 1), reason="voluntary")
    assert keys.digest(members["jinghu_2"].id_number) not in digests()
    assert len(digests()) == 3


def test_without_the_key_nothing_is_kept(registry):
    assert not MembershipHash.objects.exists()


def test_resync_adds_the_missing_and_removes_the_stale(province):
    held = digests()
    MembershipHash.objects.filter(digest=next(iter(sorted(held)))).delete()
    MembershipHash.objects.create(province_code="34", digest="0" * 64)
    MembershipHash.objects.create(province_code="32", digest="1" * 64)  # another province's row stays
    result = sync_hashes()
    assert result == {"held": 4, "added": 1, "removed": 1}
    assert digests() == held and digests("32") == {"1" * 64}
    assert sync_hashes() == {"held": 4, "added": 0, "removed": 0}
