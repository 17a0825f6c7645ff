"""A small model-worker world on the shared test registry: registering helpers and the import header."""

from __future__ import annotations

import datetime as dt

from gonghui.core.normalize import normalize_resident_id
from gonghui.modelworkers import services
from gonghui.modelworkers.models import TitleKind
from gonghui.modelworkers.reference import seed_reference
from tests.factories import make_id

HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "管理工会",
    "工作单位",
    "所属行业",
    "职务（岗位）",
    "称号类别",
    "称号级别",
    "授予年度",
    "文号",
    "授予机关",
]


def title(
    kind: str = "craftsman", level: str = "city", year: int = 2024, document_no: str = ""
) -> services.TitleData:
    seed_reference()
    return services.TitleData(TitleKind.objects.get(code=kind), level, year, document_no, "芜湖市总工会")


def register(
    union, seq, titles=None, address="340207", actor=None, number: str | None = None, name: str = ""
):
    seed_reference()
    data = services.Person(
        resident_id=normalize_resident_id(
            number or make_id(address, dt.date(1975, 1, 1) + dt.timedelta(days=seq), seq)
        ),
        name=name or "劳模" + "".join("零一二三四五六七八九"[int(d)] for d in str(seq)),
        union=union,
        phone=f"137{seq:08d}",
        workplace="芜湖某机械有限公司",
        industry="C",
    )
    return services.register(data, titles if titles is not None else [title()], actor=actor)
