"""Forms of departments, plans, points, decomposition and the task steps. Every field says in Chinese
what is wrong."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.scope import home_node
from gonghui.core.uploads import AttachmentField
from gonghui.joining.workdays import add_working_days

from . import plans
from .models import Department, PlanTask, WorkPlan


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(),
        error_messages={"invalid": f"请填写正确的{label}（年-月-日）", "required": f"请填写{label}"},
    )


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# ---------------------------------------------------------------------- departments
class DepartmentForm(forms.ModelForm):
    """A department of the user's own union; its members are accounts of that union."""

    class Meta:
        model = Department
        fields = ["name", "order", "is_active", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}
        error_messages = {"name": {"required": "请填写部门名称", "max_length": "部门名称最多 50 字"}}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.union = self.instance.union if self.instance.pk else home_node(user)
        self.fields["members"].queryset = User.objects.filter(union=self.union, is_active=True).order_by(
            "username"
        )
        self.fields["members"].help_text = "本工会的账号；角色为“部门用户”的账号只看到本部门牵头的任务"
        self.fields["order"].error_messages = {"invalid": "排序须为整数", "required": "请填写排序"}
        _style(self)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Department.objects.filter(union=self.union, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("本工会已有同名部门")
        return name

    def save(self, commit: bool = True):
        self.instance.union = self.union
        return super().save(commit)


# ---------------------------------------------------------------------- plans and points
class WorkPlanForm(forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["year", "title", "document_number"]
        error_messages = {
            "year": {"required": "请填写年度", "invalid": "年度须为四位数字"},
            "title": {"required": "请填写计划名称", "max_length": "计划名称最多 200 字"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        _style(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("年度须在 2000 至 2100 之间")
        return year

    def save(self, commit: bool = True):
        if not self.instance.pk:
            self.instance.issuer = home_node(self.user)
            self.instance.created_by = self.user
        return super().save(commit)


class PlanTaskForm(forms.ModelForm):
    """A point: 完成时限 typed as the plan writes it (a date or 6月底前, 全年 …)."""

    deadline_input = forms.CharField(
        label="完成时限",
        required=False,
        max_length=50,
        help_text="日期（如 2023-06-30）或“6月底前”“12月31日前”“全年”“三季度”“长期”",
    )

    class Meta:
        model = PlanTask
        fields = [
            "number",
            "order",
            "content",
            "lead_departments",
            "responsible_departments",
            "responsible_text",
        ]
        widgets = {
            "lead_departments": forms.CheckboxSelectMultiple,
            "responsible_departments": forms.CheckboxSelectMultiple,
            "content": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "number": {"required": "请填写序号", "max_length": "序号最多 16 个字符"},
            "content": {"required": "请填写任务"},
            "order": {"invalid": "顺序须为整数"},
        }

    def __init__(self, *args, plan: WorkPlan | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan is the URL's (a new point) or the point's own (editing).
        plan = plan or self.instance.plan
        self.plan = plan
        departments = Department.objects.filter(union=plan.issuer, is_active=True)
        if self.instance.pk:  # a department deactivated since stays on the points it was named on
            departments = Department.objects.filter(union=plan.issuer).filter(
                pk__in=[*departments.values_list("pk", flat=True),
                        *self.instance.lead_departments.values_list("pk", flat=True),
                        *self.instance.responsible_departments.values_list("pk", flat=True)]
            )  # fmt: skip
            self.initial["deadline_input"] = self.instance.deadline_text or (
                f"{self.instance.deadline:%Y-%m-%d}" if self.instance.deadline else ""
            )
        else:
            self.initial.setdefault("order", (plan.points.count() + 1) * 10)
        for name in ("lead_departments", "responsible_departments"):
            self.fields[name].queryset = departments
            self.fields[name].error_messages["invalid_choice"] = "所选部门不是本计划制定单位的部门"
        self.order_fields(["number", "order", "content", "lead_departments", "responsible_departments"])
        _style(self)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if self.plan.points.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"本计划已有序号 {number}")
        return number

    def clean_deadline_input(self):
        try:
            return plans.parse_deadline(self.cleaned_data.get("deadline_input", ""), self.plan.year)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def save(self, commit: bool = True):
        self.instance.plan = self.plan
        deadline, text = self.cleaned_data["deadline_input"]
        self.instance.deadline, self.instance.deadline_text = deadline, text
        return super().save(commit)


class DecomposeForm(_Styled):
    """Which sub-units get a copy, each with its deadline (the point's by default), or N working days
    from today for all; or the issuer's own copy."""

    working_days = forms.IntegerField(
        label="统一时限：自今天起工作日数（选填）",
        required=False,
        min_value=1,
        max_value=250,
        help_text="填写后，所选单位的完成时限都按工作日（含节假日调休）计算，覆盖下面逐个填写的日期",
        error_messages={
            "invalid": "工作日数须为整数",
            "min_value": "工作日数至少为 1",
            "max_value": "工作日数最多 250",
        },
    )

    def __init__(self, *args, point: PlanTask, **kwargs):
        super().__init__(*args, **kwargs)
        self.point = point
        issuer = point.plan.issuer
        taken = set(point.tasks.values_list("assignee_id", flat=True))
        self.units = [u for u in plans.decomposable_units(issuer) if u.pk not in taken]
        if issuer.pk not in taken:
            self.units.insert(0, issuer)
        self.rows = []
        for unit in self.units:
            label = f"{unit.name}（本会自办）" if unit.pk == issuer.pk else unit.name
            self.fields[f"u{unit.pk}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"d{unit.pk}"] = _date(f"{unit.name}的完成时限", required=False)
            self.initial[f"d{unit.pk}"] = point.deadline
            self.rows.append((unit, f"u{unit.pk}", f"d{unit.pk}"))
        _style(self)

    def bound_rows(self):
        return [(unit, self[check], self[day]) for unit, check, day in self.rows]

    def clean(self):
        data = super().clean()
        n = data.get("working_days")
        common = add_working_days(timezone.localdate(), n) if n else None
        chosen: list[plans.Assignment] = []
        for unit, check, day in self.rows:
            if not data.get(check):
                continue
            deadline: dt.date | None = common or data.get(day)
            if deadline and deadline < timezone.localdate() and not common:
                self.add_error(day, f"{unit.name}的完成时限不能早于今天")
            chosen.append(plans.Assignment(unit, deadline))
        if not chosen:
            raise ValidationError("请至少选择一个承办单位")
        data["assignments"] = chosen
        return data


# ---------------------------------------------------------------------- task steps
class ProgressForm(_Styled):
    on_date = _date("进展日期")
    note = forms.CharField(
        label="进展情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写进展情况", "max_length": "进展情况最多 2000 字"},
    )

    def clean_on_date(self):
        day = self.cleaned_data["on_date"]
        if day > timezone.localdate():
            raise ValidationError("进展日期不能晚于今天")
        return day


class EvidenceForm(_Styled):
    file = AttachmentField(
        label="佐证材料",
        help_text="PDF、Word、Excel 或图片文件，单个不超过 20 MB",
        error_messages={"required": "请选择要上传的文件"},
    )
    note = forms.CharField(label="说明（选填）", required=False, max_length=200)


class NoteForm(_Styled):
    note = forms.CharField(label="说明（选填）", required=False, max_length=500)


class ReasonForm(_Styled):
    reason = forms.CharField(
        label="原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写原因", "max_length": "原因最多 500 字"},
    )
