"""A small training world on the shared test registry: sessions by head count or roster, and the roster
file's header."""

from __future__ import annotations

import datetime as dt

from gonghui.core.normalize import normalize_resident_id
from gonghui.training import services
from gonghui.training.models import AttendanceMode, TrainingKind, TrainingSession
from gonghui.training.reference import seed_reference

HEADER = ["姓名", "身份证号"]


def kind(code: str) -> TrainingKind:
    seed_reference()
    return TrainingKind.objects.get(code=code)


def count_session(
    organiser, code="worker_reps", end=dt.date(2026, 3, 10), headcount=100, actor=None, **extra
):
    session = services.save_session(
        TrainingSession(
            title=extra.pop("title", f"{organiser.name[:4]}{end:%Y%m%d}培训班"),
            kind=kind(code),
            organiser=organiser,
            start_date=extra.pop("start", end),
            end_date=end,
            place=extra.pop("place", "职工培训中心"),
            mode=AttendanceMode.COUNT,
            headcount=headcount,
            **extra,
        ),
        actor=actor,
    )
    return session


def roster_session(organiser, people=(), code="worker_reps", end=dt.date(2026, 3, 10), actor=None):
    """A roster session; ``people`` are members or union workers (anything with ``id_number`` and
    ``name``)."""
    session = services.save_session(
        TrainingSession(
            title=f"{organiser.name[:4]}{end:%Y%m%d}名单培训班",
            kind=kind(code),
            organiser=organiser,
            start_date=end,
            end_date=end,
            online=True,
            mode=AttendanceMode.ROSTER,
        ),
        actor=actor,
    )
    if people:
        services.add_attendees(
            session,
            [services.Person(normalize_resident_id(p.id_number), p.name) for p in people],
            actor=actor,
        )
    return session
