"""Named hooks between apps whose dependencies point the other way (DESIGN.md, "Layout").

The members app writes memberships and must not import the apps that need to hear of them (the national
roll-up keeps its hash table in step; a cross-province check may refuse a join). Those apps register a
callable here in ``AppConfig.ready()``; the members app calls ``emit`` / ``refusals`` by name. Core
knows the names only, not who listens.

- ``membership.held``  (numbers): these 18-digit IDs now hold a membership (join, bulk import) — called
  inside the writing transaction, so a rollback takes the listener's rows with it;
- ``membership.ended`` (numbers): these IDs no longer hold one (退会, 除名);
- ``membership.admit`` (numbers) → ``{number: Chinese refusal}``: may these people join here? A listener
  that cannot answer raises ``CheckUnavailable`` with the Chinese reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

_LISTENERS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


class CheckUnavailable(Exception):
    """A check that must be asked could not be (its service is unreachable); ``str(exc)`` says so."""


def register(name: str, func: Callable[..., Any]) -> None:
    if func not in _LISTENERS[name]:
        _LISTENERS[name].append(func)


def emit(name: str, **kwargs: Any) -> None:
    for func in _LISTENERS[name]:
        func(**kwargs)


def refusals(name: str, numbers: Iterable[str]) -> dict[str, str]:
    """Every listener's refusals, merged (the first listener's reason wins for a number)."""
    numbers = list(numbers)
    out: dict[str, str] = {}
    if not numbers:
        return out
    for func in _LISTENERS[name]:
        for number, reason in func(numbers=numbers).items():
            out.setdefault(number, reason)
    return out
