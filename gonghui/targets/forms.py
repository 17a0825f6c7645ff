from __future__ import annotations

import datetime as dt

from django import forms

from gonghui.core.normalize import clean_text
from gonghui.core.scope import home_node
from gonghui.orgs.models import FEDERATION_KINDS, UnionOrg

MAX_UPLOAD = 5 * 1024 * 1024


def issuer_choices(user):
    return UnionOrg.objects.visible_to(user).filter(kind__in=FEDERATION_KINDS, depth__lte=3).order_by("path")


class PlanHeadForm(forms.Form):
    issuer = forms.ModelChoiceField(label="下达单位", queryset=UnionOrg.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=dt.date.today().year)
    title = forms.CharField(
        label="标题", max_length=200, required=False, help_text="留空则用表格标题或默认标题"
    )
    doc_number = forms.CharField(
        label="文号", max_length=50, required=False, help_text="如 芜工发〔2023〕1号"
    )
    issued_on = forms.DateField(
        label="印发日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuer_choices(user)
        if (home := home_node(user)) is not None:
            self.fields["issuer"].initial = home.pk
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["issuer"].widget.attrs["class"] = "form-select form-select-sm"

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean_doc_number(self):
        # Document numbers use the hexagonal brackets 〔〕, not 【】 or [] (GB/T 9704).
        text = clean_text(self.cleaned_data["doc_number"])
        for wrong_open, wrong_close in (("[", "]"), ("【", "】"), ("［", "］"), ("(", ")"), ("（", "）")):
            if wrong_open in text and wrong_close in text:
                text = text.replace(wrong_open, "〔").replace(wrong_close, "〕")
        return text


class PlanUploadForm(PlanHeadForm):
    file = forms.FileField(label="目标分解表（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件过大（上限 5 MB）")
        if not upload.name.lower().endswith((".xlsx", ".xls")):
            raise forms.ValidationError("请上传 Excel 文件（.xlsx）")
        return upload
