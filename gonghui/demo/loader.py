"""The demo data set: the Anhui tree, Wuhu in detail, ~300 grassroots unions, ~2,000 workplaces and
~50,000 members with valid IDs. Deterministic (seeded) so that screenshots and tests can rely on it.

This module builds the registry every app stands on (the tree, workplaces, members, the demo accounts);
each app adds its own rows in ``<app>/demo_data.py`` (see ``load_app_demo_data``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db import transaction
from faker import Faker
from stdnum.cn import ric, uscc

from gonghui.accounts.models import Role, User
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.models import Setting
from gonghui.directories.worklist import refresh_list
from gonghui.members.models import (
    EVENT_DELTA,
    ChangeReason,
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    NewFormGroup,
)
from gonghui.members.reference import seed_new_form_groups
from gonghui.orgs.models import Ownership, UnionKind, UnionOrg, Workplace
from gonghui.orgs.services import record_workplace_states
from gonghui.regions.models import Region

DEMO_MARKER = "demo_data"
DEMO_PASSWORD = "gonghui-demo"

# Streets and towns of Wuhu's county-level units (the 小三级 under each county union).
WUHU_TOWNS = {
    "镜湖区": ["方村街道", "范罗山街道", "汀棠街道", "天门山街道", "荆山街道"],
    "鸠江区": ["湾里街道", "官陡街道", "四褐山街道", "清水街道", "沈巷镇"],
    "弋江区": ["中山南路街道", "南瑞街道", "澛港街道"],
    "湾沚区": ["湾沚镇", "六郎镇", "陶辛镇"],
    "繁昌区": ["繁阳镇", "孙村镇", "峨山镇"],
    "南陵县": ["籍山镇", "许镇镇", "弋江镇"],
    "无为市": ["无城镇", "襄安镇", "高沟镇", "石涧镇"],
}
PROVINCE_INDUSTRY_UNIONS = [
    "安徽省教科文卫体工会",
    "安徽省财贸轻纺烟草工会",
    "安徽省农林水利气象工会",
    "安徽省机械冶金工会",
    "安徽省国防邮电工会",
    "安徽省能源化学地质工会",
    "安徽省网络信息工会",
]
OWNERSHIP_WEIGHTS = [
    (Ownership.PRIVATE, 66),
    (Ownership.FOREIGN, 5),
    (Ownership.STATE, 9),
    (Ownership.COLLECTIVE, 3),
    (Ownership.INSTITUTION, 9),
    (Ownership.SOCIAL, 5),
    (Ownership.GOVERNMENT, 3),
]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class DemoRefused(Exception):
    pass


@dataclass
class DemoSize:
    grassroots: int = 300
    workplaces: int = 2000
    members: int = 50000


@dataclass
class Built:
    unions: dict[str, UnionOrg] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def has_non_demo_data() -> bool:
    if Setting.get(DEMO_MARKER):
        return False
    return UnionOrg.objects.exists() or Member.objects.exists() or Workplace.objects.exists()


def demo_loaded() -> bool:
    return bool(Setting.get(DEMO_MARKER))


class DemoBuilder:
    # What an app's demo_data.py reads from the builder it is handed (it never imports this module).
    password = DEMO_PASSWORD
    towns = WUHU_TOWNS

    def __init__(self, size: DemoSize, seed: int = 20231):
        self.size = size
        self.rnd = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.regions = {r.code: r for r in Region.objects.all()}
        if "340200" not in self.regions:
            raise DemoRefused("请先载入安徽省行政区划：python manage.py load_regions --province 34")
        self.by_name = {r.name: r for r in self.regions.values() if r.code.startswith("3402")}
        self.county_codes = [c for c, r in self.regions.items() if r.level == Region.Level.COUNTY]
        self.used_uscc: set[str] = set()

    def union(self, name, kind, parent, region, **extra) -> UnionOrg:
        return UnionOrg.objects.create(name=name, kind=kind, parent=parent, region=region, **extra)

    def founded(self, start_year=2005, end=dt.date(2025, 12, 31)) -> dt.date:
        start = dt.date(start_year, 1, 1)
        return start + dt.timedelta(days=self.rnd.randrange((end - start).days))

    def make_uscc(self, region_code: str) -> str:
        while True:
            body = "91" + region_code + "".join(self.rnd.choice(USCC_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body + "0")
            if code not in self.used_uscc:
                self.used_uscc.add(code)
                return code

    def make_id(self, birth_from=1962, birth_to=2005) -> str:
        code = (
            self.rnd.choice(self.county_codes)
            if self.rnd.random() < 0.8
            else self.rnd.choice([c for c in self.county_codes if c.startswith("3402")])
        )
        birth = dt.date(birth_from, 1, 1) + dt.timedelta(
            days=self.rnd.randrange((birth_to - birth_from) * 365)
        )
        body = f"{code}{birth:%Y%m%d}{self.rnd.randrange(1000):03d}"
        return body + ric.calc_check_digit(body + "0")

    def unique_company_name(self, taken: set[str], place: str) -> str:
        base = self.fake.company()
        candidates = [
            base,
            place[:2] + base,
            f"{base.removesuffix('有限公司')}{self.fake.street_name()}分公司",
        ]
        for name in candidates:
            if name not in taken:
                taken.add(name)
                return name
        name = f"{base.removesuffix('有限公司')}第{len(taken)}分公司"
        taken.add(name)
        return name

    # -- the tree ---------------------------------------------------------------------------------
    def build_tree(self) -> Built:
        built = Built()
        province = self.union(
            "安徽省总工会", UnionKind.PROVINCE, None, self.regions["340000"], founded_on=dt.date(1950, 5, 1)
        )
        built.unions["province"] = province
        for name in PROVINCE_INDUSTRY_UNIONS:
            self.union(name, UnionKind.INDUSTRY_UNION, province, self.regions["340000"])
        for region in sorted(
            (r for r in self.regions.values() if r.level == Region.Level.CITY), key=lambda r: r.code
        ):
            city = self.union(f"{region.name}总工会", UnionKind.CITY, province, region)
            built.unions[region.code] = city
            if region.code != "340200":
                for county in region.children.all():
                    self.union(f"{county.name}总工会", UnionKind.COUNTY, city, county)
        wuhu = built.unions["340200"]
        built.unions["wuhu"] = wuhu
        holders: list[UnionOrg] = []  # nodes under which grassroots unions are founded
        for county_name, towns in WUHU_TOWNS.items():
            region = self.by_name[county_name]
            county = self.union(
                f"{county_name}总工会", UnionKind.COUNTY, wuhu, region, founded_on=dt.date(1984, 5, 1)
            )
            built.unions[county_name] = county
            for town in towns:
                holders.append(self.union(f"{county_name}{town}总工会", UnionKind.TOWNSHIP, county, region))
            built.unions[f"{county_name}新业态"] = self.union(
                f"{county_name}新就业形态劳动者工会联合会",
                UnionKind.NEW_FORM_FEDERATION,
                county,
                region,
                founded_on=dt.date(2022, 6, 1),
            )
        zone = self.union("芜湖经济技术开发区总工会", UnionKind.ZONE, wuhu, self.by_name["鸠江区"])
        sanshan = self.union("芜湖三山经济开发区总工会", UnionKind.ZONE, wuhu, self.by_name["弋江区"])
        built.unions["经开区"], built.unions["三山经开区"] = zone, sanshan
        holders += [zone, zone, sanshan]
        industry = self.union(
            "芜湖市行业工会联合会", UnionKind.INDUSTRY_FEDERATION, wuhu, self.regions["340200"]
        )
        built.unions["行业工会"] = industry
        for name in ("芜湖市快递行业工会联合会", "芜湖市网约车行业工会联合会", "芜湖市律师行业联合工会"):
            holders.append(
                self.union(
                    name,
                    UnionKind.INDUSTRY_FEDERATION,
                    industry,
                    self.regions["340200"],
                    founded_on=dt.date(2021, 3, 1),
                )
            )
        built.unions["holders"] = holders  # type: ignore[assignment]
        return built

    # -- workplaces and grassroots unions ---------------------------------------------------------
    def build_grassroots(self, built: Built) -> list[tuple[UnionOrg, list[Workplace]]]:
        holders: list[UnionOrg] = built.unions["holders"]  # type: ignore[assignment]
        ownerships, weights = zip(*OWNERSHIP_WEIGHTS, strict=True)
        workplaces = []
        names = set()
        for _ in range(self.size.workplaces):
            holder = self.rnd.choice(holders)
            if holder.kind == UnionKind.INDUSTRY_FEDERATION:
                holder = holder.parent.parent.children.filter(kind=UnionKind.ZONE).first() or holder
            ownership = self.rnd.choices(ownerships, weights)[0]
            employees = max(3, int(self.rnd.lognormvariate(3.6, 1.1)))
            name = self.unique_company_name(names, holder.region.name)
            since = self.founded(2008)
            congress = ownership in (Ownership.STATE, Ownership.INSTITUTION) or (
                employees >= 100 and self.rnd.random() < 0.8
            )
            workplaces.append(
                Workplace(
                    name=name,
                    uscc=self.make_uscc(holder.region.code),
                    ownership=ownership,
                    industry=self.rnd.choice("CCCCEFGGHIKLMO"),
                    employee_count=employees,
                    region=holder.region,
                    governing_union=holder,
                    address=self.fake.street_address(),
                    is_above_scale=employees >= 100
                    and ownership not in (Ownership.INSTITUTION, Ownership.GOVERNMENT),
                    has_workers_congress=congress,
                    workers_congress_since=since if congress else None,
                    has_open_affairs=congress and self.rnd.random() < 0.95,
                    open_affairs_since=since if congress else None,
                    has_employee_director=employees >= 300 and self.rnd.random() < 0.4,
                    has_employee_supervisor=employees >= 300 and self.rnd.random() < 0.4,
                    # Registered before any union covering it was founded (2008 on); spread over
                    # 2005–2007 without drawing from the seeded generator (the rest of the set stays).
                    registered_on=dt.date(2005, 1, 1) + dt.timedelta(days=(len(workplaces) * 37) % 1095),
                )
            )
        for workplace in workplaces:  # bulk_create bypasses save(): the matching key is set here
            workplace.normalize_name()
        Workplace.objects.bulk_create(workplaces, batch_size=500)
        workplaces = list(Workplace.objects.select_related("governing_union", "region").order_by("id"))
        by_holder: dict[int, list[Workplace]] = {}
        for w in workplaces:
            by_holder.setdefault(w.governing_union_id, []).append(w)
        for pool in by_holder.values():
            # Largest first (pop() takes the last): the bigger a workplace, the likelier it is organised.
            pool.sort(key=lambda w: (w.employee_count, w.pk))

        grassroots: list[tuple[UnionOrg, list[Workplace]]] = []
        industry_holders = [h for h in holders if h.kind == UnionKind.INDUSTRY_FEDERATION]
        territorial = [h for h in holders if h.kind != UnionKind.INDUSTRY_FEDERATION]
        n_joint = self.size.grassroots // 5
        n_industry = max(len(industry_holders) * 3, self.size.grassroots // 20)
        for i in range(self.size.grassroots):
            if i < n_industry:
                holder = industry_holders[i % len(industry_holders)]
                pool = by_holder.get(territorial[i % len(territorial)].pk, [])
            else:
                holder = territorial[i % len(territorial)]
                pool = by_holder.get(holder.pk, [])
            joint = n_industry <= i < n_industry + n_joint
            big = [w for w in pool if w.employee_count >= 25]
            small = [w for w in pool if w.employee_count < 25]
            if joint and len(small) >= 3:
                covered = [small.pop() for _ in range(min(len(small), self.rnd.randint(3, 12)))]
            elif big:
                covered = [big.pop()]
            elif pool:
                covered = [pool[-1]]
            else:
                continue
            for w in covered:
                pool.remove(w)
            kind = UnionKind.JOINT if len(covered) > 1 else UnionKind.COMMITTEE
            anchor = covered[0]
            name = (
                f"{anchor.name}工会委员会"
                if kind == UnionKind.COMMITTEE
                else f"{holder.name[:-3]}{self.fake.street_name()}联合工会委员会"
            )
            term_start = self.founded(2019, dt.date(2024, 12, 31))
            union = self.union(
                name,
                kind,
                holder,
                anchor.region,
                founded_on=min(term_start, self.founded(2008)),
                chair_name=self.fake.name(),
                term_start=term_start,
                term_years=self.rnd.choice([3, 5]),
                has_audit_committee=self.rnd.random() < 0.9,
                has_women_committee=self.rnd.random() < 0.8,
            )
            union.workplaces.set(covered)
            grassroots.append((union, covered))
        return grassroots

    # -- members and their events -----------------------------------------------------------------
    def seats(self, grassroots) -> list[tuple[UnionOrg, Workplace]]:
        """One (union, workplace) entry per member to create: each covered workplace gets at most
        55–98 % of its employees as members, so that no workplace ever has more members than employees
        and 职工入会率 stays a rate. Fewer members than asked for when the workplaces are too small."""
        slots = []
        for union, covered in grassroots:
            for w in covered:
                slots.append((union, w, int(w.employee_count * self.rnd.uniform(0.55, 0.98))))
        capacity = sum(cap for _, _, cap in slots)
        wanted = min(self.size.members, capacity)
        seats: list[tuple[UnionOrg, Workplace]] = []
        for union, w, cap in slots:
            seats += [(union, w)] * (cap * wanted // capacity if capacity else 0)
        spare = [(union, w) for union, w, cap in slots if cap * wanted // capacity < cap]
        while len(seats) < wanted and spare:  # the rounding remainder, one more at workplaces with room
            seats.append(spare.pop())
        self.rnd.shuffle(seats)
        return seats

    def build_members(self, grassroots, built: Built) -> int:
        groups = list(NewFormGroup.objects.all())
        new_form_unions = {u.pk for u, _ in grassroots if u.parent.kind == UnionKind.INDUSTRY_FEDERATION}
        seen_ids: set[str] = set()
        members: list[Member] = []
        start, end = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
        for union, workplace in self.seats(grassroots):
            number = self.make_id()
            while number in seen_ids:
                number = self.make_id()
            seen_ids.add(number)
            new_form = union.pk in new_form_unions or self.rnd.random() < 0.04
            joined = start + dt.timedelta(days=self.rnd.randrange((end - start).days))
            member = Member(
                name=self.fake.name(),
                birth_date=ric.get_birth_date(number),
                sex="M" if int(number[16]) % 2 else "F",
                # A few older members were registered with their first-generation 15-digit ID.
                id_upgraded=number[6:8] == "19" and number[8:10] < "80" and self.rnd.random() < 0.01,
                union=union,
                workplace=workplace,
                join_date=joined,
                status=MemberStatus.ACTIVE,
                is_migrant_worker=self.rnd.random() < (0.55 if new_form else 0.3),
                new_form_group=self.rnd.choice(groups) if new_form else None,
            )
            member.set_id_number(number)
            member.set_phone(self.fake.phone_number())
            assert member.id_masked == mask_id_number(number) and member.phone_masked == mask_phone(
                member.phone
            )
            members.append(member)
        Member.objects.bulk_create(members, batch_size=2000)
        members = list(Member.objects.order_by("id"))
        events = [
            MembershipEvent(
                member=m,
                kind=EventKind.JOIN,
                date=m.join_date,
                union_id=m.union_id,
                delta=EVENT_DELTA[EventKind.JOIN],
                reason=ChangeReason.NEW,
            )
            for m in members
        ]
        # Some history: about 3% left, 2% moved to another union, 1% retained on retirement.
        unions = [u for u, _ in grassroots]
        changed: list[Member] = []
        for m in self.rnd.sample(members, k=len(members) * 6 // 100):
            when = m.join_date + dt.timedelta(days=self.rnd.randrange(30, 700))
            if when > end:
                continue
            roll = self.rnd.random()
            if roll < 0.5:
                m.status, m.left_on = MemberStatus.EXITED, when
                events.append(
                    MembershipEvent(
                        member=m,
                        kind=EventKind.EXIT,
                        date=when,
                        union_id=m.union_id,
                        delta=-1,
                        reason=ChangeReason.VOLUNTARY,
                    )
                )
            elif roll < 0.83:
                target = self.rnd.choice(unions)
                if target.pk == m.union_id:
                    continue
                events.append(
                    MembershipEvent(
                        member=m,
                        kind=EventKind.TRANSFER_OUT,
                        date=when,
                        union_id=m.union_id,
                        other_union=target,
                        delta=-1,
                        reason=ChangeReason.JOB_CHANGE,
                    )
                )
                events.append(
                    MembershipEvent(
                        member=m,
                        kind=EventKind.TRANSFER_IN,
                        date=when,
                        union=target,
                        other_union_id=m.union_id,
                        delta=1,
                        reason=ChangeReason.JOB_CHANGE,
                    )
                )
                # The new employer is not recorded: the member counts at the union, at no workplace.
                m.union, m.workplace = target, None
            else:
                m.status = MemberStatus.RETAINED
                events.append(
                    MembershipEvent(
                        member=m,
                        kind=EventKind.RETAIN,
                        date=when,
                        union_id=m.union_id,
                        delta=0,
                        reason=ChangeReason.RETIRED,
                    )
                )
            changed.append(m)
        Member.objects.bulk_update(changed, ["status", "left_on", "union", "workplace"], batch_size=2000)
        MembershipEvent.objects.bulk_create(events, batch_size=5000)
        return len(members)

    # -- accounts ---------------------------------------------------------------------------------
    def build_users(self, built: Built) -> list[User]:
        sensitive = Permission.objects.get(codename="view_sensitive", content_type__app_label="accounts")
        specs = [
            ("demo-province", "省总工会管理员", built.unions["province"], Role.PROVINCE_ADMIN, True),
            ("demo-wuhu", "芜湖市总工会管理员", built.unions["wuhu"], Role.CITY_ADMIN, True),
            ("demo-jiujiang", "鸠江区总工会管理员", built.unions["鸠江区"], Role.COUNTY_ADMIN, True),
            ("demo-jinghu", "镜湖区总工会管理员", built.unions["镜湖区"], Role.COUNTY_ADMIN, True),
            ("demo-viewer", "芜湖市总工会查询员", built.unions["wuhu"], Role.READONLY, False),
        ]
        users = []
        for username, full_name, union, role, can_see in specs:
            user = User.objects.create_user(
                username, password=DEMO_PASSWORD, full_name=full_name, union=union, role=role
            )
            if can_see:
                user.user_permissions.add(sensitive)
            users.append(user)
        return users


@transaction.atomic
def load_demo(size: DemoSize | None = None) -> dict[str, int]:
    if demo_loaded():
        raise DemoRefused("演示数据已经载入，无需重复载入")
    if has_non_demo_data():
        raise DemoRefused("数据库中已有非演示数据（工会组织、单位或会员），为避免混淆，拒绝载入演示数据")
    seed_new_form_groups()
    builder = DemoBuilder(size or DemoSize())
    built = builder.build_tree()
    grassroots = builder.build_grassroots(built)
    members = builder.build_members(grassroots, built)
    users = builder.build_users(built)
    # The registry's dated history before the apps' demo data: the 年报 and the evaluation they compute for
    # past days read it (a workplace an app changes later gets that change dated today, below).
    record_workplace_states(Workplace.objects.all())
    extra = load_app_demo_data(builder, built)
    # The employers the demo's online applicants named (joining's demo data runs after the directory's)
    # go on their county's list now, not at the worker's first hourly refresh.
    extra["list_items_from_joining"] = refresh_list().listed
    # The workplaces the apps added, from their 登记日期, and the apps' changes to others, from today.
    record_workplace_states(Workplace.objects.all())
    Setting.put(DEMO_MARKER, {"loaded": True})
    return {
        "unions": UnionOrg.objects.count(),
        "grassroots": len(grassroots),
        "workplaces": Workplace.objects.count(),
        "members": members,
        "users": len(users),
        **extra,
    }


def load_app_demo_data(builder: DemoBuilder, built: Built) -> dict[str, int]:
    """Each app may ship ``<app>/demo_data.py`` with ``load(builder, built) -> dict[str, int]``
    (counts for the summary); it runs after the registry and the demo accounts exist, in the order of
    INSTALLED_APPS. It reads the demo password and Wuhu's towns from ``builder`` (``builder.password``,
    ``builder.towns``), so no app imports the demo app."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    counts: dict[str, int] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui.") or find_spec(f"{config.name}.demo_data") is None:
            continue
        counts.update(import_module(f"{config.name}.demo_data").load(builder, built) or {})
    return counts
