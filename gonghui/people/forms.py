import datetime as dt

from django import forms

from gonghui.core.forms import ScopedModelForm, run_normalizer
from gonghui.core.normalize import normalize_name, normalize_phone, normalize_resident_id
from gonghui.orgs.models import UnionOrg

from . import services
from .models import AppraisalGrade, SubsidyGrade, UnionWorker


class UnionWorkerForm(ScopedModelForm):
    """聘用 (with the ID number) or edit a worker's record, through the services (event + audit)."""

    audited_by_service = True

    id_number = forms.CharField(label="身份证号", max_length=40, help_text="18 位；15 位一代证自动升级")
    phone = forms.CharField(label="手机号", max_length=30, required=False)

    autocomplete = {"union": "active-unions"}
    field_order = [
        "name",
        "id_number",
        "phone",
        "union",
        "post",
        "employer",
        "start_date",
        "probation_end",
        "grade",
    ]

    class Meta:
        model = UnionWorker
        fields = ["name", "union", "post", "employer", "start_date", "probation_end", "grade"]
        widgets = {"start_date": forms.DateInput(), "probation_end": forms.DateInput()}

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = self.fields["post"].queryset.filter(is_active=True)
        self.fields["grade"].queryset = SubsidyGrade.objects.filter(is_active=True)
        if self.instance.pk:
            # Identity, union, start and grade are not edited here: grade and status change by their steps.
            for name in ("id_number", "union", "start_date", "grade"):
                del self.fields[name]
            if self.instance.status != "probation":
                del self.fields["probation_end"]
            self.fields["phone"].help_text = f"当前：{self.instance.phone_masked or '未填'}；留空表示不修改"
        else:
            self.fields["start_date"].initial = dt.date.today()

    def clean_name(self):
        return run_normalizer(self, "name", normalize_name)

    def clean_id_number(self):
        self.resident_id = run_normalizer(self, "id_number", normalize_resident_id)
        return self.resident_id.number

    def clean_phone(self):
        return run_normalizer(self, "phone", normalize_phone)

    def clean(self):
        data = super().clean()
        if (
            not self.instance.pk
            and hasattr(self, "resident_id")
            and data.get("union")
            and data.get("post")
            and data.get("start_date")
        ):
            try:
                services.check_hire(self.hire_data(data))
            except services.StaffError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    def hire_data(self, data) -> services.Hire:
        return services.Hire(
            resident_id=self.resident_id,
            name=data["name"],
            union=data["union"],
            post=data["post"],
            start_date=data["start_date"],
            phone=data.get("phone", ""),
            employer=data.get("employer", ""),
            probation_end=data.get("probation_end"),
            grade=data.get("grade"),
        )

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
        return services.hire(self.hire_data(data), actor=self.user, ip=self.ip)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"required": f"请填写{label}", "invalid": f"{label}格式应为 年-月-日"},
    )


class StepForm(forms.Form):
    date = _date_field("生效日期")
    note = forms.CharField(
        label="说明", max_length=255, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class GradeForm(StepForm):
    grade = forms.ModelChoiceField(
        label="新补贴档次",
        queryset=SubsidyGrade.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择补贴档次"},
    )


class AppraisalForm(forms.Form):
    year = forms.IntegerField(
        label="考核年度",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": "请填写考核年度",
            "invalid": "考核年度须为四位数字",
            "min_value": "考核年度须在 2000 年以后",
            "max_value": "考核年度有误",
        },
    )
    grade = forms.ModelChoiceField(
        label="考核等次",
        queryset=AppraisalGrade.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择考核等次"},
    )
    appraiser = forms.ModelChoiceField(
        label="考核工会",
        queryset=UnionOrg.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择考核工会", "invalid_choice": "考核工会须为所在工会或其上级工会"},
    )
    note = forms.CharField(
        label="考核意见",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, worker: UnionWorker, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The worker's union and those above it that the user governs.
        chain = [*worker.union.ancestors(), worker.union]
        self.fields["appraiser"].queryset = UnionOrg.objects.visible_to(user).filter(
            pk__in=[u.pk for u in chain]
        )
        self.fields["appraiser"].initial = worker.union_id
        self.fields["year"].initial = dt.date.today().year - 1
