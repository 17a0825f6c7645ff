"""What the honours app registers with core (called from ``HonoursConfig.ready()``): its menu entries and
the automatic criteria of the honour kinds."""

from __future__ import annotations


def register() -> None:
    from . import criteria  # noqa: F401  (registers the built-in automatic criteria)

