"""Small, hand-built registries for tests: known numbers, two counties to test scope against."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.core.management import call_command
from stdnum.cn import ric, uscc

from gonghui.accounts.models import Role, User
from gonghui.core.audit import archive_session
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services
from gonghui.members.models import Member, NewFormGroup
from gonghui.members.reference import seed_new_form_groups
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.orgs.services import record_workplace_states
from gonghui.regions.models import Region

PASSWORD = "test-pass-123"
# The workplaces of the hand-built registry entered the registry on this day (figures as of a date
# count the workplaces registered by then).
REGISTERED = dt.date(2015, 1, 1)


def make_id(address: str = "340202", birth: dt.date = dt.date(1990, 1, 1), seq: int = 123) -> str:
    """A valid 18-digit resident ID (odd seq → male)."""
    body = f"{address}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(seed: int, region: str = "340202") -> str:
    body = f"91{region}{seed:09d}"
    return body + uscc.calc_check_digit(body + "0")


def load_regions() -> None:
    if not Region.objects.filter(code="340200").exists():
        call_command("load_regions", province="34", verbosity=0, stdout=io.StringIO())


@dataclass
class Registry:
    unions: dict[str, UnionOrg] = field(default_factory=dict)
    workplaces: dict[str, Workplace] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    groups: dict[str, NewFormGroup] = field(default_factory=dict)

    def join(
        self, key: str, union: str, name: str, id_number: str, date=dt.date(2023, 3, 1), **extra
    ) -> Member:
        applicant = services.Applicant(resident_id=normalize_resident_id(id_number), name=name, **extra)
        member = services.join(applicant, self.unions[union], date)
        self.members[key] = member
        return member


def build_registry() -> Registry:
    """安徽省总工会 → 芜湖市总工会 → 镜湖区 / 鸠江区 (+ 经开区), and 合肥市总工会 beside Wuhu.

    Grassroots: 镜湖 has one committee (workplace 镜湖A); 鸠江 has a committee (鸠江B) and a joint union
    covering three small workplaces; one 鸠江 workplace is not organised. Two members in each county.
    """
    load_regions()
    seed_new_form_groups()
    region = {
        r.code: r for r in Region.objects.filter(code__in=["340000", "340200", "340202", "340207", "340100"])
    }
    reg = Registry(groups={g.code: g for g in NewFormGroup.objects.all()})
    u = reg.unions
    u["province"] = UnionOrg.objects.create(
        name="安徽省总工会", kind=UnionKind.PROVINCE, region=region["340000"]
    )
    u["wuhu"] = UnionOrg.objects.create(
        name="芜湖市总工会", kind=UnionKind.CITY, parent=u["province"], region=region["340200"]
    )
    u["hefei"] = UnionOrg.objects.create(
        name="合肥市总工会", kind=UnionKind.CITY, parent=u["province"], region=region["340100"]
    )
    u["jinghu"] = UnionOrg.objects.create(
        name="镜湖区总工会", kind=UnionKind.COUNTY, parent=u["wuhu"], region=region["340202"]
    )
    u["jiujiang"] = UnionOrg.objects.create(
        name="鸠江区总工会", kind=UnionKind.COUNTY, parent=u["wuhu"], region=region["340207"]
    )
    u["zone"] = UnionOrg.objects.create(
        name="芜湖经济技术开发区总工会", kind=UnionKind.ZONE, parent=u["wuhu"], region=region["340207"]
    )
    u["jinghu_street"] = UnionOrg.objects.create(
        name="镜湖区方村街道总工会", kind=UnionKind.TOWNSHIP, parent=u["jinghu"], region=region["340202"]
    )

    w = reg.workplaces
    w["jinghu_a"] = Workplace.objects.create(
        name="镜湖甲公司",
        uscc=make_uscc(1),
        employee_count=120,
        region=region["340202"],
        governing_union=u["jinghu_street"],
        registered_on=REGISTERED,
    )
    w["jiujiang_b"] = Workplace.objects.create(
        name="鸠江乙公司",
        uscc=make_uscc(2, "340207"),
        employee_count=60,
        region=region["340207"],
        governing_union=u["jiujiang"],
        registered_on=REGISTERED,
    )
    for i in range(3):
        w[f"jiujiang_small{i}"] = Workplace.objects.create(
            name=f"鸠江小微{i}号店",
            employee_count=8,
            region=region["340207"],
            governing_union=u["jiujiang"],
            registered_on=REGISTERED,
        )
    w["jiujiang_none"] = Workplace.objects.create(
        name="鸠江未建会公司",
        employee_count=40,
        region=region["340207"],
        governing_union=u["jiujiang"],
        registered_on=REGISTERED,
    )
    record_workplace_states(w.values())

    u["jinghu_a"] = UnionOrg.objects.create(
        name="镜湖甲公司工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=u["jinghu_street"],
        region=region["340202"],
        founded_on=dt.date(2020, 5, 1),
    )
    u["jinghu_a"].workplaces.set([w["jinghu_a"]])
    u["jiujiang_b"] = UnionOrg.objects.create(
        name="鸠江乙公司工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=u["jiujiang"],
        region=region["340207"],
        founded_on=dt.date(2021, 5, 1),
    )
    u["jiujiang_b"].workplaces.set([w["jiujiang_b"]])
    u["jiujiang_joint"] = UnionOrg.objects.create(
        name="鸠江小微企业联合工会委员会",
        kind=UnionKind.JOINT,
        parent=u["jiujiang"],
        region=region["340207"],
        founded_on=dt.date(2023, 2, 1),
    )
    u["jiujiang_joint"].workplaces.set([w[f"jiujiang_small{i}"] for i in range(3)])

    reg.join(
        "jinghu_1",
        "jinghu_a",
        "张镜一",
        make_id("340202", dt.date(1990, 1, 1), 11),
        phone="13812345678",
        workplace=w["jinghu_a"],
    )
    reg.join(
        "jinghu_2",
        "jinghu_a",
        "李镜二",
        make_id("340202", dt.date(1985, 6, 15), 22),
        phone="13987654321",
        is_migrant_worker=True,
    )
    reg.join(
        "jiujiang_1",
        "jiujiang_b",
        "王鸠一",
        make_id("340207", dt.date(1992, 2, 2), 31),
        phone="13700001111",
        workplace=w["jiujiang_b"],
    )
    reg.join(
        "jiujiang_2",
        "jiujiang_joint",
        "赵鸠二",
        make_id("340207", dt.date(1995, 3, 3), 42),
        phone="13600002222",
        new_form_group=reg.groups["courier"],
    )

    sensitive = Permission.objects.get(codename="view_sensitive", content_type__app_label="accounts")
    for key, union, role, can_see in [
        ("province", "province", Role.PROVINCE_ADMIN, True),
        ("wuhu", "wuhu", Role.CITY_ADMIN, True),
        ("jinghu", "jinghu", Role.COUNTY_ADMIN, True),
        ("jiujiang", "jiujiang", Role.COUNTY_ADMIN, True),
        ("viewer", "wuhu", Role.READONLY, False),
        # Deny by default: an administrator's role and the right to see IDs, but no union.
        ("nounion", None, Role.COUNTY_ADMIN, True),
    ]:
        user = User.objects.create_user(
            f"t-{key}", password=PASSWORD, union=u[union] if union else None, role=role
        )
        if can_see:
            user.user_permissions.add(sensitive)
        reg.users[key] = user
    # The members above joined through services.join, which audits each 入会 as the page would; the
    # registry is data that was already there before a test acts, so its audit log starts empty.
    clear_audit_log()
    return reg


def clear_audit_log() -> None:
    """Empty the audit log the way only the archive command may (PostgreSQL's trigger refuses any other
    DELETE): tests that start counting audit rows from zero."""
    with archive_session():
        AuditEvent.objects.all().delete()


# The personas the generated view tests (tests/test_generated_views.py) add to the registry: a reviewer
# and an auditor of 鸠江区, and the administrator of one grassroots union there (鸠江乙公司工会委员会).
EXTRA_PERSONAS = {
    "reviewer": ("jiujiang", Role.REVIEWER),
    "auditor": ("jiujiang", Role.AUDITOR),
    "grassroots": ("jiujiang_b", Role.GRASSROOTS_ADMIN),
}


def add_personas(reg: Registry) -> Registry:
    for key, (union, role) in EXTRA_PERSONAS.items():
        reg.users[key] = User.objects.create_user(
            f"p-{key}", password=PASSWORD, union=reg.unions[union], role=role
        )
    return reg
