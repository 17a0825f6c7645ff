import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text

from .models import Region


class RegionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="search")
    level = django_filters.ChoiceFilter(label="级别", choices=Region.Level.choices)

    class Meta:
        model = Region
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(code__startswith=text) if text.isdigit() else qs.filter(name__contains=text)
