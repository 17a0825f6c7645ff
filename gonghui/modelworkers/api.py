"""Read endpoints of the model-worker register: scoped, IDs and phones masked, birth year only; each page
of personal data handed out is audited (as the member API)."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import AuditedSeekPagination, audit_read, filtered, scoped, scoped_get

from .filters import ModelWorkerFilterSet, StudioFilterSet
from .models import ModelWorker, Studio

router = Router(tags=["劳模工匠"])


class TitleOut(Schema):
    kind: str
    level: str
    year: int
    document_no: str
    awarded_by: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.name


class ServiceOut(Schema):
    kind: str
    date: dt.date
    note: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.name


class ModelWorkerOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_year: int
    union_id: int
    workplace: str
    industry: str
    position: str
    titles: list[TitleOut]

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_birth_year(obj) -> int:
        return obj.birth_date.year  # the masked ID hides the birth date: never the full date here

    @staticmethod
    def resolve_titles(obj) -> list:
        return list(obj.titles.all())


class ModelWorkerDetailOut(ModelWorkerOut):
    services: list[ServiceOut]
    studio_ids: list[int]

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.select_related("kind"))

    @staticmethod
    def resolve_studio_ids(obj) -> list[int]:
        return list(obj.studios.values_list("pk", flat=True))


class StudioOut(Schema):
    id: int
    name: str
    level: str
    founded_year: int
    union_id: int
    workplace: str
    leader_id: int | None
    member_ids: list[int]
    achievements: str

    @staticmethod
    def resolve_member_ids(obj) -> list[int]:
        return [m.pk for m in obj.members.all()]


@router.get("/model-workers", response=list[ModelWorkerOut], summary="劳模工匠名册（身份证号、手机号脱敏）")
@paginate(AuditedSeekPagination)
def list_model_workers(request):
    rows = scoped(request, ModelWorker).prefetch_related("titles__kind").order_by("-id")
    return filtered(request, ModelWorkerFilterSet, rows)


@router.get(
    "/model-workers/{pk}", response=ModelWorkerDetailOut, summary="劳模工匠详情（脱敏，含称号、服务）"
)
def get_model_worker(request, pk: int):
    person = scoped_get(request, ModelWorker, pk)
    audit_read(request, ModelWorker, 1, person)
    return person


@router.get("/studios", response=list[StudioOut], summary="劳模工匠创新工作室")
@paginate(AuditedSeekPagination)
def list_studios(request):
    rows = scoped(request, Studio).prefetch_related("members").order_by("-id")
    return filtered(request, StudioFilterSet, rows)


@router.get("/studios/{pk}", response=StudioOut, summary="劳模工匠创新工作室详情")
def get_studio(request, pk: int):
    studio = scoped_get(request, Studio, pk)
    audit_read(request, Studio, 1, studio)
    return studio
