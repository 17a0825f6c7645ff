"""Forms of the unorganised list: claim, assign, visit, close. Every field validates in Chinese."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gonghui.core.forms import autocomplete_field
from gonghui.core.uploads import AttachmentField
from gonghui.orgs.models import UnionOrg

from .models import ListItem, Visit
from .worklist import assignable_unions

MAX_ATTACHMENT = 10 * 1024 * 1024  # a scanned visit record or a photo
# Checked by core.uploads (size, extension and the file's signature), as every attachment is.
ATTACHMENT_KINDS = ("pdf", "jpg", "png", "doc", "docx", "xls", "xlsx", "txt")


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
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


class ClaimForm(_Styled):
    due_on = _date("完成期限", required=False)

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due < timezone.localdate():
            raise forms.ValidationError("完成期限不能早于今天")
        return due


class AssignForm(ClaimForm):
    to = forms.ModelChoiceField(
        label="承办工会",
        queryset=UnionOrg.objects.none(),
        error_messages={"required": "请选择承办工会", "invalid_choice": "所选工会不在可派单范围内"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = assignable_unions(user).order_by("path")
        self.order_fields(["to", "due_on"])


class VisitForm(_Styled):
    visited_on = _date("走访日期")
    visitors = forms.CharField(
        label="走访人",
        max_length=100,
        error_messages={"required": "请填写走访人", "max_length": "走访人最多 100 字"},
    )
    outcome = forms.ChoiceField(
        label="走访结果", choices=Visit.Outcome.choices, error_messages={"invalid_choice": "请选择走访结果"}
    )
    note = forms.CharField(
        label="情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = AttachmentField(
        label="附件（选填）",
        required=False,
        kinds=ATTACHMENT_KINDS,
        max_bytes=MAX_ATTACHMENT,
        help_text="PDF、图片、Word、Excel 或文本文件，不超过 10 MB",
        error_messages={"invalid": "附件无法读取，请重新选择", "empty": "附件是空文件"},
    )

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("走访日期不能晚于今天")
        return day

    def clean_attachment(self):
        checked = self.cleaned_data.get("attachment")
        return checked.file if checked else None  # the service stores the (renamed) upload itself


class CloseForm(_Styled):
    outcome = forms.ChoiceField(
        label="销号结果",
        choices=ListItem.Outcome.choices,
        error_messages={"required": "请选择销号结果", "invalid_choice": "请选择销号结果"},
    )
    founded_on = _date("建会日期", required=False)
    union_name = forms.CharField(label="新建工会名称（选填）", required=False, max_length=200)
    reason = forms.ChoiceField(
        label="不具备条件原因",
        required=False,
        choices=[("", "—"), *ListItem.IneligibleReason.choices],
        error_messages={"invalid_choice": "请选择不具备建会条件的原因"},
    )
    note = forms.CharField(label="原因说明", required=False, max_length=255)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"] = autocomplete_field(
            "active-unions",
            user,
            label="覆盖工会",
            required=False,
            help_text="已建会：选已有的基层工会，或留空新建工会委员会；联合基层工会覆盖：必选",
        )
        self.fields["union"].widget.attrs.setdefault("class", "form-select form-select-sm")
        self.order_fields(["outcome", "union", "founded_on", "union_name", "reason", "note"])

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == ListItem.Outcome.JOINT and not data.get("union"):
            self.add_error("union", "请选择覆盖该单位的联合基层工会")
        if outcome == ListItem.Outcome.NOT_ELIGIBLE:
            if not data.get("reason"):
                self.add_error("reason", "不具备建会条件的须选择原因")
            elif data.get("reason") == ListItem.IneligibleReason.OTHER and not data.get("note"):
                self.add_error("note", "原因为「其他」时请填写原因说明")
        founded = data.get("founded_on")
        if founded and founded > timezone.localdate():
            self.add_error("founded_on", "建会日期不能晚于今天")
        return data
