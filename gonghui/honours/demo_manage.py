"""Demo of dynamic management, through the real services (each step its event and audit row):

- 示范点: the 2023 provincial round of 民营企业工会规范化建设示范点 run to its result (Wuhu recommends its
  private workplaces, the province selects, 公示, 命名 皖工发〔2023〕N号) — unless the rounds' demo already
  named 2023 sites in Wuhu — then every confirmed Wuhu site's grant approved by the province and paid, but
  one approved and not yet paid;
- 职工代表提案: proposals of Wuhu workplaces (proposer masked as everywhere) and the province's 2024
  优秀职工代表提案 round with them recommended, one selected, one rejected, one still pending;
- 复查: Wuhu's 回头看 of its municipal model homes named 2017–2020, criteria recomputed, one 撤销, one
  限期整改, one 保留, the rest still to inspect;
- 结对共建: model homes paired with grassroots unions of their county, with activities; one pairing ended.

Holders are taken from the titles' demo when it made them, otherwise registered here (past namings), so
this part never depends on the others having run.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import GRASSROOTS_KINDS, Ownership, UnionKind, UnionOrg, Workplace

from . import grants, partnerships, proposals, reinspection, rounds, titles
from .kinds import ensure_honour_kinds
from .models import Category, HonourKind, InspectionResult, Round, Title, TitleStatus

SITES = 6
PROPOSALS = [
    ("关于完善一线职工高温津贴发放办法的提案", "建议按岗位温度分档发放高温津贴，并在工资条中单列。", "已纳入 2024 年薪酬制度修订，7 月起执行。"),
    ("关于增设夜班职工营养餐的提案", "夜班职工就餐不便，建议食堂增设夜班营养餐。", "食堂自 2024 年 3 月起供应夜班餐。"),
    ("关于建立技能等级与薪酬挂钩机制的提案", "建议取得高级工、技师等级的职工相应提高岗位工资。", ""),
    ("关于改善女职工哺乳室设施的提案", "建议增设冰箱、洗手池，延长开放时间。", "已完成改造。"),
    ("关于开展职工心理健康服务的提案", "建议引入第三方心理咨询服务，每季度开展讲座。", ""),
]  # fmt: skip


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _sites(kind: HonourKind, wuhu: UnionOrg, province_user: User, city_user: User) -> list[Title]:
    """The 2023 provincial sites in Wuhu: the rounds' demo's when it named them, else a round run here."""
    named = list(Title.objects.filter(kind=kind, year=2023, node__path__startswith=wuhu.path).order_by("pk"))
    if named:
        return named
    workplaces = list(
        Workplace.objects.filter(
            governing_union__path__startswith=wuhu.path, ownership=Ownership.PRIVATE, closed_on=None
        )
        .exclude(unions=None)
        .order_by("-employee_count", "pk")[:SITES]
    )
    if not workplaces:
        return []
    province = province_user.union
    round_ = rounds.create_round(
        actor=None,
        issuer=province,
        kind=kind,
        year=2023,
        title="2023年度安徽省民营企业工会规范化建设示范点确认",
        criteria_date=dt.date(2023, 6, 30),
        deadline=dt.date(2023, 9, 30),
        quota=50,
    )
    nominations = [
        rounds.nominate(
            round_,
            actor=city_user,
            workplace=w,
            summary="市总培育一年，规范化建设达标",
            on=dt.date(2023, 8, 1),
        )
        for w in workplaces
    ]
    for nomination in nominations:
        rounds.submit(nomination, actor=city_user, acknowledge_shares=True, on=dt.date(2023, 8, 15))
    rounds.select(nominations, actor=province_user, acknowledge_shares=True)
    rounds.open_notice(round_, actor=province_user, start=dt.date(2023, 10, 9), end=dt.date(2023, 10, 15))
    return rounds.name(
        round_, actor=province_user, document_number="皖工发〔2023〕28号", named_on=dt.date(2023, 10, 20)
    )


def _grants(sites: list[Title], province_user: User) -> int:
    for i, site in enumerate(sites):
        grant = grants.approve_grant(
            site,
            approved_on=dt.date(2023, 11, 10),
            approval_document="皖工财〔2023〕15号",
            actor=province_user,
        )
        if i < len(sites) - 1:  # the last one approved, not yet paid
            grants.pay_grant(
                grant,
                paid_on=dt.date(2023, 12, 5),
                voucher_number=f"皖工记字2023-12-{i + 101}",
                actor=province_user,
            )
    return len(sites)


def _proposals(wuhu: UnionOrg, city_user: User, province_user: User) -> int:
    made = []
    members = (
        Member.objects.filter(union__path__startswith=wuhu.path, status=MemberStatus.ACTIVE)
        .exclude(workplace=None)
        .select_related("workplace", "union")
        .order_by("pk")
    )
    used: set[int] = set()
    for member in members:
        if len(made) == len(PROPOSALS):
            break
        workplace = member.workplace
        if workplace.pk in used or not workplace.unions.filter(pk=member.union_id).exists():
            continue
        used.add(workplace.pk)
        title, content, handling = PROPOSALS[len(made)]
        data = {
            "workplace": workplace,
            "proposer": member,
            "year": 2024,
            "session": "第三届第二次职工代表大会",
            "title": title,
            "content": content,
            "handling": handling,
        }
        made.append(proposals.create_proposal(data, actor=city_user))
    kind = HonourKind.objects.filter(category=Category.PROPOSAL, level="province").order_by("order").first()
    province = province_user.union
    if kind is None or len(made) < 4 or Round.objects.filter(kind=kind, year=2024, issuer=province).exists():
        return len(made)
    round_ = rounds.create_round(
        actor=None,
        issuer=province,
        kind=kind,
        year=2024,
        title="2024年度安徽省优秀职工代表提案评选",
        criteria_date=dt.date(2024, 6, 30),
        deadline=dt.date(2024, 9, 30),
        quota=50,
    )
    nominations = [
        rounds.nominate(round_, actor=city_user, proposal=p, on=dt.date(2024, 8, 1)) for p in made[:4]
    ]
    for nomination in nominations:
        rounds.submit(nomination, actor=city_user, acknowledge_shares=True, on=dt.date(2024, 8, 10))
    rounds.select(nominations[:2], actor=province_user, acknowledge_shares=True)
    rounds.reject(nominations[2], actor=province_user, reason="提案尚未办理落实，暂不推荐")
    return len(made)


def _homes(wuhu: UnionOrg, city_user: User) -> list[Title]:
    """Wuhu's municipal model homes named 2017–2020 (the titles' demo's, or registered here)."""
    kind = HonourKind.objects.get(code="city-model-home")
    found = list(
        Title.objects.filter(
            kind=kind, year__range=(2017, 2020), node__path__startswith=wuhu.path, status=TitleStatus.ACTIVE
        ).order_by("pk")
    )
    if len(found) >= 3:
        return found
    taken = set(Title.objects.filter(kind=kind).values_list("union_id", flat=True))
    unions = (
        UnionOrg.objects.filter(
            kind=UnionKind.COMMITTEE, status=UnionOrg.Status.ACTIVE, path__startswith=wuhu.path
        )
        .exclude(pk__in=taken)
        .exclude(workplaces=None)
        .order_by("founded_on", "pk")[:4]
    )
    for union in unions:
        naming = titles.Naming(2018, dt.date(2018, 12, 10), "芜湖市总工会", "芜工〔2018〕49号")
        found.append(titles.register_title(kind, union, naming, actor=city_user))
    return found


def _reinspection(wuhu: UnionOrg, city_user: User, homes: list[Title]) -> int:
    if len(homes) < 3:
        return 0
    today = timezone.localdate()
    check = reinspection.create_reinspection(
        issuer=wuhu,
        kind=homes[0].kind,
        named_from=2017,
        named_to=2020,
        as_of=today,
        deadline=today + dt.timedelta(days=90),
        title=f"芜湖市{today.year}年市级模范职工之家复查（回头看）",
        actor=city_user,
    )
    records = list(check.records.order_by("pk"))
    # The holder whose recomputed criteria fail most is the one revoked.
    records.sort(key=lambda r: -sum(1 for c in r.criteria if c.get("passed") is False))
    inspected = today - dt.timedelta(days=3)
    reinspection.record_result(
        records[0],
        result=InspectionResult.REVOKE,
        inspected_on=inspected,
        note="回头看：职代会制度未落实，会员入会率明显下降，整改无效，撤销称号",
        actor=city_user,
    )
    reinspection.record_result(
        records[1],
        result=InspectionResult.RECTIFY,
        inspected_on=inspected,
        rectify_until=inspected + dt.timedelta(days=180),
        note="厂务公开栏未按季度更新，限期整改",
        actor=city_user,
    )
    reinspection.record_result(
        records[2],
        result=InspectionResult.RETAIN,
        inspected_on=inspected,
        note="各项制度健全",
        actor=city_user,
    )
    return 1


def _pairings(wuhu: UnionOrg, city_user: User) -> int:
    homes = list(
        Title.objects.filter(
            kind__category__in=partnerships.HOME_CATEGORIES,
            status=TitleStatus.ACTIVE,
            subject_kind="union",
            node__path__startswith=wuhu.path,
        )
        .select_related("union__parent")
        .order_by("-year", "pk")[:3]
    )
    made = 0
    activities = [
        (dt.date(2024, 4, 18), "共建职工书屋，赠送图书 300 册", 40),
        (dt.date(2024, 6, 20), "开展职代会制度建设经验交流", 25),
        (dt.date(2024, 9, 12), "联合举办职工技能竞赛", 60),
    ]
    for i, home in enumerate(homes):
        county = home.union.parent
        partner = (
            UnionOrg.objects.filter(
                kind__in=GRASSROOTS_KINDS, status=UnionOrg.Status.ACTIVE, path__startswith=county.path
            )
            .exclude(pk=home.union_id)
            .exclude(honour_partnerships__holder__isnull=False)
            .order_by("pk")
            .first()
        )
        if partner is None:
            continue
        pairing = partnerships.start(
            home,
            partner,
            started_on=dt.date(2024, 3, 1),
            goals="以模范职工之家带动结对工会规范化建设：制度共建、阵地共享、活动共办",
            actor=city_user,
        )
        for on_date, content, people in activities[: 3 - i]:
            partnerships.log_activity(
                pairing, on_date=on_date, content=content, participants=people, actor=city_user
            )
        if i == 2:
            partnerships.end(pairing, ended_on=dt.date(2024, 12, 31), note="结对期满", actor=city_user)
        made += 1
    return made


def load(builder, built) -> dict[str, int]:
    ensure_honour_kinds()
    wuhu = built.unions["wuhu"]
    city_user, province_user = _user("demo-wuhu"), _user("demo-province")
    site_kind = HonourKind.objects.get(code="province-private-demo-site")
    sites = _sites(site_kind, wuhu, province_user, city_user)
    return {
        "honour_grants": _grants(sites, province_user),
        "honour_proposals": _proposals(wuhu, city_user, province_user),
        "honour_reinspections": _reinspection(wuhu, city_user, _homes(wuhu, city_user)),
        "honour_partnerships": _pairings(wuhu, city_user),
    }
