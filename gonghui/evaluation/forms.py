"""Forms of score sheets, their items and the scoring steps. Every field says in Chinese what is wrong."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.scope import home_node
from gonghui.core.uploads import AttachmentField

from . import services, sources
from .models import ScoreSheet, SheetItem


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        css = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else "form-control form-control-sm"
        )
        widget.attrs.setdefault("class", css)


class SheetForm(forms.ModelForm):
    class Meta:
        model = ScoreSheet
        fields = ["year", "title", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "year": {"required": "请填写年度", "invalid": "年度须为四位数字"},
            "title": {"required": "请填写评分表名称", "max_length": "评分表名称最多 200 字"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.issuer = self.instance.issuer if self.instance.pk else home_node(user)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        _style(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("年度须在 2000 至 2100 之间")
        clash = ScoreSheet.objects.filter(issuer=self.issuer, year=year).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("本单位该年度已有考核评分表")
        return year

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.evaluations.exists():
            raise ValidationError("该评分表已开展评价，不能再修改")
        return cleaned

    def save(self, commit: bool = True):
        if not self.instance.pk:
            self.instance.issuer = self.issuer
            self.instance.created_by = self.user
        return super().save(commit)


class SheetItemForm(forms.ModelForm):
    """An item: the source offered from the registered sources (an unknown code is refused)."""

    class Meta:
        model = SheetItem
        fields = [
            "order",
            "name",
            "kind",
            "max_score",
            "source",
            "source_code",
            "rule",
            "threshold",
            "criteria",
        ]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": "请填写考核项目", "max_length": "考核项目最多 100 字"},
            "order": {"invalid": "序号须为整数", "required": "请填写序号"},
            "max_score": {"invalid": "分值须为数字", "required": "请填写分值", "max_digits": "分值过大"},
            "threshold": {"invalid": "达标线须为数字", "max_digits": "达标线过大"},
        }

    def __init__(self, *args, user=None, sheet: ScoreSheet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.sheet = sheet or self.instance.sheet
        codes = [("", "（人工评分项不填）"), *sources.choices()]
        current = self.instance.source_code
        if current and current not in dict(codes):
            codes.append((current, sources.NOT_CONNECTED))
        self.fields["source_code"] = forms.ChoiceField(
            label="数据来源",
            choices=codes,
            required=False,
            error_messages={"invalid_choice": "没有这个数据来源"},
        )
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if self.sheet.evaluations.exists():
            raise ValidationError("该评分表已开展评价，不能再修改项目")
        if self.errors:
            return cleaned
        item = SheetItem(sheet=self.sheet, **{k: cleaned.get(k) for k in self.Meta.fields if k in cleaned})
        item.source_code = item.source_code or ""
        item.rule = item.rule or ""
        services.check_item(item)
        return cleaned

    def save(self, commit: bool = True):
        self.instance.sheet = self.sheet
        return super().save(commit)


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label="得分",
        max_digits=6,
        decimal_places=2,
        error_messages={"required": "请填写得分", "invalid": "得分须为数字"},
    )
    note = forms.CharField(
        label="评分说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    file = AttachmentField(label="佐证材料", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class VetoForm(forms.Form):
    vetoed = forms.TypedChoiceField(
        label="认定",
        choices=[("1", "一票否决"), ("0", "不否决")],
        coerce=lambda v: v == "1",
        error_messages={"required": "请选择是否否决", "invalid_choice": "请选择是否否决"},
    )
    reason = forms.CharField(
        label="原因", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    file = AttachmentField(label="佐证材料", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=500,
        error_messages={"required": "请填写原因", "max_length": "原因最多 500 字"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
