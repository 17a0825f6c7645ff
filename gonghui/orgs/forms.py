from django import forms

from gonghui.core.forms import ScopedModelForm, run_normalizer
from gonghui.core.normalize import normalize_uscc

from .models import UnionOrg, Workplace


class WorkplaceForm(ScopedModelForm):
    autocomplete = {"region": "regions", "governing_union": "federations"}

    class Meta:
        model = Workplace
        fields = [
            "name",
            "uscc",
            "ownership",
            "industry",
            "employee_count",
            "region",
            "governing_union",
            "address",
            "is_legal_entity",
            "is_above_scale",
            "has_workers_congress",
            "workers_congress_since",
            "has_open_affairs",
            "open_affairs_since",
            "has_employee_director",
            "employee_director_since",
            "has_employee_supervisor",
            "employee_supervisor_since",
            "registered_on",
            "closed_on",
        ]
        widgets = {
            f: forms.DateInput()
            for f in (
                "registered_on",
                "closed_on",
                "workers_congress_since",
                "open_affairs_since",
                "employee_director_since",
                "employee_supervisor_since",
            )
        }

    def clean_uscc(self):
        return run_normalizer(self, "uscc", normalize_uscc) or None

    def clean(self):
        data = super().clean()
        for flag in ("workers_congress", "open_affairs", "employee_director", "employee_supervisor"):
            if data.get(f"{flag}_since") and not data.get(f"has_{flag}"):
                self.add_error(f"has_{flag}", "填写了建立日期，请同时勾选此项")
        registered, closed = data.get("registered_on"), data.get("closed_on")
        if registered and closed and closed < registered:
            self.add_error("closed_on", "注销日期不能早于登记日期")
        return data


class UnionOrgForm(ScopedModelForm):
    autocomplete = {"parent": "unions", "region": "regions", "workplaces": "workplaces"}

    class Meta:
        model = UnionOrg
        fields = [
            "name",
            "kind",
            "parent",
            "region",
            "uscc",
            "founded_on",
            "chair_name",
            "term_start",
            "term_years",
            "has_audit_committee",
            "has_women_committee",
            "status",
            "status_changed_on",
            "workplaces",
        ]
        widgets = {
            "founded_on": forms.DateInput(),
            "term_start": forms.DateInput(),
            "status_changed_on": forms.DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = True
        parents = self.fields["parent"].queryset
        if self.instance.pk:
            # A union cannot move under itself or its own descendants.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents

    def clean_uscc(self):
        return run_normalizer(self, "uscc", normalize_uscc) or None

    def clean(self):
        data = super().clean()
        if data.get("term_start") and not data.get("term_years"):
            self.add_error("term_years", "填写了任期开始日期，请选择任期年限")
        if data.get("status") in (UnionOrg.Status.REVOKED, UnionOrg.Status.MERGED) and not data.get(
            "status_changed_on"
        ):
            self.add_error("status_changed_on", "撤销或合并的工会请填写日期")
        workplaces = data.get("workplaces")
        if data.get("kind") == "committee" and workplaces and len(workplaces) > 1:
            self.add_error("workplaces", "基层工会委员会只覆盖本单位；覆盖多个单位请选择「联合基层工会」")
        return data
