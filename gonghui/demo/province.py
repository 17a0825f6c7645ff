"""A small demo registry of any province (its 省总工会, a 市总工会 per city, a few counties with
grassroots unions, workplaces and members), for the national roll-up's demo (deploy/national/): the full
demo (``loader``) is Anhui's and Wuhu's. Deterministic (seeded); members join through the membership
service, so their events, audit rows and national digests are written as in production."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from stdnum.cn import ric, uscc

from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services as membership
from gonghui.members.reference import seed_new_form_groups
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.orgs.services import create_workplace, found_union
from gonghui.regions.models import Region

from .loader import DemoRefused


@transaction.atomic
def load_province_demo(code: str, members: int = 300, seed: int = 2026) -> dict[str, int]:
    rnd = random.Random(seed)
    province = Region.objects.filter(code=f"{code}0000").first()
    if province is None:
        raise DemoRefused(f"请先载入该省行政区划：python manage.py load_regions --province {code}")
    if UnionOrg.objects.exists():
        raise DemoRefused("数据库中已有工会组织，拒绝载入演示数据")
    seed_new_form_groups()
    top = UnionOrg.objects.create(
        name=f"{province.name}总工会",
        kind=UnionKind.PROVINCE,
        region=province,
        founded_on=dt.date(1950, 5, 1),
    )
    cities = list(Region.objects.filter(parent=province).order_by("code"))
    grassroots = []
    counter = 0
    for n, city in enumerate(cities):
        city_union = UnionOrg.objects.create(
            name=f"{city.name}总工会", kind=UnionKind.CITY, parent=top, region=city
        )
        if n >= 3:  # the first three cities carry the registry; the others are federations only
            continue
        for county in Region.objects.filter(parent=city).order_by("code")[:2]:
            county_union = UnionOrg.objects.create(
                name=f"{county.name}总工会", kind=UnionKind.COUNTY, parent=city_union, region=county
            )
            for i in range(3):
                counter += 1
                body = f"91{county.code}{counter:09d}"
                workplace = create_workplace(
                    name=f"{county.name}演示{i + 1}号公司",
                    uscc=body + uscc.calc_check_digit(body + "0"),
                    employee_count=rnd.randrange(20, 400),
                    region=county,
                    governing_union=county_union,
                    registered_on=dt.date(2015, 1, 1),
                )
                if i < 2:  # one workplace in three has no union yet
                    grassroots.append(
                        (
                            found_union(workplace, parent=county_union, founded_on=dt.date(2020, 3, 1)),
                            workplace,
                        )
                    )
    counties = [c.code for c in Region.objects.filter(parent__parent=province)]
    made = 0
    while made < members:
        union, workplace = rnd.choice(grassroots)
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rnd.randrange(40 * 365))
        body = f"{rnd.choice(counties)}{birth:%Y%m%d}{rnd.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        applicant = membership.Applicant(
            resident_id=normalize_resident_id(number),
            name=f"演示会员{made + 1}",
            is_migrant_worker=rnd.random() < 0.2,
            workplace=workplace,
        )
        try:
            membership.join(applicant, union, dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randrange(300)))
        except membership.MembershipError:
            continue  # a drawn ID already taken (or held elsewhere): draw another
        made += 1
    return {"unions": UnionOrg.objects.count(), "grassroots": len(grassroots), "members": made}
