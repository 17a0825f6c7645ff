import datetime as dt

from django import forms

from gonghui.core.forms import ScopedModelForm, run_normalizer
from gonghui.core.normalize import normalize_name, normalize_resident_id

from . import services
from .models import TrainingKind, TrainingSession


class TrainingSessionForm(ScopedModelForm):
    """登记 or edit a session, through the services (event + audit)."""

    audited_by_service = True
    autocomplete = {"organiser": "active-unions"}

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "kind",
            "organiser",
            "start_date",
            "end_date",
            "online",
            "place",
            "mode",
            "headcount",
        ]
        widgets = {"start_date": forms.DateInput(), "end_date": forms.DateInput()}

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        active = TrainingKind.objects.filter(is_active=True)
        if self.instance.pk:
            active = active | TrainingKind.objects.filter(pk=self.instance.kind_id)
            # The organiser is fixed once recorded (its county's figures depend on it); the head count
            # changes through 登记人数 (an event of its own).
            del self.fields["organiser"]
            del self.fields["headcount"]
        else:
            self.fields["end_date"].initial = dt.date.today()
        self.fields["kind"].queryset = active.distinct()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        session = self.instance
        for name in ("title", "kind", "organiser", "start_date", "end_date", "online", "place", "mode"):
            if name in data:
                setattr(session, name, data[name])
        try:
            services.check_session(session)
        except services.TrainingError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def save(self, commit=True):
        return services.save_session(
            super().save(commit=False),
            actor=self.user,
            changed=[str(self.fields[name].label) for name in self.changed_data],
            ip=self.ip,
        )


class HeadcountForm(forms.Form):
    headcount = forms.IntegerField(
        label="参训人数",
        min_value=0,
        max_value=1000000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": "请填写参训人数",
            "invalid": "参训人数须为整数",
            "min_value": "参训人数不能为负数",
            "max_value": "参训人数有误",
        },
    )


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label="姓名",
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写姓名"},
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写身份证号"},
    )

    def clean_name(self):
        return run_normalizer(self, "name", normalize_name)

    def clean_id_number(self):
        return run_normalizer(self, "id_number", normalize_resident_id)

    def person(self) -> services.Person:
        return services.Person(self.cleaned_data["id_number"], self.cleaned_data["name"])


class CancelForm(forms.Form):
    note = forms.CharField(
        label="撤销原因",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
