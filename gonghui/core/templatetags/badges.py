from django import template
from django.utils.html import format_html_join

from gonghui.core.badges import badges_for

register = template.Library()


@register.simple_tag
def object_badges(obj) -> str:
    """The registered warning badges of an object (gonghui.core.badges), as Bootstrap badges."""
    return format_html_join(
        " ",
        '<span class="badge text-bg-{} object-badge"><i class="bi bi-exclamation-triangle"></i> {}</span>',
        ((level, text) for text, level in badges_for(obj)),
    )
