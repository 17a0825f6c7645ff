"""Filterset of the import history (core's ScopedFilterSet: Bootstrap widgets)."""

import django_filters

from gonghui.core.filters import ScopedFilterSet

from .engine import kind_choices
from .models import ImportJob


class ImportJobFilterSet(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label="导入类型", choices=kind_choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=ImportJob.Status.choices, empty_label="全部")
    file_name = django_filters.CharFilter(label="文件名", lookup_expr="icontains")

    scope_label = ""

    class Meta:
        model = ImportJob
        fields: list[str] = []
