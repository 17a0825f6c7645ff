"""The venue form (saved through ``services.save_venue``, which writes the event and the audit row) and
the inspection form (one yes/no per item of the venue's kind)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.orgs.models import UnionOrg
from gonghui.regions.models import Region

from . import services
from .models import ChecklistItem, Venue


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"


class VenueForm(forms.ModelForm):
    audited_by_service = True

    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "operator",
            "region",
            "address",
            "longitude",
            "latitude",
            "opening_hours",
            "stars",
            "status",
            "opened_on",
            "closed_on",
        ]
        widgets = {"opened_on": forms.DateInput(), "closed_on": forms.DateInput()}
        error_messages = {
            "name": {"required": "请填写名称"},
            "address": {"required": "请填写地址"},
            "kind": {"required": "请选择阵地类别"},
            "operator": {"required": "请选择运营工会"},
            "region": {"required": "请选择所在县区"},
            "longitude": {"invalid": "经度须为数字", "max_digits": "经度最多 3 位整数、6 位小数"},
            "latitude": {"invalid": "纬度须为数字", "max_digits": "纬度最多 2 位整数、6 位小数"},
            "stars": {"invalid": "星级须为 1～5 的整数"},
            "opened_on": {"invalid": "请填写正确的建成日期（年-月-日）"},
            "closed_on": {"invalid": "请填写正确的停用日期（年-月-日）"},
        }

    def __init__(self, *args, user=None, ip=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip
        self.fields["operator"].queryset = UnionOrg.objects.visible_to(user).filter(
            status=UnionOrg.Status.ACTIVE
        )
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level=Region.Level.COUNTY)
        # Chinese range messages (Django's validators say "Ensure this value …" in the active language).
        for name, low, high in (("longitude", 73, 136), ("latitude", 3, 54), ("stars", 1, 5)):
            field = self.fields[name]
            field.error_messages["min_value"] = field.error_messages["max_value"] = (
                f"{field.label}须在 {low}～{high} 之间"
            )
        self.fields["longitude"].help_text = "国测局坐标（高德、腾讯地图所用），如 118.4012"
        self.fields["latitude"].help_text = "国测局坐标，如 31.3521"
        _style(self)

    def save(self, commit: bool = True) -> Venue:
        venue = super().save(commit=False)
        changed = [str(self.fields[n].label) for n in self.changed_data] if self.instance.pk else None
        try:
            return services.save_venue(venue, actor=self.user, ip=self.ip, changed=changed)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label="检查日期",
        widget=forms.DateInput(),
        error_messages={"required": "请填写检查日期", "invalid": "请填写正确的检查日期（年-月-日）"},
    )
    inspector = forms.CharField(
        label="检查人（单位）", max_length=100, error_messages={"required": "请填写检查人（单位）"}
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(ChecklistItem.objects.filter(kind=venue.kind_id))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.name,
                choices=[("1", "符合"), ("0", "不符合")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
                help_text=item.description,
                error_messages={"required": f"请选择「{item.name}」是否符合"},
            )
        _style(self)

    def clean_inspected_on(self):
        day = self.cleaned_data["inspected_on"]
        if day > timezone.localdate():
            raise ValidationError("检查日期不能晚于今天")
        return day

    def to_input(self) -> services.InspectionInput:
        data = self.cleaned_data
        return services.InspectionInput(
            inspected_on=data["inspected_on"],
            inspector=data["inspector"],
            met={item.pk: data[f"item_{item.pk}"] for item in self.items},
            note=data.get("note", ""),
        )
