from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gonghui.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> str:
    """The panels other apps registered for the object's page (gonghui.core.panels), in order."""
    request = context.get("request")
    if request is None:
        return ""
    html = [
        render_to_string(name, {**panel_context, "object": obj}, request=request)
        for name, panel_context in panels_for(obj, request)
    ]
    return mark_safe("".join(html))  # each part rendered (and escaped) by its own template
