"""Demo meetings (会议台账) of Wuhu's county-level unions for this year, up to today: most counties hold
their meetings, a few miss one kind or solve nothing, so that the three meeting indicators stand below
100 % and the reminders have something to say. Each meeting is entered two days after it was held (the
as-of figures of earlier days then count it from that day); every 联席会议 carries a small PDF of minutes.

Called by the demo's supervision step: ``load_meetings(built)`` (``built.unions["wuhu"]`` is Wuhu).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.uploads import check_upload

from . import meetings
from .counties import county_level_unions
from .models import Meeting


def _minutes(union_name: str, day: dt.date):
    body = f"%PDF-1.4\n% {union_name} {day:%Y-%m-%d} 联席会议纪要（演示）\n%%EOF\n".encode()
    return check_upload(SimpleUploadedFile(f"{union_name}联席会议纪要.pdf", body, "application/pdf"))


def _on(day: dt.date, today: dt.date) -> dt.date:
    return min(day, today)


def load_meetings(built, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    year = today.year
    quarter = meetings.quarter_of(today)
    made = []
    for i, union in enumerate(county_level_unions(built.unions["wuhu"])):
        name = union.name.removesuffix("总工会")
        plan: list[tuple[str, dt.date, str, int, int]] = []
        if i % 4 != 3:  # one county in four has not yet met the government this year
            solved = 0 if i % 5 == 4 else 1 + i % 2
            plan.append(
                (
                    Meeting.Kind.JOINT,
                    _on(dt.date(year, 3, 10 + i), today),
                    f"{name}政府与工会联席会议",
                    solved + 1,
                    solved,
                )
            )
        if i % 3 != 2:
            plan.append(
                (
                    Meeting.Kind.OPENNESS,
                    _on(dt.date(year, 5, 8 + i), today),
                    f"{name}厂务公开领导小组会议",
                    0,
                    0,
                )
            )
        for q in range(1, quarter + 1):
            if q == quarter and i % 2 == 1:  # half of them have not held this quarter's yet
                continue
            day = _on(dt.date(year, 3 * q - 2, 15 + i), today)
            plan.append((Meeting.Kind.TRIPARTITE, day, f"{name}第{'一二三四'[q - 1]}季度三方四家会议", 0, 0))
        for kind, day, title, raised, solved in plan:
            meeting = meetings.record_meeting(
                union,
                meetings.MeetingInput(
                    kind=kind,
                    held_on=day,
                    title=title,
                    participants="人社局、工商联、企业联合会、工会"
                    if kind == Meeting.Kind.TRIPARTITE
                    else "",
                    issues_raised=raised,
                    issues_solved=solved,
                    issues="协调解决新就业形态劳动者入会和权益保障问题" if raised else "",
                ),
                minutes=_minutes(name, day) if kind == Meeting.Kind.JOINT else None,
            )
            made.append((meeting.pk, day))
    now = timezone.now()
    for pk, day in made:
        entered = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=2), dt.time(10, 0)))
        Meeting.objects.filter(pk=pk).update(created_at=min(entered, now))
    return {"meetings": len(made)}
