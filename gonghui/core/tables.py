"""Date and date-time columns for every list: what django-tables2's DateColumn / DateTimeColumn show (the
``date`` filter's format, aware date-times in the local time zone, ISO in exports), without rendering a
template for each cell — theirs are TemplateColumns, one template render per cell (≈ 0.1 ms, a tenth of a
list page's 50 rows). Registered with django-tables2's column library, so that a model's date field listed
in ``Meta.fields`` gets them too.
"""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.db import models
from django.utils import formats, timezone
from django_tables2.columns import library


@library.register
class DateColumn(tables.Column):
    """A date as ``format`` (the ``date`` filter's syntax, or a format setting's name) shows it."""

    default_format = ("SHORT_DATE_FORMAT", "DATE_FORMAT")

    def __init__(self, format: str | None = None, short: bool = True, *args, **kwargs):
        self.format = format or self.default_format[0 if short else 1]
        super().__init__(*args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)  # as a template shows it
        elif self.format == "Y-m-d" and isinstance(value, dt.date):
            return value.isoformat()  # what the date filter gives, without its formatter (50 cells a page)
        return formats.date_format(value, self.format)

    def value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


@library.register
class DateTimeColumn(DateColumn):
    """A date-time in the local time zone."""

    default_format = ("SHORT_DATETIME_FORMAT", "DATETIME_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def value(self, value):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value
