"""Demo register of Wuhu's model workers and craftsmen: a handful per county with titles of several kinds,
levels and years (全国/省/市劳模, 五一劳动奖章, 芜湖工匠, 安徽工匠, 年度人物), one or two per county who are also
members of the demo registry (so that the member page shows the title), three innovation studios (two
municipal — one named this year — and a provincial one) and services: 健康体检, 疗休养 this year and last,
two 劳模贷.

Run by the demo loader after the registry: ``load(builder, built)``. Copes with a small demo (few members)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gonghui.core.normalize import normalize_resident_id
from gonghui.members.models import Member

from . import services
from .models import ServiceKind, Studio, TitleKind
from .reference import seed_reference

# (kind code, level, weight): 市级 titles are the common ones, national ones rare.
TITLE_MIX = [
    ("labour_model", "city", 8),
    ("labour_model", "province", 3),
    ("labour_model", "national", 1),
    ("may_day_medal", "city", 5),
    ("may_day_medal", "province", 2),
    ("may_day_medal", "national", 1),
    ("craftsman", "city", 8),
    ("craftsman", "province", 3),
    ("person_of_year", "city", 2),
    ("advanced_worker", "county", 3),
]
AWARDED_BY = {
    "national": "中华全国总工会",
    "province": "安徽省总工会",
    "city": "芜湖市总工会",
    "county": "县区总工会",
}
POSITIONS = [
    "数控车工",
    "电焊工",
    "钳工",
    "电工",
    "质检员",
    "技术员",
    "班组长",
    "高级工程师",
    "汽车装调工",
    "农技员",
]
PER_COUNTY = 5


def load(builder, built) -> dict[str, int]:
    seed_reference()
    rnd = builder.rnd
    today = timezone.localdate()
    kinds = {k.code: k for k in TitleKind.objects.all()}
    service_kinds = {k.code: k for k in ServiceKind.objects.all()}
    people = []
    by_county: dict[str, list] = {}

    def titles_for() -> list[services.TitleData]:
        picks = rnd.choices(TITLE_MIX, [w for *_, w in TITLE_MIX], k=rnd.choice([1, 1, 1, 2]))
        out, seen = [], set()
        for code, level, _ in picks:
            year = rnd.randrange(today.year - 12, today.year + 1)
            if (code, level, year) in seen:
                continue
            seen.add((code, level, year))
            number = f"{AWARDED_BY[level][:2]}工〔{year}〕{rnd.randrange(1, 60)}号"
            out.append(services.TitleData(kinds[code], level, year, number, AWARDED_BY[level]))
        return out

    def add(union, rid, name, county_name):
        person = services.register(
            services.Person(
                resident_id=rid,
                name=name,
                union=union,
                phone=f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
                workplace=builder.fake.company(),
                industry=rnd.choice("CCCCDEGIPQ"),
                position=rnd.choice(POSITIONS),
            ),
            titles_for(),
        )
        people.append(person)
        by_county.setdefault(county_name, []).append(person)
        return person

    used: set[str] = set()
    for county_name in builder.towns:
        county = built.unions.get(county_name)
        if county is None:
            continue
        # One or two members of the registry who hold a title (the member page shows it).
        members = list(
            Member.objects.filter(union__path__startswith=county.path, status="active").order_by("id")[:2]
        )
        for member in members:
            rid = normalize_resident_id(member.id_number)
            used.add(rid.number)
            add(county, rid, member.name, county_name)
        for _ in range(PER_COUNTY):
            while True:
                rid = normalize_resident_id(builder.make_id(1960, 1995))
                if rid.number not in used:
                    used.add(rid.number)
                    break
            add(county, rid, builder.fake.name(), county_name)

    if not people:
        return {}
    city = built.unions["wuhu"]
    counties = [c for c in builder.towns if c in by_county]

    def studio(name, level, year, group, achievements, union=city):
        leader = group[0]
        return services.save_studio(
            Studio(
                name=name,
                level=level,
                founded_year=year,
                union=union,
                workplace=leader.workplace,
                leader=leader,
                achievements=achievements,
            ),
            group,
        )

    first = by_county[counties[0]]
    second = by_county[counties[min(1, len(counties) - 1)]]
    third = by_county[counties[min(2, len(counties) - 1)]]
    studio(
        f"{first[0].name}劳模创新工作室",
        "city",
        today.year,
        first[:4],
        "完成技术革新项目 6 项，获国家实用新型专利 3 项；带徒 12 名，其中 4 人取得高级工职业资格。",
    )
    studio(
        f"{second[1].name}工匠创新工作室",
        "city",
        today.year - 1,
        [second[1], *second[2:5]],
        "攻克焊接变形控制难题，产品一次合格率由 92% 提升至 98.5%；年节约成本约 180 万元。",
    )
    studio(
        f"{third[-1].name}技能大师工作室",
        "province",
        today.year - 3,
        [third[-1], *third[:2]],
        "牵头制定企业工艺标准 2 项；在省职工职业技能大赛中获一等奖 1 项、二等奖 2 项。",
        union=third[-1].union,  # kept by the county of its members: the county's own page lists it
    )

    def day_this_year() -> dt.date:
        start = dt.date(today.year, 1, 1)
        return start + dt.timedelta(days=rnd.randrange((today - start).days + 1))

    given = 0
    for person in people:
        if rnd.random() < 0.5:
            services.record_service(person, service_kinds["checkup"], day_this_year(), note="年度健康体检")
            given += 1
    for person in people[::4]:
        services.record_service(person, service_kinds["recuperation"], day_this_year(), note="黄山疗休养")
        given += 1
    for person in people[1::3]:
        last = dt.date(today.year - 1, rnd.randrange(4, 11), rnd.randrange(1, 28))
        services.record_service(person, service_kinds["recuperation"], last, note="九华山疗休养")
        given += 1
    for person in people[2:4]:
        services.record_service(
            person,
            service_kinds["loan"],
            dt.date(today.year - 1, 9, 1),
            amount=Decimal(rnd.choice([100000, 200000, 300000])),
            note="劳模创业贷款（贴息）",
        )
        given += 1
    return {"劳模工匠": len(people), "劳模工匠创新工作室": 3, "劳模工匠服务": given}
