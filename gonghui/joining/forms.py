from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    normalize_name,
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
)
from gonghui.members.models import NewFormGroup
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.regions.models import Region

from . import sharedcache
from .models import RoutingRule


class SharedQuerysetChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose per-form copy shares the declared queryset instead of cloning it.

    Django clones the queryset of every ModelChoiceField each time a form is made (``__deepcopy__``);
    for the public form that was a tenth of the submission's web time. Sharing is safe because nothing
    here evaluates the shared queryset in place: choices iterate with ``.iterator()`` and lookups clone."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result.widget.choices = result.choices  # an iterator bound to the copy (Django ticket #11183)
        return result


class ReferenceChoiceField(SharedQuerysetChoiceField):
    """A select over small reference data (groups, districts) whose rows are kept in the process for
    a few minutes: the public form is submitted hundreds of times a second, the rows change yearly."""

    def _rows(self) -> dict[str, object]:
        import time

        key = self.queryset.model._meta.label_lower
        expires, rows = _REFERENCE_ROWS.get(key, (0.0, {}))
        if expires < time.monotonic():
            rows = {str(obj.pk): obj for obj in self.queryset.all()}  # .all(): the queryset is shared
            _REFERENCE_ROWS[key] = (time.monotonic() + CHOICES_CACHE_SECONDS, rows)
        return rows

    def to_python(self, value):
        if value in self.empty_values:
            return None
        obj = self._rows().get(str(value))
        if obj is None:
            obj = super().to_python(value)  # not cached yet (just added) or invalid: ask the database
        return obj

    def validate(self, value):
        if self.required and value is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")


_REFERENCE_ROWS: dict[str, tuple[float, dict]] = {}


class DistrictChoiceField(ReferenceChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


CHOICES_CACHE_SECONDS = 300


def _clean(fn, value):
    try:
        return fn(value)
    except InvalidValue as exc:
        raise forms.ValidationError(str(exc)) from None


def cached_choices(name: str, field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    """(value, label) pairs of a reference-data select, cached: the public page renders them on every
    view, and Django's widget templates cost ≈ 50 ms for a hundred options."""
    key = f"gh-join-choices:{name}"
    choices = sharedcache.get(key)
    if choices is None:
        choices = [(str(value), str(label)) for value, label in field.choices if value != ""]
        sharedcache.set(key, choices, CHOICES_CACHE_SECONDS)
    return choices


YES_NO = [("yes", "是"), ("no", "否")]


def _yes(value: str) -> bool:
    return value == "yes"


class ApplyForm(forms.Form):
    MODE_EMPLOYER = "employer"
    MODE_NONE = "none"

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30)
    phone = forms.CharField(label="手机号", max_length=20)
    mode = forms.ChoiceField(
        label="工作单位",
        choices=[
            (MODE_EMPLOYER, "我的单位已建立工会"),
            (MODE_NONE, "单位未建工会 / 新就业形态（快递、外卖、网约车等）"),
        ],
        widget=forms.RadioSelect,
        initial=MODE_EMPLOYER,
    )
    is_migrant_worker = forms.TypedChoiceField(
        label="是否农民工",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否农民工"},
        help_text="农村户籍、在城镇从事非农业工作的职工选「是」",
    )
    workplace = SharedQuerysetChoiceField(
        label="工作单位", queryset=Workplace.objects.all(), required=False, widget=forms.HiddenInput
    )
    employer_name = forms.CharField(label="工作单位名称", max_length=100, required=False)
    employer_uscc = forms.CharField(label="单位统一社会信用代码（选填）", max_length=30, required=False)
    new_form_group = ReferenceChoiceField(
        label="从业群体",
        queryset=NewFormGroup.objects.filter(is_active=True),
        required=False,
        empty_label="（不属于以下群体）",
    )
    district = DistrictChoiceField(
        label="工作或居住的区县",
        queryset=Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code"),
        required=False,
        empty_label="请选择区县",
    )
    consent_constitution = forms.BooleanField(label="我承认《中国工会章程》，自愿加入工会", required=True)
    consent_personal_data = forms.BooleanField(label="我已阅读并同意《个人信息使用告知书》", required=True)
    # The honeypot: hidden from people by CSS, filled in by scripts that fill every field.
    website = forms.CharField(label="网址", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_form_group", "district"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def options(self, name: str) -> list[tuple[str, str, bool]]:
        current = str(self[name].value() or "")
        return [(value, label, value == current) for value, label in cached_choices(name, self.fields[name])]

    @property
    def group_options(self):
        return self.options("new_form_group")

    @property
    def district_options(self):
        return self.options("district")

    def clean_name(self):
        return _clean(normalize_name, self.cleaned_data["name"])

    def clean_id_number(self):
        return _clean(normalize_resident_id, self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = _clean(normalize_phone, self.cleaned_data["phone"])
        if "-" in phone:
            raise forms.ValidationError("请填写手机号（用于接收审核结果短信）")
        return phone

    def clean_employer_name(self):
        return clean_text(self.cleaned_data.get("employer_name") or "")

    def clean_employer_uscc(self):
        text = (self.cleaned_data.get("employer_uscc") or "").strip()
        return _clean(normalize_uscc, text) if text else ""

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.MODE_EMPLOYER:
            if not data.get("workplace"):
                self.add_error(
                    "workplace", "请搜索并选择您的工作单位；找不到单位时请选择「单位未建工会 / 新就业形态」"
                )
            data["new_form_group"] = None
            data["district"] = None
            data["employer_name"] = data["employer_uscc"] = ""
        elif data.get("mode") == self.MODE_NONE:
            data["workplace"] = None
            if not data.get("district"):
                self.add_error("district", "请选择您工作或居住的区县")
            if not data.get("employer_name") and "employer_name" not in self.errors:
                self.add_error(
                    "employer_name", "请填写工作单位名称；灵活就业、没有固定单位的请填写「无固定单位」"
                )
        return data


class ApproveForm(forms.Form):
    """What the reviewer may correct when approving: the categories the applicant reported."""

    is_migrant_worker = forms.TypedChoiceField(
        label="农民工",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    new_form_group = forms.ModelChoiceField(
        label="新就业形态群体",
        queryset=NewFormGroup.objects.filter(is_active=True),
        required=False,
        empty_label="（不属于新就业形态群体）",
    )


class StatusForm(forms.Form):
    number = forms.CharField(
        label="申请编号", max_length=20, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    id_number = forms.CharField(
        label="身份证号", max_length=30, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def clean_id_number(self):
        return _clean(normalize_resident_id, self.cleaned_data["id_number"]).number


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=255, widget=forms.Textarea(attrs={"rows": 2}))


def forward_targets():
    """Unions an application can be handed to: any active union that receives members."""
    return (
        UnionOrg.objects.filter(status=UnionOrg.Status.ACTIVE)
        .exclude(kind__in=[UnionKind.PROVINCE, UnionKind.CITY, UnionKind.INDUSTRY_UNION])
        .order_by("path")
    )


class ForwardForm(forms.Form):
    to_union = forms.ModelChoiceField(label="转交给", queryset=forward_targets())
    note = forms.CharField(label="转交说明", max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = forward_targets()


class TransferRequestForm(forms.Form):
    """A transfer started by a union: the person is identified by ID number and name. The receiving
    union is one of the user's own (transfer in), or — when the member belongs to the user's union and
    moves away (transfer out) — any active union, named by its full name or its USCC (no list of the
    province's unions is shown)."""

    id_number = forms.CharField(label="身份证号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    to_union = forms.ModelChoiceField(
        label="转入工会（本工会及下级）", queryset=UnionOrg.objects.none(), required=False
    )
    to_union_other = forms.CharField(
        label="或：转入其他工会（全称或统一社会信用代码）",
        max_length=100,
        required=False,
        help_text="本工会会员调往外单位时填写，由转入工会确认",
    )
    note = forms.CharField(label="说明", max_length=255, required=False)

    def __init__(self, *args, user=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if member is not None:  # the member is known (the link on the member's page)
            del self.fields["id_number"], self.fields["name"]
        self.fields["to_union"].queryset = UnionOrg.objects.visible_to(user).filter(
            status=UnionOrg.Status.ACTIVE
        )
        self.fields["to_union"].empty_label = "（请选择）"
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "to_union" else "form-control"

    def clean_id_number(self):
        return _clean(normalize_resident_id, self.cleaned_data["id_number"])

    def clean_name(self):
        return _clean(normalize_name, self.cleaned_data["name"])

    def clean_to_union_other(self):
        text = (self.cleaned_data.get("to_union_other") or "").strip()
        if not text:
            return None
        active = UnionOrg.objects.filter(status=UnionOrg.Status.ACTIVE)
        found = active.filter(name=clean_text(text)).first()
        if found is None:
            try:
                found = active.filter(uscc=normalize_uscc(text)).first()
            except InvalidValue:
                found = None
        if found is None:
            raise forms.ValidationError(f"未找到全称或统一社会信用代码为「{text}」的在用工会，请核对")
        return found

    def clean(self):
        data = super().clean()
        chosen, other = data.get("to_union"), data.get("to_union_other")
        if "to_union_other" in self.errors:
            return data
        if chosen and other:
            raise forms.ValidationError("转入工会只能选择一个：从列表选择，或填写其他工会的全称")
        if not (chosen or other):
            self.add_error("to_union", "请选择转入工会，或填写其他工会的全称或统一社会信用代码")
        data["to_union"] = chosen or other
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(label="拒绝原因", max_length=255, widget=forms.Textarea(attrs={"rows": 2}))


class RoutingRuleForm(ScopedModelForm):
    """入会分配规则 in the app: the district and the receiving union are the user's own (scoped
    autocomplete); the district must be county-level, the level routing works at."""

    autocomplete = {"region": "regions", "union": "active-unions"}

    class Meta:
        model = RoutingRule
        fields = ["region", "new_form_group", "union", "is_active", "note"]
        labels = {"region": "区县（县级行政区）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_form_group"].empty_label = "（兜底：该区县其他未建会申请）"

    def clean_region(self):
        region = self.cleaned_data["region"]
        if region is not None and region.level != Region.Level.COUNTY:
            raise forms.ValidationError("请选择县级行政区（县、县级市、区）：入会申请按区县分配")
        return region
