import datetime as dt

from django import forms

from gonghui.core.forms import ScopedModelForm, run_normalizer
from gonghui.core.normalize import normalize_name, normalize_phone, normalize_resident_id
from gonghui.honours.models import Level

from . import services
from .models import ModelWorker, ServiceKind, Studio, TitleKind


def _year_field(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1950,
        max_value=2100,
        required=required,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}须为四位数字",
            "min_value": f"{label}须在 1950 年以后",
            "max_value": f"{label}有误",
        },
    )


class ModelWorkerForm(ScopedModelForm):
    """登记 (with the ID number and, optionally, a first title) or edit a person, through the services."""

    audited_by_service = True

    id_number = forms.CharField(label="身份证号", max_length=40, help_text="18 位；15 位一代证自动升级")
    phone = forms.CharField(label="手机号", max_length=30, required=False)
    title_kind = forms.ModelChoiceField(
        label="称号类别", queryset=TitleKind.objects.filter(is_active=True), required=False
    )
    title_level = forms.ChoiceField(
        label="称号级别", choices=[("", "---------"), *Level.choices], required=False
    )
    title_year = _year_field("授予年度", required=False)
    document_no = forms.CharField(label="文号", max_length=100, required=False)

    autocomplete = {"union": "active-unions"}
    field_order = ["name", "id_number", "phone", "union", "workplace", "industry", "position"]

    class Meta:
        model = ModelWorker
        fields = ["name", "union", "workplace", "industry", "position", "note"]

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The identity and the keeping union are not edited here; titles are added on the person's page.
            for name in ("id_number", "union", "title_kind", "title_level", "title_year", "document_no"):
                del self.fields[name]
            self.fields["phone"].help_text = f"当前：{self.instance.phone_masked or '未填'}；留空表示不修改"
        else:
            self.fields["title_kind"].help_text = "可同时登记一项称号，其余称号在人员页面添加"

    def clean_name(self):
        return run_normalizer(self, "name", normalize_name)

    def clean_id_number(self):
        self.resident_id = run_normalizer(self, "id_number", normalize_resident_id)
        return self.resident_id.number

    def clean_phone(self):
        return run_normalizer(self, "phone", normalize_phone)

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        parts = [data.get("title_kind"), data.get("title_level"), data.get("title_year")]
        if any(parts) and not all(parts):
            raise forms.ValidationError("登记称号须同时填写称号类别、级别和授予年度")
        try:
            if all(parts):
                services.check_title(self.title_data(data))
            if data.get("union"):
                services.check_union(data["union"])
        except services.RegisterError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def title_data(self, data) -> services.TitleData:
        return services.TitleData(
            kind=data["title_kind"],
            level=data["title_level"],
            year=data["title_year"],
            document_no=data.get("document_no", ""),
        )

    def person_data(self, data) -> services.Person:
        return services.Person(
            resident_id=self.resident_id,
            name=data["name"],
            union=data["union"],
            phone=data.get("phone", ""),
            workplace=data.get("workplace", ""),
            industry=data.get("industry", ""),
            position=data.get("position", ""),
            note=data.get("note", ""),
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
        titles = [self.title_data(data)] if data.get("title_kind") else []
        return services.register(self.person_data(data), titles, actor=self.user, ip=self.ip)


class TitleForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="称号类别",
        queryset=TitleKind.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择称号类别", "invalid_choice": "请选择可用的称号类别"},
    )
    level = forms.ChoiceField(
        label="级别",
        choices=Level.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择级别", "invalid_choice": "请选择可用的级别"},
    )
    year = _year_field("授予年度")
    document_no = forms.CharField(
        label="文号", max_length=100, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    awarded_by = forms.CharField(
        label="授予机关",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year
        self.fields["level"].initial = "city"  # 市级 titles are the common ones (芜湖工匠, 市劳模)


class ServiceForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="服务项目",
        queryset=ServiceKind.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择服务项目", "invalid_choice": "请选择可用的服务项目"},
    )
    date = forms.DateField(
        label="日期",
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写日期", "invalid": "日期格式应为 年-月-日"},
    )
    amount = forms.DecimalField(
        label="金额（元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "invalid": "金额须为数字",
            "min_value": "金额不能为负数",
            "max_digits": "金额过大",
            "max_decimal_places": "金额最多两位小数",
        },
    )
    note = forms.CharField(
        label="说明", max_length=255, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class RemoveTitleForm(forms.Form):
    title = forms.IntegerField(min_value=1, error_messages={"required": "请选择称号", "invalid": "称号有误"})


class StudioForm(ScopedModelForm):
    """命名 or edit a studio with its members (people the user sees) and leader, through the service."""

    audited_by_service = True

    autocomplete = {"union": "active-unions", "members": "model-workers", "leader": "model-workers"}
    founded_year = _year_field("命名年度")

    class Meta:
        model = Studio
        fields = ["name", "level", "founded_year", "union", "workplace", "leader", "members", "achievements"]
        widgets = {"achievements": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, ip: str | None = None, **kwargs):
        self.ip = ip
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["founded_year"].initial = dt.date.today().year

    def clean(self):
        data = super().clean()
        if data.get("union") and data.get("founded_year"):
            studio = self.instance
            members = list(data.get("members") or [])
            leader = data.get("leader")
            if leader is not None and leader not in members:
                members.append(leader)  # the leader is a member: added rather than refused
                data["members"] = members
            try:
                probe = Studio(union=data["union"], leader=leader, pk=studio.pk)
                services.check_studio(probe, members)
            except services.RegisterError as exc:
                raise forms.ValidationError(str(exc)) from None
            if data["founded_year"] > dt.date.today().year:
                self.add_error("founded_year", "命名年度不能晚于今年")
        return data

    def save(self, commit=True):
        studio = super().save(commit=False)
        return services.save_studio(
            studio,
            list(self.cleaned_data.get("members") or []),
            actor=self.user,
            ip=self.ip,
            changed="、".join(str(self.fields[n].label) for n in self.changed_data),
        )
