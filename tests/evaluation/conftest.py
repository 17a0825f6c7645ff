"""The test sources of the evaluation tests (``helpers.build``)."""

import pytest

from gonghui.evaluation import sources


@pytest.fixture
def values():
    """``values[code][unit_pk]``: what the test sources ``t_rate`` and ``t_org`` read."""
    table: dict[str, dict[int, float | None]] = {"t_rate": {}, "t_org": {}}
    for code in table:
        sources.register(code, f"测试来源{code[-1]}", lambda unit, year, code=code: table[code].get(unit.pk))
    yield table
    for code in table:
        sources._SOURCES.pop(code, None)
