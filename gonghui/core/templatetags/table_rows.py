"""One table row rendered in Python: what django-tables2's ``{% for column, cell in row.items %}`` loop does
in the template, at a fraction of the cost.

The list pages draw 50 rows of 6–10 columns; in the template every cell recomputed its column's ``td``
attributes (classes merged and sorted, HTML joined) and went through the template engine's variable and
``if`` machinery — about 1 ms a row, most of a member list page's server time. Here each cell is still
django-tables2's own (``BoundRow.get_cell``: accessors, choices' display, ``render_*``, links), escaped and
localised as ``{{ cell }}`` would be; a column's ``td`` attributes are computed once per table unless they
depend on the record (a callable in the table's or the column's attrs).

A cell is what ``BoundRow.get_cell`` returns, with what does not change from row to row worked out once per
column (``_CellPlan``): django-tables2 inspects the render method's signature on every cell
(``call_with_appropriate``) and looks the model field up again to decide on ``get_FOO_display`` — half of
the cells' time at 50 rows × 9 columns. tests/core/test_table_rows.py renders every list page of the
project both ways and compares them.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import Accessor, signature

register = template.Library()

_CELL_KEYS = ("td", "cell")


def _per_record(column) -> bool:
    """Whether the column's td attributes are computed from the record or value (callables)."""
    for attrs in (column._table.attrs, column.column.attrs):
        for key in _CELL_KEYS:
            if any(callable(v) for v in (attrs.get(key) or {}).values()):
                return True
    return False


def _td_attrs(table, column) -> str:
    # Per table: column name → its td attributes' HTML, or None when they depend on the record.
    cache = table.__dict__.setdefault("_gonghui_td_attrs", {})
    if column.name not in cache:
        cache[column.name] = None if _per_record(column) else column.attrs["td"].as_html()
    html = cache[column.name]
    return column.attrs["td"].as_html() if html is None else html


class _CellPlan:
    """What ``BoundRow._get_and_render_with`` / ``_call_render`` work out for a cell that depends on the
    column only (django-tables2 3.0), so that each cell does just the per-record part."""

    def __init__(self, column) -> None:
        self.column = column
        self.accessor = Accessor(column.accessor)
        path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path = Accessor(path)
        self.render = column.render
        self.args, self.catch_all = signature(column.render)
        self.link = column.link
        self.empty_values = column.column.empty_values
        self.many_to_many = isinstance(column.column, ManyToManyColumn)
        self.text_link = isinstance(column.column, BaseLinkColumn) and column.column.text is not None
        self._choices: dict[type, bool] = {}  # record's class → does the accessor end on a field with choices

    def has_choices(self, record) -> bool:
        kind = type(record)
        if kind not in self._choices:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self._choices[kind] = bool(getattr(field, "choices", ()))
        return self._choices[kind]

    def cell(self, row):
        """``row.get_cell(column.name)``."""
        record = row.record
        value: Any = None
        remainder = self.remainder
        penultimate = self.path.resolve(record, quiet=True) if self.path else record
        if isinstance(penultimate, models.Model) and self.has_choices(record):
            display = getattr(penultimate, f"get_{remainder}_display", None)
            if display:
                value = display()
                remainder = None
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                if self.text_link:  # a link column with a fixed text has no value to resolve
                    return self.call_render(row, None)
        if value in self.empty_values or (self.many_to_many and not value.exists()):
            return self.column.default
        return self.call_render(row, value)

    def call_render(self, row, value):
        given = {
            "value": value,
            "record": row.record,
            "column": self.column.column,
            "bound_column": self.column,
            "bound_row": row,
            "table": row._table,
        }
        if self.catch_all:
            content = self.render(**given)
        elif all(arg in given for arg in self.args):
            content = self.render(**{arg: given[arg] for arg in self.args})
        else:  # as call_with_appropriate: a render wanting what a cell cannot give is not called
            content = None
        return self.link(content, **given) if self.link else content


def _plans(table) -> dict[str, _CellPlan]:
    plans = table.__dict__.get("_gonghui_cell_plans")
    if plans is None:
        plans = table.__dict__["_gonghui_cell_plans"] = {
            column.name: _CellPlan(column) for column in table.columns
        }
    return plans


@register.simple_tag(takes_context=True)
def table_row(context, row) -> SafeString:
    """``<tr …><td …>cell</td>…</tr>`` for one ``BoundRow``, equal to django-tables2's bootstrap5 row."""
    table = row.table
    plans = _plans(table)
    cells = []
    for column in table.columns:
        value = plans[column.name].cell(row)
        # As BoundRow.items(): attrs callables read the current record and value.
        column.current_value, column.current_record = value, row.record
        if column.localize is None:
            shown = render_value_in_context(value, context)
        else:
            shown = render_value_in_context((localize if column.localize else unlocalize)(value), context)
        # Both parts are safe already (escaped by render_value_in_context, built by AttributeDict): plain
        # concatenation instead of format_html, which escapes each argument again, lazily.
        cells.append(f"<td {_td_attrs(table, column)}>{shown}</td>")
    return format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells)))
