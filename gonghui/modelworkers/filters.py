import django_filters
from django import forms
from django.db.models import Q

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.search import name_contains
from gonghui.honours.models import Level
from gonghui.orgs.filters import SubtreeFilter
from gonghui.orgs.models import UnionKind, UnionOrg

from .models import ModelWorker, Service, ServiceKind, Studio, TitleKind


def county_unions():
    """County-level unions (县级, and parks directly under a city): the 「县区」 choice of the lists (the
    filterset narrows it to the user's subtree)."""
    return UnionOrg.objects.filter(
        Q(kind=UnionKind.COUNTY) | Q(kind=UnionKind.ZONE, parent__kind=UnionKind.CITY),
        status=UnionOrg.Status.ACTIVE,
    ).order_by("path")


class CountyFilter(django_filters.ModelChoiceFilter):
    """?county=<id>: rows kept by that county-level union or anything under it."""

    def __init__(self, *args, path_lookup: str, **kwargs):
        super().__init__(*args, queryset=county_unions(), label="县区", **kwargs)
        self.path_lookup = path_lookup

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.path_lookup}__startswith": value.path})


class ModelWorkerFilterSet(ScopedFilterSet):
    """By name only (no search by number: it would answer "is this the number behind that mask"); the
    keeping union's subtree (a county: ``?union=``), and the titles' kind, level and year, the studio.
    Title conditions hold for one and the same title (全国 + 2020 = a national title of 2020)."""

    q = django_filters.CharFilter(
        label="姓名", method="search", widget=forms.TextInput(attrs={"placeholder": "姓名"})
    )
    union = SubtreeFilter(label="管理工会", path_lookup="union__path")
    county = CountyFilter(path_lookup="union__path")
    kind = django_filters.ModelChoiceFilter(
        label="称号类别", queryset=TitleKind.objects.all(), method="by_title"
    )
    level = django_filters.ChoiceFilter(label="称号级别", choices=Level.choices, method="by_title")
    year = django_filters.NumberFilter(label="授予年度", method="by_title", min_value=1950, max_value=2100)
    studio = django_filters.ModelChoiceFilter(
        label="工作室", queryset=Studio.objects.all(), field_name="studios"
    )

    scope_label = ""

    class Meta:
        model = ModelWorker
        fields = []

    def search(self, qs, name, value):
        return name_contains(qs, "name", value, short_by_prefix=True)

    def by_title(self, qs, name, value):
        # Applied once, by the first title filter that carries a value: one subquery over all three.
        if getattr(self, "_titles_done", False):
            return qs
        self._titles_done = True
        data = self.form.cleaned_data
        lookup = {f: data[f] for f in ("kind", "level", "year") if data.get(f) not in (None, "")}
        from .models import Title

        return qs.filter(pk__in=Title.objects.filter(**lookup).values("person"))

    def filter_queryset(self, queryset):
        self._titles_done = False
        return super().filter_queryset(queryset)


class StudioFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称", method="search")
    union = SubtreeFilter(label="管理工会", path_lookup="union__path")
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices)
    founded_year = django_filters.NumberFilter(label="命名年度", min_value=1950, max_value=2100)

    scope_label = ""

    class Meta:
        model = Studio
        fields = []

    def search(self, qs, name, value):
        return name_contains(qs, "name", value)


class ServiceFilterSet(ScopedFilterSet):
    union = SubtreeFilter(label="管理工会", path_lookup="person__union__path")
    county = CountyFilter(path_lookup="person__union__path")
    kind = django_filters.ModelChoiceFilter(label="服务项目", queryset=ServiceKind.objects.all())
    year = django_filters.NumberFilter(label="年度", field_name="date__year", min_value=1950, max_value=2100)
    date_from = django_filters.DateFilter(label="日期起", field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label="日期止", field_name="date", lookup_expr="lte")

    scope_label = ""

    class Meta:
        model = Service
        fields = []
