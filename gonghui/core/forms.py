"""Form base: Bootstrap classes, the user at hand, scoped choices and scoped autocomplete for big FKs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from gonghui.core.normalize import InvalidValue
from gonghui.core.search import name_contains

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

AUTOCOMPLETE_LIMIT = 20


@dataclass(frozen=True)
class AutocompleteSource:
    """Where an autocomplete field looks: the user's scoped queryset and how a row is labelled.

    The same ``queryset(user)`` narrows the form field (server-side validation) and answers the JSON
    endpoint (what the widget offers), so the two can never disagree about scope.
    """

    name: str
    queryset: Callable[[object], QuerySet]
    search_field: str = "name"
    label: Callable[[object], str] = str

    def search(self, user, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> tuple[list[dict], bool]:
        """At most ``limit`` rows whose name contains ``text`` (「方村」 finds 「镜湖区方村街道总工会」;
        a trigram index on PostgreSQL, see core.search); ``more`` says whether there were more."""
        rows = name_contains(self.queryset(user), self.search_field, text)
        found = list(rows.order_by(self.search_field, "pk")[: limit + 1])
        results = [{"value": row.pk, "text": self.label(row)} for row in found[:limit]]
        return results, len(found) > limit


# The sources by name. Each app registers its own in ``AppConfig.ready()`` (orgs: unions, workplaces;
# regions: regions), so every source exists once the app registry is ready, whichever forms were imported.
_SOURCES: dict[str, AutocompleteSource] = {}


def register_autocomplete(source: AutocompleteSource) -> AutocompleteSource:
    _SOURCES[source.name] = source
    return source


def autocomplete_source(name: str) -> AutocompleteSource | None:
    return _SOURCES.get(name)


class AutocompleteSelect(forms.Select):
    """A <select> that renders only the selected option(s); tom-select fetches the rest by keyword (contains)."""

    allow_multiple_selected = False

    def __init__(self, source: str, attrs=None, placeholder: str = "输入名称中的关键字查找…"):
        super().__init__(attrs)
        self.source = source
        self.placeholder = placeholder

    def optgroups(self, name, value, attrs=None):
        # Never iterate the whole queryset (millions of rows in production): only the chosen values.
        chosen = [v for v in value if v not in ("", None)]
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not chosen, 0, attrs=attrs))
        queryset = getattr(self.choices, "queryset", None)
        if chosen and queryset is not None:
            try:
                rows = list(queryset.filter(pk__in=chosen))
            except (ValueError, TypeError):
                rows = []
            source = autocomplete_source(self.source)
            label = source.label if source else str
            for index, row in enumerate(rows, start=1):
                options.append(self.create_option(name, str(row.pk), label(row), True, index, attrs=attrs))
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-autocomplete-url"] = reverse("core:autocomplete") + "?source=" + self.source
        widget_attrs["data-placeholder"] = self.placeholder
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        # A script file, not inline code: the Content-Security-Policy allows no inline script.
        return format_html(
            '{}<script src="{}" data-limit="{}" data-css="{}" data-js="{}"></script>',
            html,
            static("js/autocomplete.js"),
            AUTOCOMPLETE_LIMIT,
            static("vendor/tom-select/css/tom-select.bootstrap5.min.css"),
            static("vendor/tom-select/js/tom-select.complete.min.js"),
        )


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    allow_multiple_selected = True


class _SourceLabels:
    """Options labelled by the autocomplete source, as the search results are."""

    label_of: Callable[[object], str] = str

    def label_from_instance(self, obj) -> str:
        return self.label_of(obj)


class SourceChoiceField(_SourceLabels, forms.ModelChoiceField):
    pass


class SourceMultipleChoiceField(_SourceLabels, forms.ModelMultipleChoiceField):
    pass


def autocomplete_field(
    source: str,
    user,
    *,
    label: StrOrPromise | None,
    required: bool = True,
    multiple: bool = False,
    help_text: StrOrPromise = "",
) -> SourceChoiceField | SourceMultipleChoiceField:
    """A form field whose choices are ``source``'s scoped queryset: a pk outside it is a form error."""
    src = _SOURCES[source]
    field_class = SourceMultipleChoiceField if multiple else SourceChoiceField
    widget_class = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    field = field_class(
        queryset=src.queryset(user),
        label=label,
        required=required,
        help_text=help_text,
        widget=widget_class(source),
    )
    field.label_of = src.label
    return field


def autocomplete_json(source_name: str, user, text: str) -> dict:
    source = autocomplete_source(source_name)
    if source is None:
        raise KeyError(source_name)
    results, more = source.search(user, text)
    return {"results": results, "more": more}


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows its user and narrows every scoped foreign key to what the user sees.

    ``autocomplete = {"field": "source"}`` turns a foreign key (or many-to-many) into a scoped
    autocomplete instead of a <select> listing every row.
    """

    autocomplete: dict[str, str] = {}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, source in self.autocomplete.items():
            if name in self.fields:
                old = self.fields[name]
                new = autocomplete_field(
                    source,
                    user,
                    label=old.label,
                    required=old.required,
                    multiple=isinstance(old, forms.ModelMultipleChoiceField),
                    help_text=old.help_text,
                )
                new.initial = old.initial
                self.fields[name] = new
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                queryset = field.queryset
                if queryset is not None and hasattr(queryset, "visible_to"):
                    field.queryset = queryset.visible_to(user)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


def run_normalizer(form: forms.Form, field: str, normalizer):
    """Apply a core.normalize function to a form field, turning InvalidValue into a field error."""
    try:
        return normalizer(form.cleaned_data.get(field))
    except InvalidValue as exc:
        raise forms.ValidationError(str(exc)) from None


__all__ = [
    "AUTOCOMPLETE_LIMIT",
    "AutocompleteSelect",
    "AutocompleteSelectMultiple",
    "AutocompleteSource",
    "ScopedModelForm",
    "autocomplete_field",
    "autocomplete_json",
    "autocomplete_source",
    "register_autocomplete",
    "run_normalizer",
]
