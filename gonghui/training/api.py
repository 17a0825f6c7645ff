"""Read endpoints of training: sessions (scoped; a roster's people with masked IDs only, each roster read
audited as personal data), the per-county person-times against the targets, the cadres' last training."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import AuditedSeekPagination, audit_read, filtered, scoped, scoped_get
from gonghui.core.models import reads_personal_data
from gonghui.orgs.models import UnionOrg

from . import progress
from .filters import TrainingSessionFilterSet
from .models import Attendee, TrainingSession

router = Router(tags=["教育培训"])


class AttendeeOut(Schema):
    name: str
    id_number: str
    is_member: bool

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_is_member(obj) -> bool:
        return obj.member_id is not None


class TrainingSessionOut(Schema):
    id: int
    title: str
    kind: str
    organiser_id: int
    start_date: dt.date
    end_date: dt.date
    online: bool
    place: str
    mode: str
    person_times: int
    status: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.name


class TrainingSessionDetailOut(TrainingSessionOut):
    attendees: list[AttendeeOut]

    @staticmethod
    def resolve_attendees(obj) -> list:
        return obj.roster  # set by the view: the lines the caller may read (none for 三员分立 roles)


class KindProgressOut(Schema):
    kind: str
    yearly_target: int
    person_times: int


class CountyProgressOut(Schema):
    union_id: int
    union_name: str
    kinds: list[KindProgressOut]


class ProgressOut(Schema):
    union_id: int
    as_of: dt.date
    counties: list[CountyProgressOut]


class CadreCountsOut(Schema):
    union_id: int
    union_name: str
    cadres: int
    current: int
    overdue: int
    never_trained: int


class CadreTrainingOut(Schema):
    union_id: int
    as_of: dt.date
    retrain_years: int
    counties: list[CadreCountsOut]


@router.get("/training-sessions", response=list[TrainingSessionOut], summary="培训班列表")
@paginate(AuditedSeekPagination)
def list_training_sessions(request):
    rows = scoped(request, TrainingSession).select_related("kind").order_by("-id")
    return filtered(request, TrainingSessionFilterSet, rows)


@router.get(
    "/training-sessions/{pk}", response=TrainingSessionDetailOut, summary="培训班详情（参训名单身份证号脱敏）"
)
def get_training_session(request, pk: int):
    session = scoped_get(request, TrainingSession, pk)
    # The roster only for a role that reads personal data (三员分立), and its read is audited.
    attendees = list(scoped(request, Attendee).filter(session=session).order_by("name", "id"))
    if attendees:
        audit_read(request, Attendee, len(attendees), session)
    session.roster = attendees
    return session


@router.get("/unions/{pk}/training-progress", response=ProgressOut, summary="各县区培训人次与年度目标")
def get_union_training_progress(request, pk: int, as_of: dt.date | None = None):
    union = scoped_get(request, UnionOrg, pk)
    day = as_of or timezone.localdate()
    result = progress.person_times(union, day)
    return {
        "union_id": union.pk,
        "as_of": day,
        "counties": [
            {
                "union_id": row.county.pk,
                "union_name": row.county.name,
                "kinds": [
                    {"kind": k.name, "yearly_target": k.yearly_target, "person_times": row.of(k)}
                    for k in result.kinds
                ],
            }
            for row in result.rows
        ],
    }


@router.get(
    "/unions/{pk}/cadre-training", response=CadreTrainingOut, summary="工会干部轮训情况（各县区应轮训人数）"
)
def get_union_cadre_training(request, pk: int, as_of: dt.date | None = None):
    union = scoped_get(request, UnionOrg, pk)
    auth = getattr(request, "auth", None)
    if not reads_personal_data(auth if hasattr(auth, "pk") else request.user):
        from ninja.errors import HttpError

        raise HttpError(403, "系统管理员、安全管理员和审计管理员不能查看工会干部信息（三员分立）")
    day = as_of or timezone.localdate()
    return {
        "union_id": union.pk,
        "as_of": day,
        "retrain_years": progress.training_settings.retrain_years(),
        "counties": [
            {
                "union_id": r.county.pk,
                "union_name": r.county.name,
                "cadres": r.total,
                "current": r.current,
                "overdue": r.overdue,
                "never_trained": r.never,
            }
            for r in progress.cadre_counts(union, day)
        ],
    }
