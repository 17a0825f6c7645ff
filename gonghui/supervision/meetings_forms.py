"""The meeting form: the register's fields and the minutes file (checked by ``core.uploads`` before
anything is written). The service (``meetings``) saves and audits."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gonghui.core.uploads import AttachmentField

from .meetings import MINUTES_KINDS, MINUTES_MAX_BYTES, MeetingInput
from .models import Meeting


class MeetingForm(forms.ModelForm):
    audited_by_service = True  # meetings.record_meeting / update_meeting write the audit row

    minutes_file = AttachmentField(
        label="会议纪要",
        required=False,
        kinds=MINUTES_KINDS,
        max_bytes=MINUTES_MAX_BYTES,
        help_text=f"可选；PDF、Word 或图片文件，单个不超过 {MINUTES_MAX_BYTES // 1048576} MB",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "held_on",
            "title",
            "participants",
            "issues_raised",
            "issues_solved",
            "issues",
        ]
        widgets = {"held_on": forms.DateInput(), "issues": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "kind": {"required": "请选择会议类别", "invalid_choice": "请选择会议类别"},
            "held_on": {"required": "请填写召开日期", "invalid": "请填写正确的召开日期（年-月-日）"},
            "title": {"required": "请填写会议名称", "max_length": "会议名称最多 200 字"},
            "participants": {"max_length": "参会单位最多 300 字"},
            "issues_raised": {"invalid": "提出问题数须为整数", "min_value": "问题数不能为负数"},
            "issues_solved": {"invalid": "解决问题数须为整数", "min_value": "问题数不能为负数"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and self.instance.minutes_name:
            self.fields[
                "minutes_file"
            ].help_text += f"；已上传「{self.instance.minutes_name}」，重新上传将替换"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("召开日期不能晚于今天：会议召开后再登记")
        return held_on

    def meeting_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            kind=data["kind"],
            held_on=data["held_on"],
            title=data["title"],
            participants=data.get("participants") or "",
            issues_raised=data.get("issues_raised") or 0,
            issues_solved=data.get("issues_solved") or 0,
            issues=data.get("issues") or "",
        )
