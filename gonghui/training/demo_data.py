"""Demo training records of Wuhu's counties: a year of sessions (this year up to today, and last year)
of every kind, most with a head count, some with a roster of demo members (and a few non-members); the
职工代表 targets met by some counties and not by others (the per-county page shows both colours); cadre
rotations with the union-staff register's people on the roster — two years ago for most, six years ago
for some (now overdue), none for the rest (never trained).

Run by the demo loader after the registry and the people app's rosters: ``load(builder, built)``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.core.normalize import normalize_resident_id
from gonghui.members.models import HELD_STATUSES, Member
from gonghui.people.models import UnionWorker

from . import services
from .models import AttendanceMode, TrainingKind, TrainingSession
from .reference import seed_reference

PLACES = ["县总工会职工培训中心", "县委党校", "工人文化宫多功能厅", "职工服务中心培训室"]


def _addable(people: list) -> list:
    """Without the people whose random demo ID belongs to a demo member of another name (refused)."""
    from gonghui.core import crypto

    hashes = [crypto.lookup_hash("ric", p.resident_id.number) for p in people]
    members = services.members_by_hash(hashes)
    return [p for p, h in zip(people, hashes, strict=True) if not services.name_mismatch(p, members.get(h))]


def load(builder, built) -> dict[str, int]:
    seed_reference()
    rnd = builder.rnd
    today = timezone.localdate()
    kinds = {k.code: k for k in TrainingKind.objects.all()}
    counties = [built.unions[n] for n in [*builder.towns, "经开区", "三山经开区"] if n in built.unions]
    made: list[TrainingSession] = []

    def session(organiser, kind, title, end, mode=AttendanceMode.COUNT, headcount=0, online=False):
        end = min(end, today)
        start = end - dt.timedelta(days=rnd.randrange(0, 3))
        s = services.save_session(
            TrainingSession(
                title=title,
                kind=kind,
                organiser=organiser,
                start_date=start,
                end_date=end,
                online=online,
                place="" if online else f"{organiser.name[:-3]}{rnd.choice(PLACES)}",
                mode=mode,
                headcount=headcount,
            )
        )
        made.append(s)
        return s

    def day_in(year: int) -> dt.date:
        last = today if year == today.year else dt.date(year, 12, 31)
        first = dt.date(year, 1, 1)
        return first + dt.timedelta(days=rnd.randrange(max((last - first).days, 1)))

    short = {c.pk: i for i, c in enumerate(counties)}
    for county in counties:
        # 职工代表: one in three counties falls short of the yearly 500 this year.
        behind = short[county.pk] % 3 == 1
        for year in (today.year - 1, today.year):
            goal = rnd.randrange(180, 420) if behind and year == today.year else rnd.randrange(520, 700)
            batches = 3 + rnd.randrange(2)
            for i in range(batches):
                n = goal // batches + (goal % batches if i == 0 else 0)
                session(
                    county,
                    kinds["worker_reps"],
                    f"{year}年第{i + 1}期职工代表培训班",
                    day_in(year),
                    headcount=n,
                )
            culture = rnd.randrange(300, 650)
            session(
                county, kinds["culture_sports"], f"{year}年文体骨干培训班", day_in(year), headcount=culture
            )
        if short[county.pk] % 2 == 0:
            session(
                county,
                kinds["women_workers"],
                f"{today.year}年女职工工作培训",
                day_in(today.year),
                headcount=rnd.randrange(40, 120),
                online=True,
            )

    # Roster sessions: 职工代表 of a township, with members of that county (and two non-members).
    rostered = 0
    for county in counties[::2]:
        town = county.children.order_by("path").first() or county
        s = session(
            town,
            kinds["worker_reps"],
            f"{town.name}职工代表专题培训",
            day_in(today.year),
            mode=AttendanceMode.ROSTER,
        )
        people = []
        for m in Member.objects.filter(
            union__path__startswith=county.path, status__in=HELD_STATUSES
        ).order_by("pk")[:12]:
            people.append(services.Person(normalize_resident_id(m.id_number), m.name))
        for _ in range(2):
            people.append(
                services.Person(normalize_resident_id(builder.make_id(1970, 2000)), builder.fake.name())
            )
        people = _addable(people)
        rostered += len(services.add_attendees(s, people)) if people else 0

    # Cadre rotations: the county's serving staff; most trained two years ago, some five years and a
    # quarter ago (overdue now), the rest never (overdue too).
    for county in counties:
        workers = list(
            UnionWorker.objects.filter(union__path__startswith=county.path, left_on__isnull=True).order_by(
                "pk"
            )
        )
        if not workers:
            continue
        recent = [w for i, w in enumerate(workers) if i % 5 in (0, 1, 2)]
        old = [w for i, w in enumerate(workers) if i % 5 == 3]
        # Cadres were often trained before they joined the register (at a workplace union): the rosters
        # are not limited to those already serving then.
        first = today.replace(day=1)
        for when, group in (
            (first - dt.timedelta(days=2 * 365), recent),
            (first - dt.timedelta(days=5 * 365 + 90), old),
        ):
            if not group:
                continue
            s = session(
                county,
                kinds["cadre_rotation"],
                f"{when.year}年基层工会干部轮训班",
                when,
                mode=AttendanceMode.ROSTER,
            )
            people = _addable([services.Person(normalize_resident_id(w.id_number), w.name) for w in group])
            rostered += len(services.add_attendees(s, people)) if people else 0
    # A city-organised rotation (统筹): counts toward no county's target.
    city = built.unions.get("wuhu")
    if city is not None:
        session(
            city,
            kinds["worker_reps"],
            f"{today.year}年全市职工代表示范培训班",
            day_in(today.year),
            headcount=150,
        )

    from gonghui.targets import indicators

    indicators.refresh_results()
    return {"training_sessions": len(made), "training_attendees": rostered}
