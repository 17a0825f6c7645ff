"""Forms of the three lists: a problem (registered by the county or a union above it), a responsibility,
a task under a problem. Every field says in Chinese what is wrong; the services decide and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionOrg

from . import problems
from .counties import county_level_unions, is_county_level
from .models import Department, Problem
from .tasks_forms import _date, _style, _Styled


def _sources_for(user, union: UnionOrg | None) -> list[tuple[str, str]]:
    node = home_node(user)
    if node is None:
        return []
    own = node.pk == union.pk if union is not None else is_county_level(node)
    if own:
        allowed = {Problem.Source.SELF_CHECK, Problem.Source.VISIT}
    else:
        allowed = {Problem.Source.RESEARCH, Problem.Source.SUPERVISION, Problem.Source.VISIT}
    return [(v, label) for v, label in Problem.Source.choices if v in allowed]


class ProblemForm(forms.ModelForm):
    """New: the county (自查) or a union above it picks the county; edit: the problem's own fields while
    it is open (the county stays)."""

    found_on = _date("发现日期")

    class Meta:
        model = Problem
        fields = ["union", "source", "description", "found_on", "severity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "union": {"required": "请选择县级工会", "invalid_choice": "请选择管辖范围内的县级工会"},
            "source": {"required": "请选择问题来源", "invalid_choice": "您不能登记该来源的问题"},
            "description": {"required": "请填写问题描述"},
            "severity": {"required": "请选择严重程度"},
        }

    audited_by_service = True  # register_problem / update_problem write the event and the audit row

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        node = home_node(user)
        if self.instance.pk:
            del self.fields["union"]
            choices = _sources_for(user, self.instance.union)
            if self.instance.source not in {v for v, _ in choices}:  # kept as registered
                choices.insert(0, (self.instance.source, self.instance.get_source_display()))
            self.fields["source"].choices = choices
        else:
            counties = county_level_unions(node) if node is not None else UnionOrg.objects.none()
            self.fields["union"].queryset = counties
            self.fields["union"].label = "县级工会"
            self.fields["union"].empty_label = None if counties.count() == 1 else "请选择"
            self.fields["source"].choices = [("", "请选择"), *_sources_for(user, None)]
        _style(self)

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.status == Problem.Status.CLOSED:
            raise ValidationError("问题已销号，不能再修改；如需继续整改，请由督导单位重新打开")
        if not self.instance.pk and "union" not in self.errors and not self.fields["union"].queryset.exists():
            raise ValidationError("您的单位不是县级工会，管辖范围内也没有县级工会，不能登记问题")
        union = data.get("union") or (self.instance.union if self.instance.pk else None)
        if union is not None and data.get("source") and data.get("description") and data.get("found_on"):
            try:
                if not self.instance.pk:
                    problems.check_new_problem(
                        self.user, union, data["source"], data["description"], data["found_on"]
                    )
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from exc
        return data

    def save_service(self, ip: str | None = None) -> Problem:
        data = self.cleaned_data
        if self.instance.pk:
            return problems.update_problem(
                self.instance,
                actor=self.user,
                source=data["source"],
                description=data["description"],
                found_on=data["found_on"],
                severity=data["severity"],
                ip=ip,
            )
        return problems.register_problem(
            union=data["union"],
            source=data["source"],
            description=data["description"],
            found_on=data["found_on"],
            severity=data["severity"],
            actor=self.user,
            ip=ip,
        )


class ResponsibilityForm(_Styled):
    department = forms.ModelChoiceField(
        label="责任部门", required=False, queryset=Department.objects.none(), empty_label="（不选）"
    )
    union = forms.ModelChoiceField(
        label="责任工会", required=False, queryset=UnionOrg.objects.none(), empty_label="（不选）"
    )
    lead_title = forms.CharField(
        label="牵头负责人（职务）",
        max_length=50,
        help_text="写职务，如“分管副主席”“基层工作部部长”",
        error_messages={"required": "请填写牵头负责人的职务", "max_length": "职务最多 50 字"},
    )
    note = forms.CharField(
        label="责任内容", required=False, max_length=200, error_messages={"max_length": "责任内容最多 200 字"}
    )

    def __init__(self, *args, problem: Problem, **kwargs):
        super().__init__(*args, **kwargs)
        # The departments of the county and of the federations above it; the county and its direct
        # sub-unions (townships, the new-form federation).
        ancestors = _ancestor_paths(problem.union.path)
        self.fields["department"].queryset = (
            Department.objects.filter(union__path__in=ancestors, is_active=True)
            .select_related("union")
            .order_by("union__path", "order", "name")
        )
        self.fields["department"].label_from_instance = lambda d: f"{d.union.name} · {d.name}"
        self.fields["union"].queryset = UnionOrg.objects.filter(
            Q(pk=problem.union_id) | Q(parent=problem.union_id), status=UnionOrg.Status.ACTIVE
        ).order_by("path")
        self.fields["department"].error_messages["invalid_choice"] = "请选择列出的部门"
        self.fields["union"].error_messages["invalid_choice"] = "请选择列出的工会"

    def clean(self):
        data = super().clean()
        if not data.get("department") and not data.get("union") and not self.errors:
            raise ValidationError("请选择责任部门或责任工会")
        return data


def _ancestor_paths(path: str) -> list[str]:
    step = 9  # core.models.path_segment: fixed width
    return [path[:n] for n in range(step, len(path) + 1, step)]


class ProblemTaskForm(_Styled):
    title = forms.CharField(
        label="整改任务",
        max_length=200,
        error_messages={"required": "请填写整改任务", "max_length": "整改任务最多 200 字"},
    )
    content = forms.CharField(
        label="任务内容（选填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = _date("完成时限")
