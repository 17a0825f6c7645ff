import dj_database_url
import pytest
from django.db import connections

from gonghui.national import keys
from gonghui.national.models import MembershipHash, Province

KEY = "test-only-national-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
def national(settings):
    """Province 34 with the national key; the national alias is the test database itself (real tables:
    the rows another province would have replicated are written into it by ``other_province``)."""
    settings.GONGHUI_NATIONAL_KEY = KEY
    settings.GONGHUI_PROVINCE_CODE = "34"
    settings.GONGHUI_NATIONAL_DB = "default"
    return settings


@pytest.fixture
def province(national, registry):
    """The hand-built Anhui registry, built with the hash table on (its four members are published)."""
    return registry


@pytest.fixture
def other_province(db):
    """江苏 (32) as the national instance would hold it after replication: its row and its digests."""
    Province.objects.create(code="32", name="江苏省")

    def holds(number: str) -> None:
        MembershipHash.objects.create(province_code="32", digest=keys.digest(number, KEY))

    return holds


@pytest.fixture
def national_down(national):
    """The national alias points at a port nothing listens on (connection refused at once)."""
    config = dj_database_url.parse("postgres://gonghui@127.0.0.1:9/national")
    config["OPTIONS"] = {"connect_timeout": 1}
    both = connections.configure_settings(
        {"default": dict(connections.settings["default"]), "national_down": config}
    )
    connections.settings["national_down"] = both["national_down"]
    # Made once from the settings and then left out of them: the test case's guard lets through only
    # connections it did not know of when it started ("dynamically created connections").
    connection = connections["national_down"]
    del connections.settings["national_down"]
    national.GONGHUI_NATIONAL_DB = "national_down"
    yield national
    connection.close()
    del connections["national_down"]
