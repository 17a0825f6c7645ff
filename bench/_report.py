"""The one machine-readable line every benchmark module prints last: ``{"bench": NAME, ...figures}``.

``python -m bench`` checks that a module's last printed line is such an object (``last_line_ok``), so a
module adopts it by ending ``run`` with ``emit("name", figure=value, …)``.
"""

from __future__ import annotations

import json
from typing import Any


def emit(name: str, **figures: Any) -> dict[str, Any]:
    """Print ``{"bench": name, **figures}`` as one JSON line (flushed) and return it."""
    record = {"bench": name, **figures}
    print(json.dumps(record, ensure_ascii=False), flush=True)
    return record


def last_line_ok(line: str) -> bool:
    """Whether ``line`` is the figures line: one JSON object with a non-empty "bench"."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and isinstance(record.get("bench"), str) and bool(record["bench"])
