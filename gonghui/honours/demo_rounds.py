"""Demo: 芜湖市总工会's 市级模范职工之家 rounds, worked through the real services — last year's round
named (公示, 命名 with a document number; its titles due for 复查 after five years), and this year's in
progress with nominations at every stage: a draft, one waiting at a county (sent up by a street union),
some waiting at the city, one rejected with its reason, and some selected.

Grassroots committees of 鸠江区 and 镜湖区 are the subjects (the first ones by path, so the same on every
load); the automatic criteria are judged as of each round's date from the demo registry, passed or not
as the registry has them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import UnionKind, UnionOrg

from . import rounds
from .kinds import ensure_honour_kinds
from .models import HonourKind


def _committees(county: UnionOrg, n: int) -> list[UnionOrg]:
    """The first ``n`` active grassroots committees under the county that cover a workplace."""
    return list(
        UnionOrg.objects.filter(
            path__startswith=county.path,
            kind=UnionKind.COMMITTEE,
            status=UnionOrg.Status.ACTIVE,
            workplaces__isnull=False,
        )
        .distinct()
        .order_by("path")[:n]
    )


def load_rounds(built) -> dict[str, int]:
    ensure_honour_kinds()
    kind = HonourKind.objects.get(code="city-model-home")
    jiujiang, jinghu = built.unions["鸠江区"], built.unions["镜湖区"]
    users = {
        u.username: u for u in User.objects.filter(username__in=["demo-wuhu", "demo-jiujiang", "demo-jinghu"])
    }
    city, jj, jh = users["demo-wuhu"], users["demo-jiujiang"], users["demo-jinghu"]
    today = timezone.localdate()
    jj_unions, jh_unions = _committees(jiujiang, 8), _committees(jinghu, 5)
    if len(jj_unions) < 7 or len(jh_unions) < 3:  # a small demo (tests): too few committees for the story
        return {"honour_rounds": 0, "honour_nominations": 0, "honour_titles_named": 0}

    # Last year's round: named, with the document number.
    last = today.year - 1
    past = rounds.create_round(
        actor=city,
        kind=kind,
        year=last,
        title=f"{last}年度芜湖市模范职工之家评选",
        criteria_date=dt.date(last, 6, 30),
        deadline=dt.date(last, 9, 30),
        quota=6,
    )
    rounds.set_quotas(past, {jiujiang: 3, jinghu: 3}, actor=city)
    on = dt.date(last, 9, 1)
    past_noms = []
    for user, union in [(jj, u) for u in jj_unions[:3]] + [(jh, u) for u in jh_unions[:2]]:
        nomination = rounds.nominate(
            past, actor=user, union=union, summary="建家工作扎实，职工满意度高", on=on
        )
        rounds.submit(nomination, actor=user, acknowledge_shares=True, on=on)
        past_noms.append(nomination)
    rounds.reject(past_noms[-1], actor=city, reason="职工之家阵地面积不达标")
    rounds.select(past_noms[:-1], actor=city, acknowledge_shares=True)
    rounds.open_notice(past, actor=city, start=dt.date(last, 11, 1), end=dt.date(last, 11, 7))
    titles = rounds.name(
        past, actor=city, document_number=f"芜工〔{last}〕36号", named_on=dt.date(last, 11, 20)
    )

    # This year's round, in progress.
    current = rounds.create_round(
        actor=city,
        kind=kind,
        year=today.year,
        title=f"{today.year}年度芜湖市模范职工之家评选",
        criteria_date=today - dt.timedelta(days=1),
        deadline=today + dt.timedelta(days=30),
        quota=8,
    )
    rounds.set_quotas(current, {jiujiang: 4, jinghu: 3}, actor=city)
    summary = "职工之家阵地规范，活动经常，职工代表大会和厂务公开制度健全"
    selected = [rounds.nominate(current, actor=jj, union=u, summary=summary) for u in jj_unions[3:5]]
    waiting = rounds.nominate(current, actor=jj, union=jj_unions[5], summary=summary)
    rounds.nominate(current, actor=jj, union=jj_unions[6], summary="材料准备中")  # a draft
    for nomination in [*selected, waiting]:
        rounds.submit(nomination, actor=jj, acknowledge_shares=True)
    rounds.select(selected, actor=city, acknowledge_shares=True)
    rejected = rounds.nominate(current, actor=jh, union=jh_unions[2], summary=summary)
    rounds.submit(rejected, actor=jh, acknowledge_shares=True)
    rounds.reject(rejected, actor=city, reason="近三年会员入会率未达到 90%")
    # A street union recommends one of its committees: it waits at 镜湖区 for the county to forward.
    if len(jh_unions) > 3 and jh_unions[3].parent.kind == UnionKind.TOWNSHIP:
        street = jh_unions[3].parent
        at_county = rounds.nominate(
            current, actor=None, nominated_by=street, union=jh_unions[3], summary=summary
        )
        rounds.submit(at_county, actor=None, acknowledge_shares=True)
    return {
        "honour_rounds": 2,
        "honour_nominations": current.nominations.count() + past.nominations.count(),
        "honour_titles_named": len(titles),
    }
