"""Form base: Bootstrap classes, the user at hand, and scoped choices for foreign keys."""

from django import forms

from gonghui.core.normalize import InvalidValue


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows its user and narrows every scoped foreign key to what the user sees."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
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
