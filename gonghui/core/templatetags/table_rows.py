"""One table row rendered in Python: what django-tables2's ``{% for column, cell in row.items %}`` loop does
in the template, at a fraction of the cost.

The list pages draw 50 rows of 6–10 columns; in the template every cell recomputed its column's ``td``
attributes (classes merged and sorted, HTML joined) and went through the template engine's variable and
``if`` machinery — about 1 ms a row, most of a member list page's server time. Here each cell is still
django-tables2's own (``BoundRow.get_cell``: accessors, choices' display, ``render_*``, links), escaped and
localised as ``{{ cell }}`` would be; a column's ``td`` attributes are computed once per table unless they
depend on the record (a callable in the table's or the column's attrs).
"""

from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag(takes_context=True)
def table_row(context, row) -> SafeString:
    """``<tr …><td …>cell</td>…</tr>`` for one ``BoundRow``, equal to django-tables2's bootstrap5 row."""
    table = row.table
    cells = []
    for column in table.columns:
        value = row.get_cell(column.name)
        # As BoundRow.items(): attrs callables read the current record and value.
        column.current_value, column.current_record = value, row.record
        if column.localize is None:
            shown = render_value_in_context(value, context)
        else:
            shown = render_value_in_context((localize if column.localize else unlocalize)(value), context)
        cells.append(format_html("<td {}>{}</td>", _td_attrs(table, column), shown))
    return format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells)))
