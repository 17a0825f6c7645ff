"""Demo data of the three lists: 鸠江区 and 镜湖区 each get a problem list with responsibilities and tasks
in a realistic mix — one problem closed (销号) with every task accepted on evidence, tasks done, under way,
submitted and awaiting acceptance, not started, and some overdue — all made through the services, as
their pages would, so every step has its events and audit rows.

Call ``load_lists(built)`` after the demo accounts exist (``demo-wuhu``, ``demo-jiujiang``,
``demo-jinghu``): from ``supervision/demo_data.py``'s ``load(builder, built)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.uploads import check_upload

from . import problems, tasks
from .models import Department, Problem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class DemoTask:
    title: str
    due_in: int  # days from today (negative: already past)
    state: str  # "done" | "submitted" | "in_progress" | "not_started"


@dataclass
class DemoProblem:
    source: str
    description: str
    severity: str
    found_days_ago: int
    lead_title: str
    duty: str
    tasks: list[DemoTask]
    close: bool = False


def _problems(county: str) -> list[DemoProblem]:
    s, sev = Problem.Source, Problem.Severity
    return [
        DemoProblem(
            s.SUPERVISION,
            f"{county}部分乡镇（街道）总工会未配备专职工作人员，工作力量薄弱",
            sev.IMPORTANT,
            160,
            "分管副主席",
            "统筹推进乡镇工会专职人员配备",
            [
                DemoTask("推动各乡镇（街道）明确工会专职工作人员", -60, "done"),
                DemoTask("开展乡镇工会干部业务培训", -30, "done"),
            ],
            close=True,
        ),
        DemoProblem(
            s.RESEARCH,
            f"{county}新就业形态劳动者入会率偏低，快递、外卖等重点群体覆盖不足",
            sev.SERIOUS,
            120,
            "基层工作部部长",
            "牵头开展新就业形态劳动者入会集中行动",
            [
                DemoTask("对辖区快递网点、外卖站点逐一摸排建档", -45, "done"),
                DemoTask("组织“入会服务周”集中入会活动", -10, "in_progress"),
            ],
        ),
        DemoProblem(
            s.SELF_CHECK,
            f"{county}工会经费收缴台账不完整，部分单位拨缴情况未及时更新",
            sev.GENERAL,
            60,
            "经审办主任",
            "核对经费收缴台账",
            [DemoTask("逐户核对 2026 年度经费拨缴情况并更新台账", 30, "in_progress")],
        ),
        DemoProblem(
            s.VISIT,
            f"对口联系走访发现{county}职工服务阵地使用率不高，开放时间与职工需求不匹配",
            sev.GENERAL,
            45,
            "分管副主席",
            "调整服务阵地开放时间",
            [DemoTask("调整职工服务中心开放时间并公示", -5, "submitted")],
        ),
        DemoProblem(
            s.SUPERVISION,
            f"{county}区域性行业性工会联合会规范化建设推进缓慢",
            sev.IMPORTANT,
            40,
            "主席",
            "制定规范化建设推进方案",
            [
                DemoTask("制定联合会规范化建设推进方案", -7, "not_started"),
                DemoTask("完成联合会换届选举", 45, "not_started"),
            ],
        ),
    ]


def _evidence(title: str):
    return check_upload(SimpleUploadedFile(f"{title[:20]}佐证.pdf", PDF, content_type="application/pdf"))


def load_lists(built) -> dict[str, int]:
    """The three lists of 鸠江区 and 镜湖区 (``built.unions["鸠江区"]``, ``["镜湖区"]``)."""
    city = User.objects.get(username="demo-wuhu")
    county_users = {"鸠江区": "demo-jiujiang", "镜湖区": "demo-jinghu"}
    today = timezone.localdate()
    made = {"lists_problems": 0, "lists_tasks": 0}
    city_department = Department.objects.filter(union=built.unions["wuhu"], name="基层工作部").first()
    for county_name, username in county_users.items():
        union = built.unions[county_name]
        county = User.objects.get(username=username)
        for spec in _problems(county_name):
            registrant = county if spec.source == Problem.Source.SELF_CHECK else city
            problem = problems.register_problem(
                union=union,
                source=spec.source,
                description=spec.description,
                found_on=today - dt.timedelta(days=spec.found_days_ago),
                severity=spec.severity,
                actor=registrant,
            )
            problems.add_responsibility(
                problem, actor=county, union=union, lead_title=spec.lead_title, note=spec.duty
            )
            if city_department is not None and spec.severity != Problem.Severity.GENERAL:
                problems.add_responsibility(
                    problem, actor=city, department=city_department, lead_title="部长", note="督导指导"
                )
            for item in spec.tasks:
                task = problems.add_problem_task(
                    problem, actor=city, title=item.title, deadline=today + dt.timedelta(days=item.due_in)
                )
                made["lists_tasks"] += 1
                if item.state == "not_started":
                    continue
                tasks.add_progress(
                    task, actor=county, on_date=today - dt.timedelta(days=3), note="已召开专题会议部署"
                )
                if item.state == "in_progress":
                    continue
                tasks.add_evidence(task, _evidence(item.title), actor=county, note="工作记录")
                tasks.submit(task, actor=county, note="请验收")
                if item.state == "done":
                    tasks.accept(task, actor=city, note="佐证材料齐全")
            if spec.close:
                problems.close_problem(problem, actor=city, note="整改到位，同意销号")
            made["lists_problems"] += 1
    return made
