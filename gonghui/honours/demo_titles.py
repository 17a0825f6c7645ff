"""Demo: Wuhu's database of holders — model homes named by 全国总工会, 安徽省总工会 and 芜湖市总工会 from 2015
to 2023 (registered as past namings through the service, so each has its 登记 event and audit row), 模范
职工小家 of two counties, 厂务公开民主管理先进个人 among the members, and one provincial home revoked with
its reason. The older ones are due for 复查 today."""

from __future__ import annotations

import datetime as dt

from gonghui.accounts.models import User
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Ownership, UnionKind, UnionOrg

from . import titles
from .kinds import ensure_honour_kinds
from .models import HonourKind, Title

# (kind code, named by, year, naming date, document number, how many, how many of them 民营)
HOMES = [
    ("national-model-home", "全国总工会", 2015, dt.date(2015, 4, 28), "总工发〔2015〕10号", 2, 1),
    ("national-model-home", "全国总工会", 2018, dt.date(2018, 4, 26), "总工发〔2018〕8号", 1, 1),
    ("national-model-home", "全国总工会", 2021, dt.date(2021, 4, 27), "总工发〔2021〕6号", 1, 0),
    ("province-model-home", "安徽省总工会", 2016, dt.date(2016, 12, 20), "皖工发〔2016〕41号", 2, 1),
    ("province-model-home", "安徽省总工会", 2019, dt.date(2019, 12, 18), "皖工发〔2019〕37号", 3, 2),
    ("province-model-home", "安徽省总工会", 2022, dt.date(2022, 12, 15), "皖工发〔2022〕33号", 3, 2),
    ("city-model-home", "芜湖市总工会", 2017, dt.date(2017, 11, 30), "芜工〔2017〕52号", 3, 2),
    ("city-model-home", "芜湖市总工会", 2020, dt.date(2020, 12, 10), "芜工〔2020〕61号", 4, 2),
    ("city-model-home", "芜湖市总工会", 2023, dt.date(2023, 12, 12), "芜工〔2023〕58号", 5, 3),
]
SMALL_HOMES = [
    ("镜湖区", dt.date(2022, 9, 20), "镜工〔2022〕15号", 2),
    ("鸠江区", dt.date(2023, 9, 26), "鸠工〔2023〕19号", 2),
]
PERSONS = [
    (2021, dt.date(2021, 11, 8), "皖工发〔2021〕29号", 2),
    (2023, dt.date(2023, 11, 16), "皖工发〔2023〕31号", 2),
]
REVOKED = (
    dt.date(2021, 9, 30),
    "2021年复查：职代会制度未落实，会员入会率降至62%，经安徽省总工会研究撤销称号",
)


def _ownership(union: UnionOrg) -> str:
    workplace = union.workplaces.order_by("pk").first()
    return workplace.ownership if workplace is not None else ""


def load(builder, built) -> dict[str, int]:
    ensure_honour_kinds()
    kinds = {k.code: k for k in HonourKind.objects.all()}
    wuhu = built.unions["wuhu"]
    city_user = User.objects.get(username="demo-wuhu")
    committees = list(
        UnionOrg.objects.filter(
            kind=UnionKind.COMMITTEE, status=UnionOrg.Status.ACTIVE, path__startswith=wuhu.path
        )
        .exclude(workplaces=None)
        .order_by("founded_on", "pk")  # the older, well-established unions are the model homes
    )
    private = [u for u in committees if _ownership(u) == Ownership.PRIVATE]
    others = [u for u in committees if _ownership(u) not in ("", Ownership.PRIVATE)]
    made: list[Title] = []
    for code, named_by, year, named_on, number, count, n_private in HOMES:
        chosen = [private.pop(0) for _ in range(n_private)] + [
            others.pop(0) for _ in range(count - n_private)
        ]
        for union in chosen:
            naming = titles.Naming(year, named_on, named_by, number)
            made.append(titles.register_title(kinds[code], union, naming, actor=city_user))

    revoked = next(t for t in made if t.kind.code == "province-model-home" and t.year == 2016)
    titles.revoke_title(revoked, REVOKED[0], REVOKED[1], actor=User.objects.get(username="demo-province"))

    for county, named_on, number, count in SMALL_HOMES:
        node = built.unions[county]
        pool = [u for u in private + others if u.path.startswith(node.path)][:count]
        for union in pool:
            naming = titles.Naming(named_on.year, named_on, f"{node.name}", number)
            made.append(
                titles.register_title(kinds["county-model-small-home"], union, naming, actor=city_user)
            )

    people = list(
        Member.objects.filter(union__path__startswith=wuhu.path, status=MemberStatus.ACTIVE)
        .exclude(workplace=None)
        .order_by("pk")[: sum(p[3] for p in PERSONS)]
    )
    for year, named_on, number, count in PERSONS:
        for member in people[:count]:
            naming = titles.Naming(year, named_on, "安徽省总工会", number)
            made.append(
                titles.register_title(kinds["province-open-affairs-person"], member, naming, actor=city_user)
            )
        people = people[count:]
    return {"honour_titles": len(made)}
