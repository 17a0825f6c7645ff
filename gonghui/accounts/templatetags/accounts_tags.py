from django import template
from django.apps import apps

register = template.Library()


@register.filter
def model_verbose_name(label: str) -> str:
    """ "members.member" → "会员": audit rows store the label, people read the Chinese name."""
    if not label:
        return ""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
