"""A small union-staff world on the shared test registry: one hiring helper and the xlsx writer."""

from __future__ import annotations

import datetime as dt

from gonghui.core.normalize import normalize_resident_id
from gonghui.people import services
from gonghui.people.models import Post, SubsidyGrade
from gonghui.people.reference import seed_reference
from tests.factories import make_id

HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "所在工会",
    "岗位",
    "劳动合同单位",
    "到岗日期",
    "试用期满日期",
    "补贴档次",
]


def hire(union, seq, post="social_worker", start=dt.date(2024, 3, 1), address="340207", actor=None, **extra):
    seed_reference()
    data = services.Hire(
        resident_id=normalize_resident_id(
            make_id(address, dt.date(1990, 1, 1) + dt.timedelta(days=seq), seq)
        ),
        name="工作者" + "".join("零一二三四五六七八九"[int(d)] for d in str(seq)),
        union=union,
        post=Post.objects.get(code=post),
        start_date=start,
        phone=f"139{seq:08d}",
        grade=SubsidyGrade.objects.get(code="g1"),
        **extra,
    )
    return services.hire(data, actor=actor)
