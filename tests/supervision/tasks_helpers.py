"""Shared set-up of the plan and task tests: 芜湖市总工会's departments, a 2026 plan with two points
decomposed to 镜湖区 and 鸠江区, and a department user of 基层工作部."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core.uploads import check_upload
from gonghui.supervision import plans
from gonghui.supervision.models import Department, PlanTask, Task, WorkPlan
from tests.factories import PASSWORD, Registry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "佐证.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@dataclass
class Sup:
    plan: WorkPlan
    grassroots: PlanTask  # led by 基层工作部
    organising: PlanTask  # led by 组织部
    dept_user: User
    tasks: dict[str, Task] = field(default_factory=dict)

    def depts(self, *names: str) -> list[Department]:
        return [Department.objects.get(union=self.plan.issuer, name=n) for n in names]


def build_sup(reg: Registry) -> Sup:
    wuhu = reg.unions["wuhu"]
    plans.seed_departments(wuhu)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    plan = WorkPlan.objects.create(issuer=wuhu, year=timezone.localdate().year, title="芜湖市总工会工作要点")
    grassroots = PlanTask.objects.create(
        plan=plan, number="1", content="深化县级工会加强年", deadline=deadline
    )
    grassroots.lead_departments.set([Department.objects.get(union=wuhu, name="基层工作部")])
    organising = PlanTask.objects.create(plan=plan, number="2", content="开展组织员培训", deadline=deadline)
    organising.lead_departments.set([Department.objects.get(union=wuhu, name="组织部")])
    dept_user = User.objects.create_user("t-dept", password=PASSWORD, union=wuhu, role=Role.DEPARTMENT)
    Department.objects.get(union=wuhu, name="基层工作部").members.add(dept_user)
    sup = Sup(plan, grassroots, organising, dept_user)
    made = plans.decompose(
        grassroots,
        [
            plans.Assignment(reg.unions["jinghu"], deadline),
            plans.Assignment(reg.unions["jiujiang"], deadline),
        ],
        actor=reg.users["wuhu"],
    )
    sup.tasks["jinghu"], sup.tasks["jiujiang"] = made
    sup.tasks["org_jinghu"] = plans.decompose(
        organising, [plans.Assignment(reg.unions["jinghu"], deadline)], actor=reg.users["wuhu"]
    )[0]
    return sup


def checked_pdf(name: str = "佐证.pdf"):
    return check_upload(pdf(name))
