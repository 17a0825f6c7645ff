"""The automatic criteria of the honour kinds: a registry of checks computed from the dated registry.

A kind's ``criteria`` lists items ``{"code", "label", "source": "auto" | "evidence", "params"}``; an
automatic item names a criterion registered here (``register(code, label, func)``). ``evaluate`` judges a
subject — anything with ``node``/``union``/``workplace``/``member``/``proposal`` attributes, a
:class:`~gonghui.honours.models.Nomination` or a :class:`~gonghui.honours.models.Title` — as of a date
and returns one row per item: ``{"code", "label", "source", "passed", "value", "detail"}``.

Every figure is the day's, never today's under a past date: members held on the day (today's members
less the net of the events after it, as the annual report counts them), the workplaces' dated states
(``WorkplaceState``), coverage links made by the day, the union's term. What the registry cannot
reconstruct for the day is said: ``passed`` is ``None`` with the reason (as is an evidence item, judged
by the reviewers from the files, and a criterion that does not apply to the subject).

Built in:

- ``join_rate`` — 会员入会率: members held on the day by the union (its subtree) over the employees of the
  workplaces it covers on the day, ≥ ``params["min"]`` %; a workplace (or a proposal's workplace) is
  judged by the unions covering it.
- ``workers_congress`` / ``open_affairs`` — 职代会 / 厂务公开: every workplace of the subject had it on the day.
- ``election_not_overdue`` — 按期换届: the union's (or the covering unions') ``election_due`` not before the
  day. The registry keeps only the current term: a union re-elected after the day is "cannot tell".
- ``no_open_problem`` — no supervision problem (问题清单) open on the day on the subject's union or a union
  in its subtree. Decision: the problems of the county-level union above a grassroots union are not
  counted against it — they are the county's work (its 问题清单), and one open problem there would
  otherwise bar every union of the county; a problem put on a grassroots union itself (a 走访 of a key
  enterprise) does count. "Open on the day": found by then and not closed (销号) by then.
- ``member_in_good_standing`` — a person held a membership (在会 / 保留会籍) on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.models import UnionCoverage, UnionOrg, Workplace, WorkplaceState
from gonghui.reporting.annual import _members_by_union
from gonghui.supervision.models import Problem
from gonghui.targets.asof import (
    cn_date,
    flag_on,
    link_made,
    state_valid,
    union_existed,
    workplace_present,
)

EVIDENCE_DETAIL = "以佐证材料审核"
NOT_APPLICABLE = "不适用于该类评选对象，由评审人员审核"

# A criterion answers (passed, value, detail): passed None when the registry cannot tell.
Outcome = tuple[bool | None, Any, str]
CriterionFunc = Callable[[Any, dt.date, dict], Outcome]


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    func: CriterionFunc


REGISTRY: dict[str, Criterion] = {}


def register(code: str, label: str, func: CriterionFunc) -> None:
    """Register (or replace) the automatic criterion ``code``."""
    REGISTRY[code] = Criterion(code, label, func)


def choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in REGISTRY.values()]


def evaluate(kind, subject: Any, as_of: dt.date) -> list[dict]:
    """Judge ``subject`` against every item of ``kind.criteria`` as of ``as_of``."""
    rows = []
    for item in kind.criteria or []:
        code = item.get("code", "")
        source = item.get("source", "auto")
        criterion = REGISTRY.get(code)
        label = item.get("label") or (criterion.label if criterion else code)
        row = {"code": code, "label": label, "source": source, "passed": None, "value": None, "detail": ""}
        if source != "auto":
            row["detail"] = EVIDENCE_DETAIL
        elif criterion is None:
            row["detail"] = "该条件没有登记自动核定方法，由评审人员审核"
        elif as_of > timezone.localdate():
            row["detail"] = f"{cn_date(as_of)}晚于今天，不能按该日的台账核定"
        else:
            passed, value, detail = criterion.func(subject, as_of, item.get("params") or {})
            row.update(passed=passed, value=value, detail=detail)
        rows.append(row)
    return rows


def summary(rows: list[dict]) -> dict[str, int]:
    """How many items passed, failed, and are left to the reviewers."""
    return {
        "passed": sum(1 for r in rows if r["passed"] is True),
        "failed": sum(1 for r in rows if r["passed"] is False),
        "manual": sum(1 for r in rows if r["passed"] is None),
    }


# -- what a subject stands for on the day ------------------------------------------------------------


def _proposal_workplace(subject: Any) -> Workplace | None:
    proposal = getattr(subject, "proposal", None)
    return getattr(proposal, "workplace", None) if proposal is not None else None


def subject_workplace(subject: Any) -> Workplace | None:
    return getattr(subject, "workplace", None) or _proposal_workplace(subject)


def covering_unions(workplace: Workplace, day: dt.date) -> list[UnionOrg]:
    """The unions that covered the workplace on the day (existing then, through a link made by then)."""
    links = (
        UnionCoverage.objects.filter(workplace=workplace)
        .filter(link_made(day))
        .filter(union_existed(day, "unionorg__"))
        .select_related("unionorg")
        .order_by("unionorg__path")
    )
    return [link.unionorg for link in links]


def subject_unions(subject: Any, day: dt.date) -> list[UnionOrg]:
    """The union(s) whose figures judge the subject: the union itself, or those covering the workplace."""
    union = getattr(subject, "union", None)
    if union is not None:
        return [union]
    workplace = subject_workplace(subject)
    if workplace is not None:
        return covering_unions(workplace, day)
    return []


def covered_workplace_ids(unions: list[UnionOrg], day: dt.date) -> list[int]:
    """The workplaces covered on the day by the unions (or by a union of their subtrees) and present then."""
    paths = Q()
    for u in unions:
        paths |= Q(unionorg__path__startswith=u.path)
    ids = (
        UnionCoverage.objects.filter(paths)
        .filter(link_made(day))
        .filter(union_existed(day, "unionorg__"))
        .filter(workplace_present(day, "workplace__"))
        .values_list("workplace_id", flat=True)
        .distinct()
    )
    return sorted(set(ids))


def subject_workplace_ids(subject: Any, day: dt.date) -> list[int]:
    workplace = subject_workplace(subject)
    if workplace is not None:
        present = Workplace.objects.filter(workplace_present(day), pk=workplace.pk).exists()
        return [workplace.pk] if present else []
    union = getattr(subject, "union", None)
    return covered_workplace_ids([union], day) if union is not None else []


def states_on(workplace_ids: list[int], day: dt.date) -> dict[int, WorkplaceState]:
    """The dated state of each workplace on the day (absent: not recorded for that day)."""
    states = WorkplaceState.objects.filter(state_valid(day), workplace_id__in=workplace_ids)
    return {s.workplace_id: s for s in states}


def _missing_states(missing: list[int]) -> str:
    names = list(Workplace.objects.filter(pk__in=missing).values_list("name", flat=True)[:3])
    more = f"等 {len(missing)} 个单位" if len(missing) > 3 else ""
    return f"{'、'.join(names)}{more}在该日的职工人数和建制情况没有按日期的记录，不能按该日核定"


def _not_existing(unions: list[UnionOrg], day: dt.date) -> list[UnionOrg]:
    existed = set(
        UnionOrg.objects.filter(pk__in=[u.pk for u in unions])
        .filter(union_existed(day))
        .values_list("pk", flat=True)
    )
    return [u for u in unions if u.pk not in existed]


# -- the built-in criteria ---------------------------------------------------------------------------


def join_rate(subject: Any, day: dt.date, params: dict) -> Outcome:
    minimum = float(params.get("min", 90))
    if getattr(subject, "member", None) is not None:
        return None, None, NOT_APPLICABLE
    unions = subject_unions(subject, day)
    if not unions:
        return False, None, f"{cn_date(day)}该单位没有工会覆盖"
    gone = _not_existing(unions, day)
    if gone:
        return False, None, f"{gone[0].name}在{cn_date(day)}尚未成立或已撤销"
    members = 0
    for union in unions:
        members += sum(values[0] for values in _members_by_union(union, day).values())
    workplace_ids = covered_workplace_ids(unions, day)
    if not workplace_ids:
        return (
            None,
            members,
            f"{cn_date(day)}工会未覆盖任何单位，没有职工人数可作入会率的分母，由评审人员审核",
        )
    states = states_on(workplace_ids, day)
    missing = [w for w in workplace_ids if w not in states]
    if missing:
        return None, None, _missing_states(missing)
    employees = sum(s.employee_count for s in states.values())
    if employees == 0:
        return None, members, "覆盖单位登记的职工人数为 0，不能计算入会率"
    rate = round(members * 100 / employees, 1)
    passed = rate >= minimum
    detail = f"{cn_date(day)}会员 {members} 人，覆盖单位职工 {employees} 人，入会率 {rate}%（要求不低于 {minimum:g}%）"
    return passed, rate, detail


def _flag_criterion(flag: str, label: str) -> CriterionFunc:
    def check(subject: Any, day: dt.date, params: dict) -> Outcome:
        if getattr(subject, "member", None) is not None:
            return None, None, NOT_APPLICABLE
        workplace_ids = subject_workplace_ids(subject, day)
        if not workplace_ids:
            return None, None, f"{cn_date(day)}没有覆盖单位，不能核定{label}，由评审人员审核"
        states = states_on(workplace_ids, day)
        missing = [w for w in workplace_ids if w not in states]
        if missing:
            return None, None, _missing_states(missing)
        having = set(
            WorkplaceState.objects.filter(pk__in=[s.pk for s in states.values()])
            .filter(flag_on(flag, day))
            .values_list("workplace_id", flat=True)
        )
        total = len(workplace_ids)
        value = f"{len(having)}/{total}"
        if len(having) == total:
            return True, value, f"{cn_date(day)}{total} 个单位均已{label}"
        lacking = Workplace.objects.filter(pk__in=[w for w in workplace_ids if w not in having])
        names = "、".join(lacking.values_list("name", flat=True)[:3])
        return False, value, f"{cn_date(day)}{total - len(having)} 个单位未{label}：{names}"

    return check


def election_not_overdue(subject: Any, day: dt.date, params: dict) -> Outcome:
    if getattr(subject, "member", None) is not None:
        return None, None, NOT_APPLICABLE
    unions = subject_unions(subject, day)
    if not unions:
        return False, None, f"{cn_date(day)}没有工会"
    late, unknown = [], []
    for union in unions:
        if union.term_start is not None and union.term_start > day:
            unknown.append(f"{union.name}在{cn_date(day)}之后换届，台账不保留该日所在届次")
        elif union.election_due is None:
            unknown.append(f"{union.name}未登记本届任期")
        elif union.election_due < day:
            late.append(f"{union.name}应于{cn_date(union.election_due)}换届")
    if late:
        return False, "逾期", "；".join(late)
    if unknown:
        return None, None, "；".join(unknown) + "，不能核定"
    due = min(u.election_due for u in unions)
    return True, due.isoformat(), f"应换届日期{cn_date(due)}，{cn_date(day)}未逾期"


def _open_on(day: dt.date) -> Q:
    """A problem open on the day: found by then and not closed (销号) by the end of it. A problem closed
    and reopened shows only its last closing, so one reopened after the day counts as open then."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return Q(found_on__lte=day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))


def no_open_problem(subject: Any, day: dt.date, params: dict) -> Outcome:
    if getattr(subject, "member", None) is not None:
        return None, None, NOT_APPLICABLE
    unions = subject_unions(subject, day)
    if not unions:
        return True, 0, "没有工会，无问题清单"
    paths = Q()
    for u in unions:
        paths |= Q(union__path__startswith=u.path)
    problems = Problem.objects.filter(paths).filter(_open_on(day))
    count = problems.count()
    if count == 0:
        return True, 0, f"{cn_date(day)}无未销号的督导问题"
    first = problems.order_by("found_on").first()
    return False, count, f"{cn_date(day)}有 {count} 个未销号的督导问题（如：{first.description[:30]}）"


def member_in_good_standing(subject: Any, day: dt.date, params: dict) -> Outcome:
    member: Member | None = getattr(subject, "member", None)
    if member is None:
        return None, None, NOT_APPLICABLE
    events = MembershipEvent.objects.filter(member=member)
    if events.exists():
        # The net of the member's events up to the day: 入会/转入 +1, 转出/退会/除名 −1.
        net = events.filter(date__lte=day).aggregate(n=Sum("delta"))["n"] or 0
        held = net > 0
    else:
        held = member.join_date <= day and (member.left_on is None or member.left_on > day)
    if held:
        return True, "在会", f"{cn_date(day)}会籍有效"
    if member.join_date > day:
        return False, "未入会", f"{cn_date(member.join_date)}入会，{cn_date(day)}尚未入会"
    return False, "不在会", f"{cn_date(day)}不在会（已转出、退会或除名）"


register("join_rate", "会员入会率达标", join_rate)
register("workers_congress", "建立职工代表大会制度", _flag_criterion("workers_congress", "建立职代会制度"))
register("open_affairs", "实行厂务公开", _flag_criterion("open_affairs", "实行厂务公开"))
register("election_not_overdue", "按期换届", election_not_overdue)
register("no_open_problem", "无未销号的督导问题", no_open_problem)
register("member_in_good_standing", "会籍有效", member_in_good_standing)
