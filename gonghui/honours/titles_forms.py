"""登记荣誉 (a past naming: kind, subject, naming details) and 修改命名信息. The services in
``honours.titles`` check and save; these forms only gather the input."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from gonghui.core.forms import ScopedModelForm, autocomplete_field

from .models import HonourKind, SubjectKind, Title
from .titles import Naming

NAMING_ERRORS = {
    "year": {"required": "请填写命名年度", "invalid": "命名年度须为整数"},
    "named_on": {"required": "请填写命名日期", "invalid": "请填写正确的命名日期（年-月-日）"},
    "named_by": {"required": "请填写命名单位", "max_length": "命名单位最多 100 字"},
    "document_number": {"max_length": "命名文号最多 50 字"},
}


class TitleNamingForm(ScopedModelForm):
    """修改命名信息."""

    audited_by_service = True  # titles.update_naming writes the event and the audit row

    class Meta:
        model = Title
        fields = ["year", "named_on", "named_by", "document_number"]
        widgets = {"named_on": forms.DateInput()}
        error_messages = NAMING_ERRORS

    def naming(self) -> Naming:
        data = self.cleaned_data
        return Naming(data["year"], data["named_on"], data["named_by"], data.get("document_number") or "")


class TitleRegisterForm(TitleNamingForm):
    """登记荣誉: the kind, then the one subject of the kind's type (union, workplace or person)."""

    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta(TitleNamingForm.Meta):
        fields = ["kind", "year", "named_on", "named_by", "document_number"]
        error_messages = {
            **NAMING_ERRORS,
            "kind": {"required": "请选择荣誉类型", "invalid_choice": "请选择荣誉类型"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].queryset = HonourKind.objects.filter(
            Q(subject__in=[SubjectKind.UNION, SubjectKind.WORKPLACE, SubjectKind.PERSON]), is_active=True
        )
        self.fields["kind"].help_text = "荣誉类型决定评选对象：工会组织、单位或个人，只填相应的一项"
        fields = {
            "union": autocomplete_field("unions", user, label="工会组织", required=False),
            "workplace": autocomplete_field("workplaces", user, label="单位", required=False),
            "member": autocomplete_field("honour-members", user, label="个人（会员）", required=False),
        }
        order = ["kind", *fields, "year", "named_on", "named_by", "document_number", "note"]
        self.fields.update(fields)
        self.order_fields(order)
        self.fields["document_number"].widget.attrs["placeholder"] = "如 皖工发〔2023〕12号"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        field = {
            SubjectKind.UNION: "union",
            SubjectKind.WORKPLACE: "workplace",
            SubjectKind.PERSON: "member",
        }[kind.subject]
        if not data.get(field):
            self.add_error(
                field, f"「{kind}」的评选对象是{kind.get_subject_display()}，请选择{self.fields[field].label}"
            )
        for other in ("union", "workplace", "member"):
            if other != field and data.get(other):
                self.add_error(other, f"「{kind}」的评选对象是{kind.get_subject_display()}，此项不填")
        return data

    def subject(self):
        data = self.cleaned_data
        return data.get("union") or data.get("workplace") or data.get("member")
