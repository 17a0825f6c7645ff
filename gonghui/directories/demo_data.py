"""Demo: a 市场监管 directory of Wuhu (a few hundred registrants) and the list worked off on it.

Some registrants are workplaces of the registry (matched by USCC, or by name without one), most of them
already organised; the others are new. A few are 注销. The list is then built, part of it claimed by
鸠江区 and 镜湖区 (some past their due date), part assigned to a 鸠江区 street, a few visits recorded and
one item closed by founding a union. Deterministic: its own seeded generator, fixed dates."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from stdnum.cn import ric
from stdnum.cn import uscc as uscc_check

from gonghui.accounts.models import Role, User
from gonghui.core.normalize import normalize_org_name, normalize_resident_id
from gonghui.members import services as membership
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace

from . import worklist
from .models import DirectoryEdition, DirectoryEntry, DirectorySource, ListItem, MatchMethod

AS_OF = dt.date(2025, 12, 31)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
COUNTIES = ("镜湖区", "鸠江区", "弋江区", "湾沚区", "繁昌区", "南陵县", "无为市")
SUFFIXES = (
    "科技有限公司",
    "贸易有限公司",
    "机械制造有限公司",
    "物流有限公司",
    "餐饮管理有限公司",
    "建筑工程有限公司",
)
WORDS = "华新瑞达恒通宏远金鼎汇丰博创安信长江鑫源天成中联众合永盛嘉禾睿智海川同力东方明德"


def _uscc(rnd: random.Random, region_code: str, taken: set[str]) -> str:
    while True:
        body = "91" + region_code + "".join(rnd.choice(ALPHABET) for _ in range(9))
        code = body + uscc_check.calc_check_digit(body + "0")
        if code not in taken:
            taken.add(code)
            return code


def load(builder, built) -> dict[str, int]:
    rnd = random.Random(20251231)
    source = DirectorySource.objects.get(code="market")
    wuhu = built.unions["wuhu"]
    edition = DirectoryEdition.objects.create(
        source=source, as_of=AS_OF, file_name="芜湖市市场主体名录（演示）.xlsx", sha256="d" * 64, scope=wuhu
    )
    counties = {name: built.unions[name] for name in COUNTIES if name in built.unions}
    taken = set(Workplace.objects.exclude(uscc=None).values_list("uscc", flat=True))
    entries: list[DirectoryEntry] = []

    def entry(
        name, region, territory, employees, *, uscc=None, workplace=None, method=MatchMethod.NEW, **extra
    ):
        normalized = normalize_org_name(name, region.code)
        entries.append(
            DirectoryEntry(
                source=source,
                key=f"U{uscc}" if uscc else f"N{region.code}{normalized}",
                uscc=uscc,
                name=name,
                name_normalized=normalized,
                legal_representative=builder.fake.name(),
                registration_status=extra.pop("registration_status", "存续"),
                employees=employees,
                address=builder.fake.street_address(),
                region=region,
                industry=rnd.choice("CCCCEFGGHIKLMO"),
                territory=territory,
                first_edition=edition,
                last_edition=edition,
                workplace=workplace,
                match_method=method,
                match_confidence=100 if workplace else 0,
                founded_on=AS_OF - dt.timedelta(days=rnd.randrange(200, 6000)),
                **extra,
            )
        )

    # Registry workplaces of Wuhu's counties: 120 by USCC, 10 by name alone (a row without a code).
    wuhu_workplaces = list(
        Workplace.objects.filter(governing_union__path__startswith=wuhu.path, region__parent__code="340200")
        .select_related("region", "governing_union")
        .order_by("pk")
    )
    rnd.shuffle(wuhu_workplaces)
    for i, w in enumerate(wuhu_workplaces[:130]):
        by_code = i < 120
        entry(
            w.name,
            w.region,
            w.governing_union,
            max(1, w.employee_count + rnd.randint(-3, 3)),
            uscc=w.uscc if by_code else None,
            workplace=w,
            method=MatchMethod.CODE if by_code else MatchMethod.NAME,
        )
    # New registrants: about 30 per county, a few of them 注销.
    names: set[str] = set()
    for county in counties.values():
        for n in range(30):
            while True:
                name = f"芜湖{''.join(rnd.sample(WORDS, 2))}{rnd.choice(SUFFIXES)}"
                if name not in names:
                    names.add(name)
                    break
            closed = n % 15 == 14
            entry(
                name,
                county.region,
                county,
                max(3, int(rnd.lognormvariate(3.4, 1.0))),
                uscc=_uscc(rnd, county.region.code, taken),
                is_closed=closed,
                registration_status="注销" if closed else "存续",
            )
    DirectoryEntry.objects.bulk_create(entries, batch_size=500)
    DirectoryEdition.objects.filter(pk=edition.pk).update(
        rows=len(entries),
        created=len(entries),
        matched_code=120,
        matched_name=10,
        new=len(entries) - 130,
        closed=sum(1 for e in entries if e.is_closed),
    )
    worklist.refresh_list()

    # The work: 鸠江区 and 镜湖区 claim their largest items, 鸠江区 assigns a few to its first street.
    today = timezone.localdate()
    users = {u.union_id: u for u in User.objects.filter(username__in=["demo-jiujiang", "demo-jinghu"])}
    jiujiang = built.unions["鸠江区"]
    street = UnionOrg.objects.filter(parent=jiujiang, kind=UnionKind.TOWNSHIP).order_by("pk").first()
    street_user = User.objects.create_user(
        "demo-jiujiang-street",
        password=builder.password,
        full_name=f"{street.name}管理员",
        union=street,
        role=Role.COUNTY_ADMIN,
    )
    claimed = visited = 0
    for county in (jiujiang, built.unions["镜湖区"]):
        user = users[county.pk]
        items = list(
            ListItem.objects.filter(territory=county, status=ListItem.Status.OPEN)
            .select_related("entry")
            .order_by("-entry__employees", "pk")[:12]
        )
        for i, item in enumerate(items):
            if county == jiujiang and i >= 8:
                worklist.assign(item, to=street, actor=user, due_on=today + dt.timedelta(days=45))
            else:
                worklist.claim(item, actor=user, due_on=today + dt.timedelta(days=30 + i))
            claimed += 1
            if i % 3 == 0:
                worklist.record_visit(
                    item,
                    worklist.VisitInput(
                        today - dt.timedelta(days=10 - i % 5),
                        f"{county.name[:3]}基层工作部 {builder.fake.name()}",
                        rnd.choice(["contacted", "agreed", "refused"]),
                        "与企业负责人面谈，介绍建会程序和会员权益",
                    ),
                    actor=user,
                )
                visited += 1
        # Two claims are overdue (their due date was set when they were claimed, weeks ago).
        overdue = [i.pk for i in items[1:3]]
        ListItem.objects.filter(pk__in=overdue).update(due_on=today - dt.timedelta(days=7))
    # One item worked off: 鸠江区's largest new registrant founded its union.
    founded = (
        ListItem.objects.filter(territory=jiujiang, status=ListItem.Status.CLAIMED, entry__workplace=None)
        .order_by("-entry__employees", "pk")
        .first()
    )
    members = 0
    if founded is not None:
        item = worklist.close_founded(founded, actor=users[jiujiang.pk])
        # Its first members (the funnel's last step: 会员录入).
        workplace = item.entry.workplace
        for n in range(min(5, workplace.employee_count)):
            body = f"340207{dt.date(1980 + n * 3, 3 + n, 10 + n):%Y%m%d}{rnd.randrange(1000):03d}"
            applicant = membership.Applicant(
                resident_id=normalize_resident_id(body + ric.calc_check_digit(body + "0")),
                name=builder.fake.name(),
                workplace=workplace,
            )
            membership.join(applicant, item.founded_union, today)
            members += 1
    return {
        "directory_entries": len(entries),
        "list_items": ListItem.objects.count(),
        "list_claimed": claimed,
        "list_visits": visited,
        "list_unions_founded": 1 if founded is not None else 0,
        "list_founded_members": members,
        "street_user": 1 if street_user else 0,
    }
