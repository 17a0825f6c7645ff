from django.contrib import admin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("region", "new_form_group", "union", "is_active", "note")
    list_filter = ("is_active", "new_form_group")
    autocomplete_fields = ()
    raw_id_fields = ("union",)
