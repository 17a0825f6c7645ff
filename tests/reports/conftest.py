import pytest

from tests.targets.conftest_helpers import make_plan


@pytest.fixture
def plan(registry):
    return make_plan(registry)
