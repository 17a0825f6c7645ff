import datetime as dt

from django import forms

from gonghui.core.forms import ScopedModelForm, autocomplete_field, run_normalizer
from gonghui.core.normalize import normalize_name, normalize_phone, normalize_resident_id
from gonghui.regions.loader import provinces

from . import services
from .models import ChangeReason, Member


class MemberForm(ScopedModelForm):
    """Create (入会, with the ID number) or edit a member's record. Union changes go through transfer.

    Both go through the membership services (``join``, ``update_record``), which write the event and the
    audit row; ``ip`` is the client's address for that row."""

    audited_by_service = True  # ObjectEditView writes no audit row of its own

    id_number = forms.CharField(label="身份证号", max_length=40, help_text="18 位；15 位一代证自动升级")
    phone = forms.CharField(label="手机号", max_length=30, required=False)

    autocomplete = {"union": "active-unions", "workplace": "workplaces"}
    field_order = ["name", "id_number", "phone", "union", "workplace", "join_date"]

    class Meta:
        model = Member
        fields = [
            "name",
            "union",
            "workplace",
            "join_date",
            "employment_status",
            "is_migrant_worker",
            "new_form_group",
        ]
        widgets = {"join_date": forms.DateInput()}

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        self.fields["new_form_group"].queryset = self.fields["new_form_group"].queryset.filter(is_active=True)
        if self.instance.pk:
            # Identity and union are not edited here: the ID is the person, the union changes by transfer.
            del self.fields["id_number"]
            del self.fields["union"]
            del self.fields["join_date"]
            self.fields["phone"].help_text = f"当前：{self.instance.phone_masked or '未填'}；留空表示不修改"
        else:
            self.fields["join_date"].initial = dt.date.today()

    def clean_name(self):
        return run_normalizer(self, "name", normalize_name)

    def clean_id_number(self):
        self.resident_id = run_normalizer(self, "id_number", normalize_resident_id)
        return self.resident_id.number

    def clean_phone(self):
        return run_normalizer(self, "phone", normalize_phone)

    def clean_join_date(self):
        value = self.cleaned_data["join_date"]
        if value and value > dt.date.today():
            raise forms.ValidationError("入会日期不能晚于今天")
        return value

    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk:
            return services.update_record(
                super().save(commit=False),
                actor=self.user,
                phone=data.get("phone", ""),
                changed=[str(self.fields[name].label) for name in self.changed_data],
                ip=self.ip,
            )
        applicant = services.Applicant(
            resident_id=self.resident_id,
            name=data["name"],
            phone=data.get("phone", ""),
            is_migrant_worker=data["is_migrant_worker"],
            new_form_group=data.get("new_form_group"),
            workplace=data.get("workplace"),
            employment_status=data["employment_status"],
        )
        return services.join(applicant, data["union"], data["join_date"], actor=self.user, ip=self.ip)


class _ChangeForm(forms.Form):
    date = forms.DateField(
        label="变动日期",
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label="备注", max_length=255, required=False)

    def __init__(self, *args, user=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.member = user, member
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > dt.date.today():
            raise forms.ValidationError("变动日期不能晚于今天")
        if self.member and value < self.member.join_date:
            raise forms.ValidationError("变动日期不能早于入会日期")
        return value


class TransferForm(_ChangeForm):
    reason = forms.ChoiceField(
        label="转接原因",
        choices=[(c, ChangeReason(c).label) for c in ("job_change", "employer_closed", "other")],
    )
    field_order = ["to_union", "workplace", "date", "reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        to_union = autocomplete_field("active-unions", self.user, label="转入工会")
        to_union.queryset = to_union.queryset.exclude(pk=self.member.union_id)
        workplace = autocomplete_field("workplaces", self.user, label="新工作单位", required=False)
        for field in (to_union, workplace):
            field.widget.attrs["class"] = "form-select"
        self.fields = {"to_union": to_union, "workplace": workplace, **self.fields}


class ProvinceTransferForm(_ChangeForm):
    province = forms.ChoiceField(label="转入省份")
    reason = forms.ChoiceField(
        label="转出原因",
        choices=[(c, ChangeReason(c).label) for c in ("job_change", "employer_closed", "other")],
    )
    field_order = ["province", "date", "reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = services.home_province(self.member)
        self.fields["province"].choices = [("", "请选择省份")] + [
            (code, name) for code, name in provinces() if code != own
        ]


class RetainForm(_ChangeForm):
    reason = forms.ChoiceField(
        label="保留原因",
        choices=[
            (c, ChangeReason(c).label) for c in ("retired", "unemployed", "laid_off", "employer_closed")
        ],
    )
    field_order = ["date", "reason", "note"]


class LeaveForm(_ChangeForm):
    reason = forms.ChoiceField(
        label="离会原因",
        choices=[(c, ChangeReason(c).label) for c in ("voluntary", "lapsed", "criminal", "other")],
    )
    expel = forms.BooleanField(label="除名（仅限受刑事处分）", required=False)
    field_order = ["date", "reason", "expel", "note"]
