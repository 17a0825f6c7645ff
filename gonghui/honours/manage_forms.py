"""Forms of the dynamic management pages (grants, 结对共建, proposals, 复查). Thin: they validate what was
typed; the services decide (scope, who may act, the state) and write the events and audit rows."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.forms import autocomplete_field
from gonghui.core.scope import home_node

from . import partnerships, proposals, reinspection
from .models import HonourKind, InspectionResult, Partnership, Proposal, Reinspection


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
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


def _year(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1950,
        max_value=2100,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}须为四位数字",
            "min_value": f"{label}须在 1950 至 2100 之间",
            "max_value": f"{label}须在 1950 至 2100 之间",
        },
    )


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# ---------------------------------------------------------------------- grants
class ApproveGrantForm(_Styled):
    approved_on = _date("批准日期")
    approval_document = forms.CharField(
        label="批准文号", max_length=50, required=False, error_messages={"max_length": "批准文号最多 50 字"}
    )
    amount = forms.DecimalField(
        label="金额（元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        help_text="不填则按荣誉类型的补助金额",
        error_messages={"invalid": "金额须为数字", "min_value": "补助金额须大于 0"},
    )


class PayGrantForm(_Styled):
    paid_on = _date("拨付日期")
    voucher_number = forms.CharField(
        label="凭证号",
        max_length=50,
        error_messages={"required": "请填写凭证号", "max_length": "凭证号最多 50 字"},
    )


# ---------------------------------------------------------------------- 结对共建
class PartnershipForm(forms.ModelForm):
    """结对: a model home of the user's subtree and a grassroots union; saved by ``partnerships.start``."""

    audited_by_service = True

    class Meta:
        model = Partnership
        fields = ["holder", "partner", "started_on", "goals"]
        widgets = {"started_on": forms.DateInput(), "goals": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "holder": {"required": "请选择模范职工之家", "invalid_choice": "请选择列表中的模范职工之家"},
            "partner": {"required": "请选择结对工会", "invalid_choice": "请选择列表中的工会"},
            "started_on": {"required": "请填写结对日期", "invalid": "请填写正确的结对日期（年-月-日）"},
        }

    def __init__(self, *args, user=None, ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip
        self.fields["holder"].queryset = partnerships.model_homes(user)
        self.fields["holder"].label_from_instance = lambda t: f"{t.subject_name}（{t.kind}，{t.year}）"
        self.fields["partner"] = autocomplete_field(
            "honours-partners", user, label="结对工会", help_text="本管辖范围内的基层工会"
        )
        self.fields["partner"].error_messages["invalid_choice"] = "请选择列表中的基层工会"
        self.fields["partner"].error_messages["required"] = "请选择结对工会"
        self.initial.setdefault("started_on", timezone.localdate())
        _style(self)

    def save(self, commit: bool = True) -> Partnership:
        data = self.cleaned_data
        return partnerships.start(
            data["holder"],
            data["partner"],
            started_on=data["started_on"],
            goals=data.get("goals", ""),
            actor=self.user,
            ip=self.ip,
        )


class ActivityForm(_Styled):
    on_date = _date("活动日期")
    content = forms.CharField(
        label="活动内容",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写活动内容", "max_length": "活动内容最多 500 字"},
    )
    participants = forms.IntegerField(
        label="参加人数",
        min_value=0,
        max_value=100000,
        initial=0,
        error_messages={
            "required": "请填写参加人数",
            "invalid": "参加人数须为整数",
            "min_value": "参加人数不能为负数",
            "max_value": "参加人数过大",
        },
    )


class EndForm(_Styled):
    ended_on = _date("结束日期")
    note = forms.CharField(label="说明", max_length=200, required=False)


# ---------------------------------------------------------------------- titles
class RevokeForm(_Styled):
    """撤销 a title outside a 复查 (a serious violation, the union dissolved): the date and the reason stay."""

    revoked_on = _date("撤销日期")
    reason = forms.CharField(
        label="撤销原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写撤销原因", "max_length": "撤销原因最多 500 字"},
    )


# ---------------------------------------------------------------------- proposals
class ProposalForm(forms.ModelForm):
    """A proposal of a workplace of the user's subtree; saved through the proposals service (audit row)."""

    audited_by_service = True

    class Meta:
        model = Proposal
        fields = ["workplace", "proposer", "co_proposers", "year", "session", "title", "content", "handling"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 5}),
            "handling": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "workplace": {"required": "请选择单位", "invalid_choice": "请选择列表中的单位"},
            "year": {"required": "请填写年度", "invalid": "年度须为四位数字"},
            "title": {"required": "请填写提案标题", "max_length": "提案标题最多 200 字"},
            "content": {"required": "请填写提案内容"},
            "session": {"max_length": "职代会届次最多 50 字"},
            "co_proposers": {"max_length": "附议人最多 200 字"},
        }

    def __init__(self, *args, user=None, ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip
        self.fields["workplace"] = autocomplete_field("honours-workplaces", user, label="单位")
        self.fields["workplace"].error_messages["invalid_choice"] = "请选择列表中的单位"
        self.fields["workplace"].error_messages["required"] = "请选择单位"
        self.fields["proposer"] = autocomplete_field(
            "honours-proposers",
            user,
            label="提案人",
            required=False,
            help_text="该单位工会的会员（职工代表）",
        )
        self.fields["proposer"].error_messages["invalid_choice"] = "请选择列表中的会员"
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        self.order_fields(self._meta.fields)
        _style(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("年度须在 2000 至 2100 之间")
        return year

    def clean(self):
        data = super().clean()
        workplace, proposer = data.get("workplace"), data.get("proposer")
        member_elsewhere = (
            workplace is not None
            and proposer is not None
            and not workplace.unions.filter(pk=proposer.union_id).exists()
        )
        if member_elsewhere:
            self.add_error("proposer", f"提案人不是{workplace.name}工会的会员")
        return data

    def save(self, commit: bool = True) -> Proposal:
        data = {name: self.cleaned_data.get(name) for name in proposals.FIELDS}
        if self.instance.pk:
            changed = "、".join(str(self.fields[n].label) for n in self.changed_data)
            return proposals.update_proposal(
                self.instance, data, actor=self.user, ip=self.ip, changed=changed
            )
        return proposals.create_proposal(data, actor=self.user, ip=self.ip)


# ---------------------------------------------------------------------- 复查
class ReinspectionForm(forms.ModelForm):
    """Open a 复查 in the name of the user's own union; saved by ``reinspection.create_reinspection``."""

    audited_by_service = True

    class Meta:
        model = Reinspection
        fields = ["kind", "title", "named_from", "named_to", "as_of", "deadline"]
        widgets = {"as_of": forms.DateInput(), "deadline": forms.DateInput()}
        error_messages = {
            "kind": {"required": "请选择荣誉类型", "invalid_choice": "请选择列表中的荣誉类型"},
            "named_from": {"required": "请填写命名年度自", "invalid": "年度须为四位数字"},
            "named_to": {"required": "请填写命名年度至", "invalid": "年度须为四位数字"},
            "as_of": {"required": "请填写条件核定日期", "invalid": "请填写正确的日期（年-月-日）"},
            "deadline": {"required": "请填写完成期限", "invalid": "请填写正确的日期（年-月-日）"},
        }

    def __init__(self, *args, user=None, ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip
        self.issuer = home_node(user)
        kinds = [
            k.pk
            for k in HonourKind.objects.filter(is_active=True, reinspection_years__isnull=False)
            if reinspection.may_create(user, k)
        ]
        self.fields["kind"].queryset = HonourKind.objects.filter(pk__in=kinds)
        self.fields["title"].required = False
        self.fields["title"].help_text = "不填则自动生成"
        today = timezone.localdate()
        self.initial.setdefault("as_of", today)
        _style(self)

    def clean(self):
        data = super().clean()
        low, high = data.get("named_from"), data.get("named_to")
        if low is not None and high is not None and low > high:
            self.add_error("named_to", "命名年度的截止年不能早于起始年")
        as_of, deadline = data.get("as_of"), data.get("deadline")
        if as_of and deadline and deadline < as_of:
            self.add_error("deadline", "完成期限不能早于条件核定日期")
        return data

    def save(self, commit: bool = True) -> Reinspection:
        data = self.cleaned_data
        return reinspection.create_reinspection(
            issuer=self.issuer,
            kind=data["kind"],
            named_from=data["named_from"],
            named_to=data["named_to"],
            as_of=data["as_of"],
            deadline=data["deadline"],
            title=data.get("title") or "",
            actor=self.user,
            ip=self.ip,
        )


class ResultForm(_Styled):
    result = forms.ChoiceField(
        label="复查结论",
        choices=[c for c in InspectionResult.choices if c[0]],
        error_messages={"required": "请选择复查结论", "invalid_choice": "请选择复查结论"},
    )
    inspected_on = _date("复查日期")
    rectify_until = _date("整改期限", required=False)
    note = forms.CharField(
        label="复查意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="撤销时必填"
    )
