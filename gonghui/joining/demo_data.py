"""Demo data for 网上入会: routing rules for Wuhu's counties, a reviewer, ~30 applications, transfers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core.normalize import normalize_resident_id
from gonghui.members.models import HELD_STATUSES, Member, NewFormGroup
from gonghui.orgs.models import UnionOrg, Workplace

from . import services, workdays
from .models import ApplicationEvent, JoinApplication, RoutingRule


def _rules(builder, built) -> int:
    groups = list(NewFormGroup.objects.filter(is_active=True))
    ride_hailing = UnionOrg.objects.filter(name="芜湖市网约车行业工会联合会").first()
    count = 0
    for county in builder.towns:
        holding = built.unions.get(f"{county}新业态")
        if holding is None:
            continue
        region = holding.region
        for group in groups:
            # 网约车司机 go to the city's industry federation (行业工会联合会), the rest to the county's
            # new-form federation: both kinds of holding union appear in the demo.
            target = ride_hailing if group.code == "ride_hailing_driver" and ride_hailing else holding
            RoutingRule.objects.create(region=region, new_form_group=group, union=target)
            count += 1
        RoutingRule.objects.create(region=region, union=holding, note="未列明群体及单位未建会的职工")
        count += 1
    return count


def _backdate(app: JoinApplication, days_ago: int) -> None:
    """Demo only: make an application look as if it arrived ``days_ago`` days ago."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    deadline = workdays.review_deadline(app.routed_union, timezone.localdate(when))
    number = f"RH{timezone.localdate(when):%Y%m%d}{app.number[-6:]}"
    JoinApplication.objects.filter(pk=app.pk).update(submitted_at=when, deadline=deadline, number=number)
    ApplicationEvent.objects.filter(application=app).update(at=when)
    app.refresh_from_db()


def load(builder, built) -> dict[str, int]:
    rules = _rules(builder, built)
    reviewer = User.objects.create_user(
        "demo-reviewer",
        password=builder.password,
        full_name="鸠江区新业态工会审核员",
        union=built.unions["鸠江区新业态"],
        role=Role.REVIEWER,
    )
    county_admin = User.objects.get(username="demo-jiujiang")
    city_admin = User.objects.get(username="demo-wuhu")
    rnd = builder.rnd
    groups = list(NewFormGroup.objects.filter(is_active=True))
    counties = [c for c in builder.towns if f"{c}新业态" in built.unions]
    # Employers with room: an approved application adds a member there, and a workplace never has more
    # members than employees.
    held = (
        Member.objects.filter(workplace=OuterRef("pk"), status__in=HELD_STATUSES)
        .order_by()
        .values("workplace")
        .annotate(n=Count("pk"))
        .values("n")
    )
    workplaces = list(
        Workplace.objects.filter(region__code__startswith="3402", unions__isnull=False)
        .annotate(held=Coalesce(Subquery(held), 0))
        .filter(employee_count__gte=F("held") + 10)
        .distinct()
        .order_by("pk")[:200]
    )
    plan = ["approved"] * 8 + ["rejected"] * 4 + ["forwarded"] * 3 + ["withdrawn"] * 2 + ["open"] * 15
    apps = 0
    for i, fate in enumerate(plan):
        jiujiang = i % 2 == 0  # half of them in 鸠江区, so demo-reviewer has a queue
        county = "鸠江区" if jiujiang else rnd.choice(counties)
        employer = workplaces and i % 5 == 4
        data = services.ApplicationInput(
            name=builder.fake.name(),
            resident_id=normalize_resident_id(builder.make_id(1975, 2004)),
            phone=f"139{rnd.randrange(10**8):08d}",
            workplace=rnd.choice(workplaces) if employer else None,
            new_form_group=None if employer else rnd.choice(groups),
            district=None if employer else built.unions[f"{county}新业态"].region,
            consent_constitution=True,
            consent_personal_data=True,
            is_migrant_worker=rnd.random() < 0.4,
            employer_name=""
            if employer
            else rnd.choice(["无固定单位", f"{county}某快递服务站", f"{county}某餐饮店"]),
        )
        try:
            app = services.submit(data)
        except services.JoiningError:
            continue  # a random ID that is already a member's: skip it
        apps += 1
        # Spread over the last 40 days so that some are overdue and some due soon.
        _backdate(app, rnd.randrange(0, 40))
        actor = (
            reviewer
            if services.may_review(reviewer, app)
            else (county_admin if services.may_review(county_admin, app) else city_admin)
        )
        try:
            if fate == "approved":
                services.approve(app, actor)
            elif fate == "rejected":
                services.reject(
                    app, actor, rnd.choice(["非本区县从业人员，请向工作所在地工会申请", "身份信息核实不一致"])
                )
            elif fate == "forwarded":
                services.forward(app, city_admin, built.unions["经开区"], "工作地点在经济技术开发区")
            elif fate == "withdrawn":
                services.withdraw(app)
        except services.JoiningError:
            pass
    transfers = 0
    movers = list(
        Member.objects.filter(status__in=HELD_STATUSES, union__path__startswith=built.unions["镜湖区"].path)
        .exclude(phone_enc="")
        .order_by("pk")[:3]
    )
    for n, member in enumerate(movers):
        # The first one was asked for a month ago and left unanswered past its deadline (the overdue
        # highlight): backdated through the service, so that its deadline follows its request date.
        at = timezone.now() - dt.timedelta(days=30) if n == 0 else None
        services.request_transfer(member, built.unions["鸠江区新业态"], note="已到鸠江区从事快递工作", at=at)
        transfers += 1
    return {"routing_rules": rules, "join_applications": apps, "transfer_requests": transfers}
