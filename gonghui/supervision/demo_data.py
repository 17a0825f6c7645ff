"""Demo: the departments of the provincial and the Wuhu federation, the 12 points of the 基层工作部
arrangement decomposed to Wuhu's county-level unions and worked through the real services (progress,
evidence, 提交销号, 验收销号, 退回) to a realistic mix of states, plus the three lists, the pairings and
visits, and the meetings of the supervision app's other parts.

The arrangement's points are those of 2023; the demo files them under the current year so that the
board shows work in flight (not started, in progress, submitted, closed, overdue) rather than a finished
year."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.uploads import check_upload
from gonghui.orgs.models import UnionOrg

from . import tasks
from .counties import county_level_unions
from .models import Department, PlanTask, Task, TaskStatus, WorkPlan
from .plans import PROVINCIAL_DEPARTMENTS, Assignment, decompose, parse_deadline, seed_departments

CITY_DEPARTMENTS = (
    "办公室",
    "组织部",
    "宣传教育部",
    "权益保障部",
    "基层工作部",
    "女职工部",
    "财务部",
    "经审办",
    "职工服务中心",
)

# (content, lead departments, responsible departments, 完成时限 as the arrangement writes it)
ARRANGEMENT = [
    (
        "深入开展“建会入会集中行动”，新建基层工会组织，发展会员，完成年度组建目标",
        "基层工作部",
        "组织部",
        "11月底前",
    ),
    (
        "推进新就业形态劳动者入会，聚焦快递、网约车、外卖配送等重点群体开展集中入会",
        "基层工作部",
        "权益保障部",
        "9月底前",
    ),
    ("实施县级工会加强年专项工作，健全县级工会领导班子和工作机构", "组织部", "基层工作部", "6月底前"),
    ("推进乡镇（街道）、开发区（工业园区）工会规范化建设，落实“小三级”工会工作", "基层工作部", "", "全年"),
    ("开展基层工会规范化建设达标创建，规范化建设率达到80%以上", "基层工作部", "组织部", "12月底前"),
    ("做好工会会员实名制数据采集和动态管理，会员信息及时接转更新", "基层工作部", "办公室", "3月底前"),
    ("推进职代会和厂务公开民主管理制度建设，提高建制率", "基层工作部", "权益保障部", "10月底前"),
    ("开展模范职工之家、职工小家创建和复查工作", "基层工作部", "宣传教育部", "8月底前"),
    ("建设工会驿站等服务阵地，落实“六有”标准", "职工服务中心", "基层工作部", "9月底前"),
    ("加强社会化工会工作者队伍建设，做好招聘、考核和管理", "组织部", "基层工作部、财务部", "5月底前"),
    ("开展基层工会干部培训，年度培训职工代表不少于500人次", "宣传教育部", "基层工作部", "11月底前"),
    ("落实对口联系和督导推进机制，开展半年督查和年终考评", "办公室", "基层工作部", "12月底前"),
]

# Where each county stands on a point: the share of points done / submitted / in progress / untouched
# differs by county, as it does in a real year.
DILIGENCE = {"鸠江区": 0.85, "镜湖区": 0.75, "弋江区": 0.7, "经开区": 0.65, "无为市": 0.6, "南陵县": 0.5}


def _evidence(title: str, county: str) -> SimpleUploadedFile:
    """A real Word file (the kind counties upload: a work summary with the point it answers)."""
    from docx import Document

    document = Document()
    document.add_heading(f"{county}工作落实情况", level=1)
    document.add_paragraph(title)
    document.add_paragraph("已按要求完成，相关台账、照片和会议记录附后。")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(f"{county}落实情况.docx", buffer.getvalue())


def _county_users(builder, built, counties) -> dict[int, User]:
    """A county administrator per Wuhu county-level union (the registry's demo accounts cover two)."""
    users = {
        u.union_id: u for u in User.objects.filter(union__in=counties, role=Role.COUNTY_ADMIN).order_by("pk")
    }
    for number, county in enumerate(counties, start=1):
        if county.pk not in users:
            users[county.pk] = User.objects.create_user(
                f"demo-county-{number}",
                password=builder.password,
                full_name=f"{county.name}管理员",
                union=county,
                role=Role.COUNTY_ADMIN,
            )
    return users


def _plan(wuhu, year: int, departments: dict[str, Department]) -> list[PlanTask]:
    plan = WorkPlan.objects.create(
        issuer=wuhu,
        year=year,
        title=f"芜湖市总工会基层工作部{year}年工作安排",
        document_number=f"芜工基〔{year}〕1号",
    )
    audit.log(AuditEvent.Action.CREATE, plan, detail=f"工作计划：{plan.title}")
    points = []
    for number, (content, lead, responsible, deadline_text) in enumerate(ARRANGEMENT, start=1):
        deadline, text = parse_deadline(deadline_text, year)
        point = PlanTask.objects.create(
            plan=plan,
            number=str(number),
            order=number,
            content=content,
            deadline=deadline,
            deadline_text=text,
        )
        point.lead_departments.set([departments[lead]])
        point.responsible_departments.set([departments[n] for n in responsible.split("、") if n])
        points.append(point)
    return points


def _work(task: Task, county_user: User, city_user: User, rnd: random.Random, diligence: float) -> None:
    """Move a task through the real services to where a county of this diligence would have it: points
    already due are mostly closed by now, points still running are in every state."""
    today = timezone.localdate()
    roll = rnd.random()
    if task.deadline is not None and task.deadline < today:
        # 已完成 / 待销号 / 推进中 (overdue) / 未开始 (overdue)
        target = "done" if roll < diligence else "submitted" if roll < diligence + 0.08 else ""
        if not target:
            target = "in_progress" if roll < diligence + 0.2 else "not_started"
    else:
        target = "done" if roll < 0.15 else "submitted" if roll < 0.35 else ""
        if not target:
            target = "in_progress" if roll < 0.35 + diligence * 0.6 else "not_started"
    if target == "not_started":
        return
    started = min(today, (task.deadline or today) - dt.timedelta(days=rnd.randrange(20, 90)))
    tasks.add_progress(
        task, actor=county_user, on_date=started, note="已召开专题会议部署，明确责任人和时间表"
    )
    if target == "in_progress":
        return
    upload = check_upload(_evidence(task.title, task.assignee.name))
    tasks.add_evidence(task, upload, actor=county_user, note="工作总结")
    tasks.submit(task, actor=county_user, note="已完成，请验收")
    if target == "submitted":
        return
    if rnd.random() < 0.1:  # sent back once for more evidence, then accepted
        tasks.return_task(task, actor=city_user, reason="佐证材料不完整，请补充台账")
        tasks.submit(task, actor=county_user, note="已补充台账")
    tasks.accept(task, actor=city_user, note="材料齐全，同意销号")


def load(builder, built) -> dict[str, int]:
    rnd = random.Random(20230301)
    province, wuhu = built.unions["province"], built.unions["wuhu"]
    seed_departments(province, PROVINCIAL_DEPARTMENTS)
    seed_departments(wuhu, CITY_DEPARTMENTS)
    departments = {d.name: d for d in Department.objects.filter(union=wuhu)}
    city_user = User.objects.get(username="demo-wuhu")
    grassroots_department = User.objects.create_user(
        "demo-jcb",
        password=builder.password,
        full_name="芜湖市总工会基层工作部",
        union=wuhu,
        role=Role.DEPARTMENT,
    )
    departments["基层工作部"].members.add(grassroots_department)

    counties = list(county_level_unions(wuhu))
    keys = {u.pk: key for key, u in built.unions.items() if isinstance(u, UnionOrg)}
    county_users = _county_users(builder, built, counties)
    year = timezone.localdate().year
    points = _plan(wuhu, year, departments)
    copies = 0
    for point in points:
        for task in decompose(point, [Assignment(c, point.deadline) for c in counties], actor=city_user):
            copies += 1
            diligence = DILIGENCE.get(keys.get(task.assignee_id, ""), 0.45)
            _work(task, county_users[task.assignee_id], city_user, rnd, diligence)

    counts = {"supervision_plans": 1, "supervision_tasks": copies}
    counts.update(_other_parts(built))
    counts["supervision_tasks_done"] = Task.objects.filter(status=TaskStatus.DONE).count()
    return counts


def _other_parts(built) -> dict[str, int]:
    """The lists, pairings and meetings (each part's own demo module)."""
    from gonghui.targets import indicators

    from .lists_demo import load_lists
    from .meetings_demo import load_meetings
    from .pairings_demo import load_pairings

    counts = load_lists(built)
    counts.update(load_pairings(built))
    counts.update(load_meetings(built))
    # targets stored today's indicator results before this app's demo ran: the meeting indicators are
    # computed again now that the demo meetings exist.
    indicators.refresh_results()
    return counts
