"""Filterset base: scoped choices and Bootstrap widgets; one filterset per model serves pages, API and exports."""

import django_filters
from django import forms


class AnyBooleanSelect(forms.NullBooleanSelect):
    """全部 / 是 / 否. Django's NullBooleanSelect gives its value as one string, which the select matches
    its options against by substring: an empty 全部 option ("" is in every string) would show selected
    whatever was chosen. As a list, only the chosen option matches."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "全部"), ("true", "是"), ("false", "否")]

    def format_value(self, value):
        chosen = super().format_value(value)
        return ["" if chosen == "unknown" else chosen]


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for flt in self.filters.values():
            # A model choice filter keeps its queryset twice (``.queryset``, which it copies back into
            # ``extra`` when it builds its field, and ``extra``): both are narrowed, or the choices leak.
            source = getattr(flt, "queryset", None)
            if source is None:
                source = flt.extra.get("queryset")
            if source is not None and hasattr(source, "visible_to"):
                narrowed = source.visible_to(user)
                flt.extra["queryset"] = narrowed
                if hasattr(flt, "queryset"):
                    flt.queryset = narrowed
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.NullBooleanSelect) and not isinstance(widget, AnyBooleanSelect):
                # "未知" reads as a value; in a filter the empty choice means "any".
                widget = field.widget = AnyBooleanSelect(widget.attrs)
            if isinstance(widget, forms.Select | forms.NullBooleanSelect):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
