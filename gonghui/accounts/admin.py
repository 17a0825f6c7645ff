from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


@admin.register(User)
class GonghuiUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("管辖范围", {"fields": ("full_name", "union", "role")}))
    list_display = ("username", "full_name", "union", "role", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("union",)


admin.site.register(ApiToken)
