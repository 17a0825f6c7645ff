"""Import a work plan's points from the table federations print (.xlsx: 序号, 任务, 牵头部门, 责任单位,
完成时限) into a plan chosen on the upload page, through the import engine.

- 牵头部门: every name must be one of the plan issuer's active departments; an unknown one is a row error
  naming it.
- 责任单位: names that are the issuer's departments become its responsible departments; anything else
  (各县区总工会, 各产业工会 …) is kept as text in ``responsible_text`` — plans name bodies that are not
  departments there, and refusing them would refuse the printed table.
- 完成时限: a date or the plan's own words (6月底前, 全年 …), parsed to a date in the plan's year, the
  words kept in ``deadline_text``.
- A 序号 already in the plan updates that point (the same row again changes nothing). Any row error:
  nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import InvalidValue, clean_text
from gonghui.core.scope import covers
from gonghui.imports.columns import Column
from gonghui.imports.engine import Importer, Progress, Result, parse_code
from gonghui.imports.reader import Table

from . import plans
from .models import Department, PlanTask, WorkPlan

PLAN_COLUMNS = [
    Column("number", "序号", ("编号", "序"), True, "要点的序号，计划内不重复", "1", text=True),
    Column(
        "content", "任务", ("工作任务", "任务内容", "工作要点", "重点任务"), True, "", "深化县级工会加强年"
    ),
    Column("lead", "牵头部门", ("牵头单位",), False, "本会部门名称，多个用顿号分隔", "基层工作部"),
    Column("responsible", "责任单位", ("责任部门", "配合部门"), False, "本会部门或其他单位", "各县区总工会"),
    Column(
        "deadline", "完成时限", ("时限", "完成时间", "时间节点"), False, "日期或“6月底前”“全年”等", "6月底前"
    ),
]


def plans_for(user):
    """The plans a user may import into: those its own union issued (an administrator's)."""
    from gonghui.core.scope import home_node

    node = home_node(user)
    if node is None or not user.can_edit:
        return WorkPlan.objects.none()
    return WorkPlan.objects.filter(issuer=node)


@dataclass
class PointRow:
    index: int
    number: str
    content: str
    lead: list[Department]
    responsible: list[Department]
    responsible_text: str
    deadline: object
    deadline_text: str
    existing: PlanTask | None = None
    order: int = 0
    same: bool = field(default=False)


class PlanImporter(Importer):
    kind = "work_plan"
    title = "工作计划任务"
    columns = PLAN_COLUMNS
    model = "supervision.plantask"
    list_url = "supervision:plan-list"

    @classmethod
    def option_fields(cls, user) -> dict:
        from django import forms

        plan = forms.ModelChoiceField(
            label="导入到工作计划",
            queryset=plans_for(user).order_by("-year", "title"),
            empty_label="（请选择）",
            help_text="先在“工作计划”中新建计划，再导入它的任务表",
            error_messages={"required": "请选择工作计划", "invalid_choice": "请选择列表中的工作计划"},
        )
        plan.widget.attrs.update({"class": "form-select"})
        return {"plan": plan}

    @classmethod
    def options_from(cls, cleaned: dict) -> dict:
        return {"plan": cleaned["plan"].pk}

    def match(self, table: Table, file_name: str = ""):
        """A printed plan table starts with its title line (芜湖市总工会2023年工作要点) above the header: up
        to three such lines are skipped, the row numbers kept."""
        for _ in range(3):
            if any(clean_text(cell) == "序号" for cell in table.header) or not table.rows:
                break
            table.header = [clean_text(cell) for cell in table.rows.pop(0)]
            table.header_row += 1
        return super().match(table, file_name)

    def plan_obj(self) -> WorkPlan:
        plan = WorkPlan.objects.select_related("issuer").filter(pk=self.options.get("plan")).first()
        if plan is None or not (self.scope is None or covers(self.user, plan.issuer)):
            raise InvalidValue("找不到要导入的工作计划")
        return plan

    def validate(self, table: Table, hmap, result: Result, plan: WorkPlan) -> list[PointRow]:
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        numbers = [parse_code(v) for v in col("number")]
        lookup = plans.department_lookup(plan.issuer)
        existing = {
            p.number: p for p in plan.points.prefetch_related("lead_departments", "responsible_departments")
        }
        seen: dict[str, int] = {}
        rows: list[PointRow] = []
        for index, (number, content_raw, lead_raw, resp_raw, deadline_raw) in enumerate(
            zip(numbers, col("content"), col("lead"), col("responsible"), col("deadline"), strict=True)
        ):
            content = clean_text(content_raw)
            if not number:
                self.error(result, index, "number", "序号不能为空")
                bad.add(index)
            elif number in seen:
                self.error(result, index, "number", f"与第 {table.excel_row(seen[number])} 行序号重复")
                bad.add(index)
            else:
                seen[number] = index
            if len(number) > 16:
                self.error(result, index, "number", "序号最多 16 个字符")
                bad.add(index)
            if not content:
                self.error(result, index, "content", "任务不能为空")
                bad.add(index)
            lead, unknown = plans.resolve_departments(lead_raw, lookup)
            if unknown:
                self.error(
                    result,
                    index,
                    "lead",
                    f"「{'、'.join(unknown)}」不是{plan.issuer}的部门（请先在“部门”中添加）",
                )
                bad.add(index)
            responsible, others = plans.resolve_departments(resp_raw, lookup)
            other_text = "、".join(others)
            if len(other_text) > 200:
                self.error(result, index, "responsible", "非本会部门的责任单位合计最多 200 字")
                bad.add(index)
            try:
                deadline, deadline_text = plans.parse_deadline(deadline_raw, plan.year)
            except ValidationError as exc:
                self.error(result, index, "deadline", exc.messages[0])
                bad.add(index)
                deadline, deadline_text = None, ""
            if index in bad:
                continue
            row = PointRow(
                index, number, content, lead, responsible, other_text, deadline, deadline_text[:50]
            )
            row.order = (index + 1) * 10
            row.existing = existing.get(number)
            if row.existing is not None:
                p = row.existing
                row.same = (
                    p.content == content
                    and set(p.lead_departments.all()) == set(lead)
                    and set(p.responsible_departments.all()) == set(responsible)
                    and p.responsible_text == other_text
                    and p.deadline == deadline
                    and p.deadline_text == row.deadline_text
                )
            rows.append(row)
        return rows

    def run(self, table: Table, hmap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        try:
            plan = self.plan_obj()
        except InvalidValue as exc:
            for index in range(len(table.rows)):
                self.error(result, index, "", str(exc))
            result.errors = len(table.rows)
            return result
        rows = self.validate(table, hmap, result, plan)
        result.errors = len(result.error_rows())
        result.created = sum(1 for r in rows if r.existing is None)
        result.updated = sum(1 for r in rows if r.existing is not None and not r.same)
        result.skipped = result.rows - result.errors - result.created - result.updated
        result.notes.append(f"导入到「{plan}」（{plan.year} 年）")
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            for row in rows:
                if row.same:
                    continue
                point = row.existing or PlanTask(plan=plan)
                point.number, point.content, point.order = row.number, row.content, row.order
                point.responsible_text = row.responsible_text
                point.deadline, point.deadline_text = row.deadline, row.deadline_text  # type: ignore[assignment]
                point.save()
                point.lead_departments.set(row.lead)
                point.responsible_departments.set(row.responsible)
                audit.log(
                    AuditEvent.Action.UPDATE if row.existing else AuditEvent.Action.CREATE,
                    point,
                    actor=self.user,
                    detail=f"导入工作计划「{plan}」第 {row.number} 项",
                )
            self.committing(result)
        result.committed = True
        return result
