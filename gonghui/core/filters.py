"""Filterset base: scoped choices and Bootstrap widgets; one filterset per model serves pages, API and exports."""

import django_filters
from django import forms


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for flt in self.filters.values():
            queryset_attr = flt.extra.get("queryset")
            if queryset_attr is not None and hasattr(queryset_attr, "visible_to"):
                flt.extra["queryset"] = queryset_attr.visible_to(user)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.NullBooleanSelect):
                # "未知" reads as a value; in a filter the empty choice means "any".
                widget.choices = [("", "全部"), ("true", "是"), ("false", "否")]
            if isinstance(widget, forms.Select | forms.NullBooleanSelect):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
