"""Demo: a 市场监管 directory of Wuhu (a few hundred registrants) and the list worked off on it.

The directory is a ledger file (CSV) imported by the import engine as demo-wuhu, as an upload or the
command import_directory would be, so the matcher decides: some rows are workplaces of the registry
with their USCC, some without one under a name variant (linked by name), some questions for the confirm
page (a real name placed in another county, a name twice in its county, a workplace the file also lists
by code), the others new registrants (a few 注销 or 吊销), and one USCC given twice. Two questions are
answered through the services; the list is then worked: part of it claimed by 鸠江区 and 镜湖区 (some
past their due date), part assigned to a 鸠江区 street, a few visits recorded and one item closed by
founding a union. Deterministic: its own seeded generator, fixed dates."""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from django.utils import timezone
from stdnum.cn import ric
from stdnum.cn import uscc as uscc_check

from gonghui.accounts.models import Role, User
from gonghui.core.normalize import normalize_resident_id
from gonghui.imports.jobs import run_job
from gonghui.members import services as membership
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace

from . import worklist
from .models import DirectoryEntry, DirectorySource, ListItem, MatchMethod
from .services import confirm_candidate, create_directory_job, mark_new

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
LEDGER_NAME = "芜湖市市场主体名录（演示）.csv"
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "登记状态",
    "成立日期",
    "从业人数",
    "住所",
    "所属区县",
    "行业",
]
WORDS = "华新瑞达恒通宏远金鼎汇丰博创安信长江鑫源天成中联众合永盛嘉禾睿智海川同力东方明德"


def _uscc(rnd: random.Random, region_code: str, taken: set[str]) -> str:
    while True:
        body = "91" + region_code + "".join(rnd.choice(ALPHABET) for _ in range(9))
        code = body + uscc_check.calc_check_digit(body + "0")
        if code not in taken:
            taken.add(code)
            return code


def _variant(name: str, county: str, n: int) -> str:
    """Another spelling of a registered name, one the normaliser links back (the directory's clerks
    write the city or county in front, another company form, full-width brackets, spaces)."""
    kind = n % 5
    if kind == 0:
        return "芜湖市" + name
    if kind == 1:
        return f"芜湖市{county}{name}"
    if kind == 2 and name.endswith("有限公司"):
        return name.removesuffix("有限公司") + "有限责任公司"
    if kind == 3 and name.endswith("有限公司"):
        return name.removesuffix("有限公司") + "（芜湖）有限公司"
    return f"{name[:2]} {name[2:]}"


def _write_ledger(path: Path, rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def load(builder, built) -> dict[str, int]:
    rnd = random.Random(20251231)
    wuhu = built.unions["wuhu"]
    counties = {name: built.unions[name] for name in COUNTIES if name in built.unions}
    taken = set(Workplace.objects.exclude(uscc=None).values_list("uscc", flat=True))
    rows: list[list] = []

    def row(name, county: str, employees: int, *, uscc: str = "", status: str = "存续") -> list:
        rows.append(
            [
                uscc,
                name,
                builder.fake.name(),
                status,
                (AS_OF - dt.timedelta(days=rnd.randrange(200, 6000))).isoformat(),
                employees,
                builder.fake.street_address(),
                county,
                rnd.choice("CCCCEFGGHIKLMO"),
            ]
        )
        return rows[-1]

    # Registry workplaces of Wuhu's counties: 110 with their USCC, 20 without one under a name variant
    # (linked by name), and the questions of the confirm page: 6 real names placed in another county,
    # 4 names written twice in their county (two rows, one registrant?), 4 names of workplaces the file
    # also lists by USCC.
    wuhu_workplaces = list(
        Workplace.objects.filter(governing_union__path__startswith=wuhu.path, region__parent__code="340200")
        .select_related("region")
        .order_by("pk")
    )
    rnd.shuffle(wuhu_workplaces)
    county_names = sorted({w.region.name for w in wuhu_workplaces})

    def size(w: Workplace) -> int:
        return max(1, w.employee_count + rnd.randint(-3, 3))

    for i, w in enumerate(wuhu_workplaces[:150]):
        county = w.region.name
        if i < 110:
            row(w.name, county, size(w), uscc=w.uscc or "")
            if i < 4:  # the same workplace once more, by name only
                row(_variant(w.name, county, i), county, size(w))
        elif i < 130:
            row(_variant(w.name, county, i), county, size(w))
        elif i < 136:
            elsewhere = [c for c in county_names if c != county] or [county]
            row(w.name, rnd.choice(elsewhere), size(w))
        elif i < 140:
            row(w.name, county, size(w))
            row(_variant(w.name, county, i % 4), county, size(w))  # not the spaced one: the same row
    # New registrants: about 30 per county, a few of them 注销 or 吊销.
    names: set[str] = set()
    for county in counties.values():
        for n in range(30):
            while True:
                name = f"芜湖{''.join(rnd.sample(WORDS, 2))}{rnd.choice(SUFFIXES)}"
                if name not in names:
                    names.add(name)
                    break
            status = "存续" if n % 15 != 14 else ("注销" if n < 15 else "吊销")
            row(
                name,
                county.region.name,
                max(3, int(rnd.lognormvariate(3.4, 1.0))),
                uscc=_uscc(rnd, county.region.code, taken),
                status=status,
            )
    rows.append(list(rows[-1]))  # one registrant twice: the duplicate warning (the first row is used)

    # The ledger goes through the import engine as the command import_directory takes it: a file, read,
    # validated, matched and stored as 市场监管's edition, in the Wuhu union's scope.
    importer = User.objects.get(username="demo-wuhu")
    source = DirectorySource.objects.get(code="market")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / LEDGER_NAME
        _write_ledger(path, rows)
        job = create_directory_job(importer, path, path.name, source, AS_OF)
        job.confirmed_at = timezone.now()
        job.save(update_fields=["confirmed_at"])
        result = run_job(job, dry_run=False)
    if result is None or not result.committed:
        raise RuntimeError(f"演示名录导入失败：{job.message}")

    # Two questions answered on the confirm page's behalf; the rest stay open.
    questions = list(
        DirectoryEntry.objects.filter(match_method=MatchMethod.UNCERTAIN, confirmed_at=None).order_by("pk")[
            :2
        ]
    )
    answered = 0
    if questions:
        best = questions[0].candidates.order_by("-confidence", "pk").first()
        if best is not None:
            confirm_candidate(best, actor=importer)
            answered += 1
    if len(questions) > 1:
        mark_new(questions[1], actor=importer)
        answered += 1

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
        "directory_rows": result.rows,
        "directory_entries": DirectoryEntry.objects.filter(source=source).count(),
        "directory_questions": result.extra.get("uncertain", 0),
        "directory_answered": answered,
        "list_items": ListItem.objects.count(),
        "list_claimed": claimed,
        "list_visits": visited,
        "list_unions_founded": 1 if founded is not None else 0,
        "list_founded_members": members,
        "street_user": 1 if street_user else 0,
    }
