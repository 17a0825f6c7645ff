"""The sidebar menu (base.html) drawn in Python: its sixty-odd links went through the template engine's
loop, ``if`` and variable machinery on every page, a tenth of a list page's server time. The markup is the
one the template wrote (tests/core/test_navigation.py reads it)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def navigation_menu(sections) -> SafeString:
    """The sections of ``core.context_processors.navigation_items``: a folded ``<details>`` each (the top
    one without a heading), the current page's link active."""
    parts: list[str] = []
    for section in sections:
        if section["label"]:
            parts.append(
                format_html(
                    '<details class="nav-section"{}><summary>{}</summary>',
                    mark_safe(" open") if section["open"] else "",
                    section["label"],
                )
            )
        parts.append('<ul class="nav flex-column">')
        parts.extend(
            format_html(
                '<li class="nav-item"><a class="nav-link {}" href="{}"><i class="bi {}"></i> {}</a></li>',
                "active" if entry["active"] else "",
                entry["url"],
                entry["icon"],
                entry["label"],
            )
            for entry in section["entries"]
        )
        parts.append("</ul>")
        if section["label"]:
            parts.append("</details>")
    return mark_safe("".join(parts))  # every part built by format_html
