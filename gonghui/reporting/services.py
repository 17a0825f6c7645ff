"""The report workflow, DHIS2-style: draft → submitted → returned (with a reason) / approved (by the
parent: figures frozen, locked) → accepted (by the level above the approver); unlock (the approver,
with a reason) returns a locked report to 已退回.

Every state change is a service here: one transaction that re-reads the report under a row lock, writes
it, a :class:`ReportEvent` (who, when, from → to, note) and an audit row. Views, the API, the demo and
commands call these; a refusal is a ``PermissionDenied`` (who) or a ``ValidationError`` (the state, in
Chinese), and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionOrg

from . import figures, periods
from .models import (
    EDITABLE_STATUSES,
    LOCKED_STATUSES,
    Report,
    ReportEvent,
    ReportStatus,
    ReportType,
)
from .submitters import is_submitter, submitters_q

APPROVED_STATUSES = LOCKED_STATUSES

# A report type's checks before submission (``register_submit_check``): each gives the failures that stop
# it, in Chinese; the 年报's logical checks are one (``reporting.links``).
_SUBMIT_CHECKS: dict[str, list[Callable[[Report], list[str]]]] = {}
FAILURES_SHOWN = 20  # a refusal names this many failures; the 年报 command and export list them all


def register_submit_check(type_code: str, check: Callable[[Report], list[str]]) -> None:
    _SUBMIT_CHECKS.setdefault(type_code, []).append(check)


def submit_failures(report: Report) -> list[str]:
    return [f for check in _SUBMIT_CHECKS.get(report.report_type.code, []) for f in check(report)]


# What a report type keeps beside its figures when approved (``register_freeze``): each gives a dict of
# ``_``-prefixed keys merged into ``frozen`` (the 年报: its tables and checks, ``reporting.links``).
_FREEZERS: dict[str, list[Callable[[Report], dict]]] = {}


def register_freeze(type_code: str, freezer: Callable[[Report], dict]) -> None:
    _FREEZERS.setdefault(type_code, []).append(freezer)


# The check failures of a report type that an explanation may excuse (``register_explainable``): each
# gives ``{failure key: what failed}`` for the report as it stands (the 年报: a workplace union with more
# members than employees, ``reporting.links``).
_EXPLAINABLE: dict[str, Callable[[Report], dict[str, str]]] = {}
EXPLANATION_MAX = 500


def register_explainable(type_code: str, explainable: Callable[[Report], dict[str, str]]) -> None:
    _EXPLAINABLE[type_code] = explainable


def explainable_failures(report: Report) -> dict[str, str]:
    finder = _EXPLAINABLE.get(report.report_type.code)
    return finder(report) if finder is not None else {}


# ---------------------------------------------------------------------- who may act
def _admin_node(user) -> UnionOrg | None:
    if not getattr(user, "can_edit", False):
        return None
    return home_node(user)


def may_fill(user, report: Report) -> bool:
    """编辑、提交: the administrators of the submitting node."""
    node = _admin_node(user)
    return node is not None and node.pk == report.node_id


def may_approve(user, report: Report) -> bool:
    """审核、退回、解锁: the administrators of the approver (the submitting node's parent)."""
    node = _admin_node(user)
    return node is not None and report.node.parent_id is not None and node.pk == report.node.parent_id


def may_accept(user, report: Report) -> bool:
    """接收: the level above the approver (the approver's parent)."""
    node = _admin_node(user)
    approver = report.node.parent
    return node is not None and approver is not None and node.pk == approver.parent_id


# ---------------------------------------------------------------------- the form
@dataclass
class FigureRow:
    code: str
    label: str
    unit: str
    editable: bool
    registry: float | int | None  # what the registry gives as of the period's end (frozen once approved)
    reported: float | int | None  # what the report states (the registry's, or the submitter's edit)
    explanation: str
    live: float | int | None = None  # today's registry for the same day, beside frozen figures

    @property
    def adjusted(self) -> bool:
        return self.reported != self.registry

    @property
    def unavailable(self) -> bool:
        return self.registry is None

    @property
    def drift(self) -> bool:
        return self.live != self.registry


def figure_rows(report: Report, with_live: bool = True) -> list[FigureRow]:
    """The form's figure block: frozen values of an approved report (with the live registry beside, to
    show how it now differs), else the registry as of the period's end with the submitter's edits."""
    rtype = report.report_type
    codes = [f["code"] for f in rtype.figures]
    sources = figures.registered()
    live: dict = {}
    if not report.frozen or with_live:
        live = figures.compute(codes, report.node, report.period_end)
    rows = []
    for spec in rtype.figures:
        code = spec["code"]
        source = sources.get(code)
        unit = source.unit if source else ""
        label = spec.get("label") or figures.label(code)
        if report.frozen and code in report.frozen:
            kept = report.frozen[code]
            rows.append(
                FigureRow(
                    code,
                    label,
                    unit,
                    bool(spec.get("editable")),
                    kept.get("registry"),
                    kept.get("reported"),
                    kept.get("explanation", ""),
                    live.get(code),
                )
            )
            continue
        edit = report.adjustments.get(code) or {}
        registry = live.get(code)
        reported = edit.get("value", registry)
        rows.append(
            FigureRow(
                code,
                label,
                unit,
                bool(spec.get("editable")),
                registry,
                reported,
                edit.get("explanation", ""),
                registry,
            )
        )
    return rows


_ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i"}
_TAG = re.compile(r"</?([a-zA-Z0-9]+)[^>]*>")


def clean_text(text: str, rich: bool) -> str:
    """Narrative text as kept: plain text escaped; rich text with a few bare tags (no attributes),
    everything else escaped — the page shows it as written, never as the submitter's markup."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not rich:
        return text
    out, pos = [], 0
    for match in _TAG.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        name = match.group(1).lower()
        closing = match.group(0).startswith("</")
        if name in _ALLOWED_TAGS:
            out.append(f"<{'/' if closing else ''}{name}>")
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def visible_length(text: str) -> int:
    """The characters a reader sees (tags and entities of rich text count as what they show)."""
    return len(html.unescape(_TAG.sub("", text)))


def _number(value) -> float | int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(f"「{value}」不是数字") from None
    if number < 0:
        raise ValidationError("数字不能为负数")
    return int(number) if number.is_integer() else round(number, 2)


# ---------------------------------------------------------------------- steps
def _locked_row(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("report_type", "node").get(pk=report.pk)


def _label(status: str) -> str:
    return ReportStatus(status).label if status else ""


def _changed(report: Report, actor, action: str, before: str, note: str, ip, create: bool = False) -> None:
    ReportEvent.objects.create(
        report=report,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=report.status,
        note=note,
    )
    change = f"（{_label(before)} → {report.get_status_display()}）" if before != report.status else ""
    audit.log(
        AuditEvent.Action.CREATE if create else AuditEvent.Action.UPDATE,
        report,
        actor=actor,
        ip=ip,
        detail=f"{action}{change}{'：' + note if note else ''}",
    )


@transaction.atomic
def open_report(
    report_type: ReportType,
    node: UnionOrg,
    period_start: dt.date,
    *,
    actor=None,
    ip: str | None = None,
) -> Report:
    """The node's report of that period (a new draft when there is none yet)."""
    acting_for = _admin_node(actor)
    if acting_for is None or acting_for.pk != node.pk:
        raise PermissionDenied("只有报送单位的管理员可以填报本单位的报告")
    if not report_type.is_active:
        raise ValidationError("该报告类型已停用")
    if not is_submitter(report_type, node):
        raise ValidationError(f"{node}不是「{report_type}」的报送单位")
    try:
        period = periods.starting(report_type.period_kind, period_start)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    existing = Report.objects.filter(report_type=report_type, node=node, period_start=period.start).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                report_type=report_type,
                node=node,
                period_start=period.start,
                period_end=period.end,
                due_date=periods.due_date(period.end, report_type.due_working_days),
            )
    except IntegrityError:  # opened by another request meanwhile
        return Report.objects.get(report_type=report_type, node=node, period_start=period.start)
    _changed(
        report, actor, "创建", "", f"{period.label}，报送截止 {report.due_date:%Y-%m-%d}", ip, create=True
    )
    return report


@transaction.atomic
def save_draft(
    report: Report,
    *,
    actor,
    sections: dict[str, str],
    adjustments: dict[str, dict] | None = None,
    ip: str | None = None,
) -> Report:
    """Save the narrative sections and the edits of editable figures (each with its explanation; an
    edit equal to the registry's value is no edit). A locked or submitted report refuses."""
    report = _locked_row(report)
    if not may_fill(actor, report):
        raise PermissionDenied("只有报送单位的管理员可以填写报告")
    if report.status not in EDITABLE_STATUSES:
        if report.status in LOCKED_STATUSES:
            raise ValidationError("报告已审核锁定，不能修改；如需修改，请审核单位解锁")
        raise ValidationError("报告已提交，正等待审核，不能修改")
    rtype = report.report_type
    errors = []
    kept_sections = dict(report.sections)
    for code, text in sections.items():
        spec = rtype.section(code)
        if spec is None:
            errors.append(f"未知的文字部分：{code}")
            continue
        cleaned = clean_text(text, bool(spec.get("rich")))
        limit = int(spec.get("max_length") or 0)
        if limit and visible_length(cleaned) > limit:
            errors.append(f"「{spec['title']}」不能超过 {limit} 字（现 {visible_length(cleaned)} 字）")
        kept_sections[code] = cleaned
    kept_adjustments = dict(report.adjustments)
    if adjustments:
        registry = figures.compute(list(adjustments), report.node, report.period_end)
        for code, edit in adjustments.items():
            spec = rtype.figure(code)
            if spec is None:
                errors.append(f"未知的数据项：{code}")
                continue
            label = spec.get("label") or figures.label(code)
            raw = edit.get("value")
            if raw in (None, ""):
                kept_adjustments.pop(code, None)
                continue
            try:
                value = _number(raw)
            except ValidationError as exc:
                errors.append(f"「{label}」：{exc.messages[0]}")
                continue
            if value == registry.get(code):
                kept_adjustments.pop(code, None)
                continue
            if not spec.get("editable") and registry.get(code) is not None:
                errors.append(f"「{label}」取自台账，本报告类型不允许修改")
                continue
            explanation = (edit.get("explanation") or "").strip()
            if not explanation:
                errors.append(f"「{label}」与台账数不一致，请说明原因")
                continue
            kept_adjustments[code] = {"value": value, "explanation": explanation[:500]}
    if errors:
        raise ValidationError(errors)
    report.sections = kept_sections
    report.adjustments = kept_adjustments
    report.save(update_fields=["sections", "adjustments", "updated_at"])
    _changed(report, actor, "保存", report.status, "", ip)
    return report


@transaction.atomic
def save_explanation(report: Report, *, actor, key: str, text: str, ip: str | None = None) -> Report:
    """核查说明: the submitter explains a logical-check failure that admits one (then it no longer stops
    the submission); empty text withdraws the explanation. Only while the report is editable; a key that
    is not an explainable failure of the report as it stands is refused."""
    report = _locked_row(report)
    if not may_fill(actor, report):
        raise PermissionDenied("只有报送单位的管理员可以填写核查说明")
    if report.status not in EDITABLE_STATUSES:
        if report.status in LOCKED_STATUSES:
            raise ValidationError("报告已审核锁定，不能修改核查说明；如需修改，请审核单位解锁")
        raise ValidationError("报告已提交，正等待审核，不能修改核查说明")
    key = (key or "").strip()
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > EXPLANATION_MAX:
        raise ValidationError(f"核查说明不能超过 {EXPLANATION_MAX} 字（现 {len(text)} 字）")
    failures = explainable_failures(report)
    kept = dict(report.explanations)
    if text:
        if key not in failures:
            raise ValidationError(
                "该项不是本报告可以说明的逻辑检查问题（只有基层工会会员数多于所在单位职工数可以说明，"
                "其他问题请在台账中更正）"
            )
        kept[key] = text
        note = f"{failures[key]}；说明：{text}"
    else:
        if key not in kept:
            raise ValidationError("请填写核查说明")
        del kept[key]
        note = f"撤回说明：{failures.get(key, key)}"
    report.explanations = kept
    report.save(update_fields=["explanations", "updated_at"])
    _changed(report, actor, "核查说明", report.status, note, ip)
    return report


@transaction.atomic
def submit(report: Report, *, actor, note: str = "", ip: str | None = None) -> Report:
    """提交: the submitting node sends a draft (or a returned report) to its parent. A figure the registry
    cannot give for the day stays marked 无法追溯 on the form unless the submitter filled it in."""
    report = _locked_row(report)
    if not may_fill(actor, report):
        raise PermissionDenied("只有报送单位的管理员可以提交报告")
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(f"报告{report.get_status_display()}，不能再次提交")
    if report.node.parent_id is None:
        raise ValidationError("本单位没有上级单位，无处报送")
    failures = submit_failures(report)
    if failures:
        more = f"；另有 {len(failures) - FAILURES_SHOWN} 项" if len(failures) > FAILURES_SHOWN else ""
        raise ValidationError(
            f"逻辑检查有 {len(failures)} 项未通过，不能提交：" + "；".join(failures[:FAILURES_SHOWN]) + more
        )
    before = report.status
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    _changed(report, actor, "提交", before, note.strip(), ip)
    return report


@transaction.atomic
def return_report(report: Report, *, actor, reason: str, ip: str | None = None) -> Report:
    """退回: the approver sends a submitted report back, with the reason."""
    report = _locked_row(report)
    if not may_approve(actor, report):
        raise PermissionDenied("只有审核单位（上级工会）可以退回报告")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("只有已提交的报告才能退回")
    if not (reason or "").strip():
        raise ValidationError("退回须说明原因")
    before = report.status
    report.status = ReportStatus.RETURNED
    report.save(update_fields=["status", "updated_at"])
    _changed(report, actor, "退回", before, reason.strip(), ip)
    return report


def unapproved_children(report: Report) -> list[UnionOrg]:
    """The node's sub-units that submit this type and whose report of the period is not approved (or
    missing): while there is one, the node's own (aggregated) report cannot be approved."""
    subunits = UnionOrg.objects.filter(
        submitters_q(report.report_type), parent=report.node, status=UnionOrg.Status.ACTIVE
    )
    approved = Report.objects.filter(
        report_type=report.report_type,
        period_start=report.period_start,
        status__in=APPROVED_STATUSES,
        node__parent=report.node,
    ).values("node_id")
    return list(subunits.exclude(pk__in=approved).order_by("path"))


@transaction.atomic
def approve(report: Report, *, actor, note: str = "", ip: str | None = None) -> Report:
    """审核通过: the approver approves a submitted report; the figures are frozen as they stand (a later
    registry edit does not change them) and the report is locked. A level's own report waits for all
    its sub-units' reports of the period to be approved."""
    report = _locked_row(report)
    if not may_approve(actor, report):
        raise PermissionDenied("只有审核单位（上级工会）可以审核报告")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("只有已提交的报告才能审核")
    waiting = unapproved_children(report)
    if waiting:
        names = "、".join(u.name for u in waiting[:5]) + ("等" if len(waiting) > 5 else "")
        raise ValidationError(f"下级单位的报告尚未全部审核通过：{names}")
    with figures.shared_memo():  # the 年报's figures and its frozen tables from one computation
        rows = figure_rows(report, with_live=False)
        frozen = {
            row.code: {"registry": row.registry, "reported": row.reported, "explanation": row.explanation}
            for row in rows
        }
        for freezer in _FREEZERS.get(report.report_type.code, []):
            frozen.update(freezer(report))
    report.frozen = frozen
    before = report.status
    report.status = ReportStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = actor if getattr(actor, "pk", None) else None
    report.save(update_fields=["status", "frozen", "approved_at", "approved_by", "updated_at"])
    _changed(report, actor, "审核通过", before, note.strip(), ip)
    return report


@transaction.atomic
def accept(report: Report, *, actor, note: str = "", ip: str | None = None) -> Report:
    """接收: the level above the approver takes the approved report upward; it stays locked."""
    report = _locked_row(report)
    if not may_accept(actor, report):
        raise PermissionDenied("只有审核单位的上级工会可以接收报告")
    if report.status != ReportStatus.APPROVED:
        raise ValidationError("只有已审核的报告才能接收")
    before = report.status
    report.status = ReportStatus.ACCEPTED
    report.accepted_at = timezone.now()
    report.save(update_fields=["status", "accepted_at", "updated_at"])
    _changed(report, actor, "接收", before, note.strip(), ip)
    return report


@transaction.atomic
def unlock(report: Report, *, actor, reason: str, ip: str | None = None) -> Report:
    """解锁: the approver reopens an approved (or accepted) report with the reason; it goes back to
    已退回 and its figures are live again until approved anew (the frozen ones stay in the event)."""
    report = _locked_row(report)
    if not may_approve(actor, report):
        raise PermissionDenied("只有审核单位（上级工会）可以解锁报告")
    if report.status not in LOCKED_STATUSES:
        raise ValidationError("只有已审核锁定的报告才能解锁")
    if not (reason or "").strip():
        raise ValidationError("解锁须说明原因")
    parent_report = Report.objects.filter(
        report_type=report.report_type,
        node_id=report.node.parent_id,
        period_start=report.period_start,
        status__in=LOCKED_STATUSES,
    ).first()
    if parent_report is not None:
        raise ValidationError("上级单位本期的报告已审核锁定，请先由其审核单位解锁上级报告")
    before = report.status
    was = "；".join(
        f"{figures.label(c)}={v.get('reported')}" for c, v in report.frozen.items() if not c.startswith("_")
    )
    report.status = ReportStatus.RETURNED
    report.frozen = {}
    report.approved_at = None
    report.approved_by = None
    report.accepted_at = None
    report.save(update_fields=["status", "frozen", "approved_at", "approved_by", "accepted_at", "updated_at"])
    _changed(report, actor, "解锁", before, reason.strip() + (f"（原审核数据：{was}）" if was else ""), ip)
    return report
