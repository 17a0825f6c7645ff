"""Forms of rounds and nominations. Each field says in Chinese what is wrong; the services decide the
rules (who may, the state, quotas and shares)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from gonghui.core.forms import autocomplete_field
from gonghui.core.scope import home_node
from gonghui.core.uploads import AttachmentField

from .kinds import may_issue
from .models import HonourKind, Nomination, Round, SubjectKind

# The autocomplete source (scoped to the user's subtree) that offers each kind of subject.
SUBJECT_SOURCES = {
    SubjectKind.UNION: ("active-unions", "推荐的工会组织"),
    SubjectKind.WORKPLACE: ("workplaces", "推荐的单位"),
    SubjectKind.PERSON: ("honour-members", "推荐的个人（在会会员）"),
    SubjectKind.PROPOSAL: ("honour-proposals", "推荐的职工代表提案"),
}
SUBJECT_FIELDS = {
    SubjectKind.UNION: "union",
    SubjectKind.WORKPLACE: "workplace",
    SubjectKind.PERSON: "member",
    SubjectKind.PROPOSAL: "proposal",
}


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(),
        error_messages={"invalid": f"请填写正确的{label}（年-月-日）", "required": f"请填写{label}"},
    )


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RoundForm(_Styled):
    kind = forms.ModelChoiceField(
        label="荣誉类型", queryset=HonourKind.objects.none(), error_messages={"required": "请选择荣誉类型"}
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写年度", "invalid": "年度应为四位数字"},
    )
    title = forms.CharField(label="评选名称", max_length=200, error_messages={"required": "请填写评选名称"})
    criteria_date = _date("条件核定日期")
    deadline = _date("推荐截止日期")
    quota = forms.IntegerField(
        label="名额",
        required=False,
        min_value=1,
        help_text="留空则按荣誉类型的年度名额",
        error_messages={"invalid": "名额应为正整数", "min_value": "名额应为正整数"},
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        node = home_node(user)
        kinds = [k.pk for k in HonourKind.objects.filter(is_active=True) if node and may_issue(k.level, node)]
        self.fields["kind"].queryset = HonourKind.objects.filter(pk__in=kinds)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["criteria_date"].initial = today
        self.fields["deadline"].initial = today + dt.timedelta(days=30)


class NominationForm(_Styled):
    summary = forms.CharField(label="主要事迹", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user=None, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        source, label = SUBJECT_SOURCES[round_.kind.subject]
        field = autocomplete_field(source, user, label=label)
        field.error_messages = {
            **field.error_messages,
            "required": f"请选择{label}",
            "invalid_choice": "所选对象不在本单位管辖范围内",
        }
        field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields = {"subject": field, **self.fields}
        self.subject_field = SUBJECT_FIELDS[round_.kind.subject]


class EvidenceForm(_Styled):
    file = AttachmentField(label="佐证材料")
    criterion = forms.ChoiceField(label="对应条件", required=False)

    def __init__(self, *args, nomination: Nomination, **kwargs):
        super().__init__(*args, **kwargs)
        items = [(c["code"], c["label"]) for c in nomination.criteria if c.get("source") == "evidence"]
        self.fields["criterion"].choices = [("", "（整体材料）"), *items]


class ReasonForm(_Styled):
    reason = forms.CharField(
        label="原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写原因"},
    )


class NoteForm(_Styled):
    reason = forms.CharField(label="说明", required=False, max_length=500)


class SendForm(_Styled):
    acknowledge_shares = forms.BooleanField(label="已知结构比例不足，仍然上报", required=False)


class BatchForm(SendForm):
    nominations = forms.ModelMultipleChoiceField(
        label="推荐对象",
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请勾选推荐对象", "invalid_choice": "所选推荐对象不在本单位审核"},
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["nominations"].queryset = queryset


class QuotaForm(_Styled):
    """One number per direct sub-unit of the issuer."""

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        current = {q.unit_id: q.quota for q in round_.quotas.all()}
        self.units = list(round_.issuer.children.filter(status="active").order_by("path"))
        for unit in self.units:
            self.fields[f"unit_{unit.pk}"] = forms.IntegerField(
                label=unit.name,
                required=False,
                min_value=0,
                initial=current.get(unit.pk),
                error_messages={
                    "invalid": f"{unit.name}的名额应为整数",
                    "min_value": f"{unit.name}的名额不能为负数",
                },
            )
        _style(self)

    def quotas(self) -> dict:
        return {u: self.cleaned_data.get(f"unit_{u.pk}") or 0 for u in self.units}


class NoticeForm(_Styled):
    start = _date("公示开始日期")
    end = _date("公示结束日期")


class NameForm(_Styled):
    document_number = forms.CharField(
        label="命名文号",
        max_length=50,
        help_text="如 皖工发〔2023〕12号",
        error_messages={"required": "请填写命名文号"},
    )
    named_on = _date("命名日期")
