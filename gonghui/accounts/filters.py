"""Filtersets of the user list and the audit log (core's ScopedFilterSet: Bootstrap widgets)."""

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.models import AuditEvent

from .models import Role, User


class UserFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="用户名或姓名", method="filter_q")
    role = django_filters.ChoiceFilter(label="角色", choices=Role.choices, empty_label="全部")

    class Meta:
        model = User
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(username__startswith=value) | Q(full_name__startswith=value))
            if value
            else queryset
        )


class IPFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


def audited_object_types() -> list[tuple[str, str]]:
    """The models an audit row may name ("members.member"), offered by their Chinese names (会员): the
    project's own models, read when the form is built (the apps are loaded by then)."""
    models = [m for m in apps.get_models() if m.__module__.startswith("gonghui.")]
    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda c: c[1])


class AuditEventFilterSet(ScopedFilterSet):
    username = django_filters.CharFilter(label="用户名", method="filter_username")
    action = django_filters.ChoiceFilter(label="操作", choices=AuditEvent.Action.choices, empty_label="全部")
    object_type = django_filters.ChoiceFilter(
        label="对象类型", choices=audited_object_types, empty_label="全部", method="filter_object_type"
    )
    ip = IPFilter(label="IP 地址")
    date_from = django_filters.DateFilter(label="起始日期", field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label="截止日期", field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = []

    def filter_username(self, queryset, name, value):
        return queryset.filter(username__startswith=value.strip()) if value.strip() else queryset

    def filter_object_type(self, queryset, name, value):
        return queryset.filter(object_type=value.strip()) if value.strip() else queryset
