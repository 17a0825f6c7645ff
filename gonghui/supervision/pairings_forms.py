"""Forms of pairings and visits. A pairing's contact is typed as plans print it (省总领导 1, a department's
name, an industry union's name) and resolved like the imported table; the visit form registers the
problems found on the county's 问题清单 in the same step."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.normalize import clean_text
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionKind, UnionOrg

from . import pairings, plans
from .models import Pairing, Problem
from .tasks_forms import _date, _style

MAX_PROBLEMS = 20


class PairingForm(forms.ModelForm):
    """Add (the user's own federation pairs) or edit (its issuer's administrators only) a pairing; saved
    through ``pairings.create_pairing`` / ``update_pairing``, which write the audit row."""

    audited_by_service = True

    contact_name = forms.CharField(
        label="联系人（部门）",
        max_length=100,
        help_text="领导写职务，如“市总领导 1”；部门写本会部门名称；或产业（行业）工会名称",
        error_messages={"required": "请填写联系人（部门）", "max_length": "联系人（部门）最多 100 字"},
    )

    class Meta:
        model = Pairing
        fields = ["year", "campaign", "target"]
        error_messages = {
            "year": {"required": "请填写年度", "invalid": "年度须为四位数字"},
            "campaign": {"max_length": "专项工作最多 100 字"},
            "target": {"required": "请选择对口联系单位", "invalid_choice": "请选择列表中的单位"},
        }

    def __init__(self, *args, user=None, ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip
        self.issuer = self.instance.issuer if self.instance.pk else home_node(user)
        issuer = self.issuer
        targets = UnionOrg.objects.none()
        if issuer is not None:
            # County-level unions and cities of the issuer's subtree (a campaign may pair a city).
            targets = (
                pairings.county_level_targets(issuer)
                | UnionOrg.objects.filter(
                    kind=UnionKind.CITY, path__startswith=issuer.path, status=UnionOrg.Status.ACTIVE
                )
            ).exclude(pk=issuer.pk)
        self.fields["target"].queryset = targets.order_by("path")
        if self.instance.pk:
            self.initial["contact_name"] = self.instance.contact
        else:
            self.initial.setdefault("year", timezone.localdate().year)
        self.order_fields(["year", "campaign", "contact_name", "target"])
        _style(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("年度须在 2000 至 2100 之间")
        return year

    def clean_contact_name(self):
        if self.issuer is None:
            raise ValidationError("您的账号未分配所属工会")
        try:
            return pairings.resolve_contact(
                self.cleaned_data["contact_name"], plans.department_lookup(self.issuer)
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def clean_campaign(self):
        return clean_text(self.cleaned_data.get("campaign", ""))

    def save(self, commit: bool = True):
        data = self.cleaned_data
        kwargs = dict(
            year=data["year"],
            campaign=data["campaign"],
            contact=data["contact_name"],
            target=data["target"],
            actor=self.user,
            ip=self.ip,
        )
        if self.instance.pk:
            return pairings.update_pairing(self.instance, **kwargs)
        return pairings.create_pairing(issuer=self.issuer, **kwargs)


class VisitForm(forms.Form):
    visited_on = _date("走访日期")
    visitors = forms.CharField(
        label="走访人员",
        max_length=200,
        help_text="写职务或部门，如“省总领导 1、基层工作部”",
        error_messages={"required": "请填写走访人员", "max_length": "走访人员最多 200 字"},
    )
    findings = forms.CharField(
        label="发现的问题和情况",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "最多 4000 字"},
    )
    problems = forms.CharField(
        label="发现问题，登记到问题清单（选填，每行一个问题）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行登记为县级工会问题清单中的一个问题，来源为“对口联系走访”",
        error_messages={"max_length": "最多 4000 字"},
    )
    severity = forms.ChoiceField(
        label="问题严重程度",
        choices=Problem.Severity.choices,
        initial=Problem.Severity.GENERAL,
        error_messages={"invalid_choice": "请选择列表中的严重程度"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError("走访日期不能晚于今天")
        return day

    def clean(self):
        data = super().clean()
        lines = [clean_text(line) for line in (data.get("problems") or "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_PROBLEMS:
            self.add_error("problems", f"一次最多登记 {MAX_PROBLEMS} 个问题")
        severity = data.get("severity") or Problem.Severity.GENERAL
        data["problem_lines"] = [pairings.ProblemLine(line, severity) for line in lines]
        return data
