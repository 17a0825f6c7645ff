import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.core.search import name_contains
from gonghui.orgs.models import Industry
from gonghui.regions.models import Region

from .models import DirectoryEdition, DirectoryEntry, DirectorySource, MatchMethod


def _counties(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).filter(level=Region.Level.COUNTY)


def _editions(request):
    if request is None:
        return DirectoryEdition.objects.none()
    return DirectoryEdition.objects.visible_to(request.user).select_related("source")


class DirectoryEntryFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称关键字或信用代码", method="search")
    source = django_filters.ModelChoiceFilter(label="来源", queryset=DirectorySource.objects.all())
    edition = django_filters.ModelChoiceFilter(label="版本", field_name="last_edition", queryset=_editions)
    region = django_filters.ModelChoiceFilter(label="所属区县", queryset=_counties)
    match_method = django_filters.ChoiceFilter(label="匹配方式", choices=MatchMethod.choices)
    industry = django_filters.ChoiceFilter(label="行业", choices=Industry.choices)
    is_closed = django_filters.BooleanFilter(label="已注销或吊销")
    is_listed = django_filters.BooleanFilter(label="仍在名录中")
    min_employees = django_filters.NumberFilter(label="从业人数≥", field_name="employees", lookup_expr="gte")

    class Meta:
        model = DirectoryEntry
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value).upper()
        if len(text) == 18 and text.isalnum():
            return qs.filter(uscc=text)
        return name_contains(qs, "name", value)


class DirectoryEditionFilterSet(ScopedFilterSet):
    source = django_filters.ModelChoiceFilter(label="来源", queryset=DirectorySource.objects.all())

    class Meta:
        model = DirectoryEdition
        fields = []
