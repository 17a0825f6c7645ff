"""The meetings register (会议台账): 联席会议, 厂务公开领导机构会议 and 三方四家会议 of county-level unions,
and the three indicators computed from it.

Every change is a service here: one transaction writing the meeting and its audit row (a meeting has no
workflow, so the audit row is its record of who recorded, changed or deleted it). Minutes are checked by
``core.uploads`` (kind, size, signature, sanitised name) in the form, before anything is written, and
stored sealed on the private storage.

The indicators count, for a date, the meetings held *and recorded* by that date (``created_at``): a
meeting entered later does not change a figure already reported for an earlier day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.core.uploads import CheckedUpload
from gonghui.orgs.models import UnionOrg
from gonghui.targets import indicators
from gonghui.targets.asof import union_existed

from .counties import county_level_q, is_county_level
from .models import Meeting

MINUTES_KINDS = ("pdf", "docx", "jpg", "png")
MINUTES_MAX_BYTES = 10 * 1024 * 1024
SEGMENT = 9  # characters of one level of a union's path


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    held_on: dt.date
    title: str
    participants: str = ""
    issues_raised: int = 0
    issues_solved: int = 0
    issues: str = ""


FIELD_LABELS = {
    "kind": "会议类别",
    "held_on": "召开日期",
    "title": "会议名称",
    "participants": "参会单位",
    "issues_raised": "提出问题数",
    "issues_solved": "解决问题数",
    "issues": "议定事项",
}


# ---------------------------------------------------------------------- who may act
def may_record(user, union: UnionOrg | None) -> bool:
    """A county-level union records its own meetings: its administrators, on their own node only."""
    node = home_node(user)
    return (
        union is not None
        and node is not None
        and node.pk == union.pk
        and bool(getattr(user, "can_edit", False))
        and is_county_level(union)
    )


def _check(data: MeetingInput) -> None:
    if data.kind not in Meeting.Kind.values:
        raise ValidationError("请选择会议类别")
    if not data.title.strip():
        raise ValidationError("请填写会议名称")
    if data.held_on > timezone.localdate():
        raise ValidationError("召开日期不能晚于今天：会议召开后再登记")
    if data.issues_raised < 0 or data.issues_solved < 0:
        raise ValidationError("问题数不能为负数")
    if data.issues_solved > data.issues_raised:
        raise ValidationError("解决问题数不能多于提出问题数")


def _attach(meeting: Meeting, minutes: CheckedUpload) -> None:
    meeting.minutes.save(minutes.name, minutes.file, save=False)
    meeting.minutes_name = minutes.name


def _drop_file_after_commit(name: str, storage) -> None:
    """A replaced or deleted minutes file leaves the disk once the change is committed."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------- services
@transaction.atomic
def record_meeting(
    union: UnionOrg,
    data: MeetingInput,
    *,
    minutes: CheckedUpload | None = None,
    actor=None,
    ip: str | None = None,
) -> Meeting:
    """登记会议: a meeting the union held, with its minutes when given."""
    if actor is not None and not may_record(actor, union):
        raise PermissionDenied("只有县级工会可以登记本单位召开的会议")
    if not is_county_level(union):
        raise ValidationError("会议台账只登记县级工会召开的会议")
    _check(data)
    meeting = Meeting(
        union=union,
        kind=data.kind,
        held_on=data.held_on,
        title=data.title.strip(),
        participants=data.participants.strip(),
        issues_raised=data.issues_raised,
        issues_solved=data.issues_solved,
        issues=data.issues.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if minutes is not None:
        _attach(meeting, minutes)
    meeting.save()
    audit.log(
        AuditEvent.Action.CREATE,
        meeting,
        actor=actor,
        ip=ip,
        detail=f"登记{meeting.get_kind_display()}（{meeting.held_on:%Y-%m-%d}）"
        + (f"，会议纪要「{meeting.minutes_name}」" if minutes is not None else ""),
    )
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    data: MeetingInput,
    *,
    minutes: CheckedUpload | None = None,
    actor=None,
    ip: str | None = None,
) -> Meeting:
    """修改会议记录; new minutes replace the old file."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if actor is not None and not may_record(actor, meeting.union):
        raise PermissionDenied("只有召开会议的县级工会可以修改会议记录")
    _check(data)
    changed = []
    for name in FIELD_LABELS:
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(FIELD_LABELS[name])
    if minutes is not None:
        _drop_file_after_commit(meeting.minutes.name, meeting.minutes.storage)
        _attach(meeting, minutes)
        changed.append(f"会议纪要（「{minutes.name}」）")
    if changed:
        meeting.save()
    # Saved unchanged is still a save the user made: the audit row says nothing changed.
    detail = "修改" + "、".join(changed) if changed else "保存会议记录（内容未变）"
    audit.log(AuditEvent.Action.UPDATE, meeting, actor=actor, ip=ip, detail=detail)
    return meeting


@transaction.atomic
def delete_meeting(meeting: Meeting, *, actor=None, ip: str | None = None) -> None:
    """删除会议记录 and its minutes file."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if actor is not None and not may_record(actor, meeting.union):
        raise PermissionDenied("只有召开会议的县级工会可以删除会议记录")
    pk, name, storage = meeting.pk, meeting.minutes.name, meeting.minutes.storage
    detail = f"删除{meeting.get_kind_display()}（{meeting.held_on:%Y-%m-%d}）"
    meeting.delete()
    meeting.pk = pk  # the audit row names the deleted row
    _drop_file_after_commit(name, storage)
    audit.log(AuditEvent.Action.DELETE, meeting, actor=actor, ip=ip, detail=detail)


# ---------------------------------------------------------------------- the indicators
def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def counties_on(node: UnionOrg, day: dt.date) -> dict[int, str]:
    """The county-level unions of the node's subtree that existed on ``day``: id → path."""
    rows = UnionOrg.objects.filter(county_level_q(), path__startswith=node.path).filter(union_existed(day))
    return dict(rows.values_list("id", "path"))


def meetings_known(day: dt.date, kind: str, union_ids) -> QuerySet[Meeting]:
    """The meetings of ``kind`` of the year of ``day``, held and recorded by ``day``."""
    return Meeting.objects.filter(
        union_id__in=union_ids,
        kind=kind,
        held_on__year=day.year,
        held_on__lte=day,
        created_at__lt=_end_of(day),
    )


def met(kind: str, day: dt.date, union_ids) -> set[int]:
    """The unions (of ``union_ids``) meeting the rule of ``kind`` as of ``day``:

    - 联席会议: at least one this year, the year's joint meetings solving at least one issue;
    - 厂务公开领导机构会议: at least one this year;
    - 三方四家会议: one in every quarter of the year begun by ``day`` (the current quarter included)."""
    rows = meetings_known(day, kind, union_ids)
    if kind == Meeting.Kind.JOINT:
        solved = rows.values("union_id").annotate(n=Count("id"), solved=Sum("issues_solved"))
        return {r["union_id"] for r in solved if r["n"] and (r["solved"] or 0) >= 1}
    if kind == Meeting.Kind.OPENNESS:
        return set(rows.values_list("union_id", flat=True).distinct())
    quarters: dict[int, set[int]] = defaultdict(set)
    for union_id, held_on in rows.values_list("union_id", "held_on"):
        quarters[union_id].add(quarter_of(held_on))
    due = set(range(1, quarter_of(day) + 1))
    return {union_id for union_id, held in quarters.items() if due <= held}


def by_sub_unit(node: UnionOrg, day: dt.date, kind: str) -> dict[str, tuple[int, int]]:
    """(county-level unions meeting the rule, county-level unions) per direct sub-unit's path and for
    the node itself (``""``), as of ``day``."""
    counties = counties_on(node, day)
    ok = met(kind, day, list(counties))
    length = len(node.path) + SEGMENT
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for union_id, path in counties.items():
        keys = [""] + ([path[:length]] if len(path) >= length else [])
        for key in keys:
            out[key][1] += 1
            out[key][0] += union_id in ok
    return {key: (num, den) for key, (num, den) in out.items()}


def by_sub_unit_many(nodes: list[UnionOrg], day: dt.date, kind: str) -> dict[int, dict[str, tuple[int, int]]]:
    """``by_sub_unit`` of many nodes (the daily refresh), counted once per top-most node: whether a
    county-level union meets the rule does not depend on the node it is counted for."""
    items: list[tuple[str, int, int]] = []
    for root in indicators.roots(nodes):
        counties = counties_on(root, day)
        ok = met(kind, day, list(counties))
        items += [(path, int(union_id in ok), 1) for union_id, path in counties.items()]
    return indicators.roll_up(nodes, items)


POPULATION = "县级工会（含市直属开发区工会）"
DEFINITIONS = {
    "meeting_joint": (
        Meeting.Kind.JOINT,
        "联席会议召开率",
        indicators.Definition(
            "年内召开联席会议并解决问题的县级工会数",
            "县级工会数",
            "个",
            POPULATION,
            100,
            "每年至少召开 1 次与政府的联席会议、解决 1～2 个问题：当年截至统计日期召开过联席会议、"
            "且会上解决的问题合计不少于 1 个即为达标。只计统计日期前召开并已登记的会议。",
        ),
    ),
    "meeting_openness": (
        Meeting.Kind.OPENNESS,
        "厂务公开领导机构会议召开率",
        indicators.Definition(
            "年内召开厂务公开领导机构会议的县级工会数",
            "县级工会数",
            "个",
            POPULATION,
            100,
            "县级厂务公开领导机构每年至少召开 1 次会议。只计统计日期前召开并已登记的会议。",
        ),
    ),
    "meeting_tripartite": (
        Meeting.Kind.TRIPARTITE,
        "三方四家会议按季召开率",
        indicators.Definition(
            "年内已到各季度均召开三方四家会议的县级工会数",
            "县级工会数",
            "个",
            POPULATION,
            100,
            "每季度至少召开 1 次三方四家会议：统计日期所在季度及此前各季度都召开过才为达标"
            "（当季尚未召开的计为未达标）。只计统计日期前召开并已登记的会议。",
        ),
    ),
}


def register_indicators() -> None:
    """The three meeting indicators join the others on the indicator page, the dashboard and the API."""
    for code, (kind, name, definition) in DEFINITIONS.items():
        indicators.register(
            code,
            name,
            definition,
            lambda node, day, kind=kind: by_sub_unit(node, day, kind),
            lambda nodes, day, kind=kind: by_sub_unit_many(nodes, day, kind),
        )
