"""Reference data a federation may extend without a release: metrics (a plan may add others) and the
indicator definitions' labels and thresholds."""

from django.contrib import admin

from .models import Indicator, Metric, Snapshot, TargetItem, TargetPlan


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "unit", "source", "parent"]
    list_display_links = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "threshold", "unit_of_count", "population", "is_active"]
    list_display_links = ["code", "name"]
    readonly_fields = ["definition"]  # the computation is keyed by it: not editable


class TargetItemInline(admin.TabularInline):
    model = TargetItem
    extra = 0
    raw_id_fields = ["union"]


@admin.register(TargetPlan)
class TargetPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "doc_number", "issuer"]
    raw_id_fields = ["issuer", "created_by"]
    inlines = [TargetItemInline]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["plan", "as_of", "created_at", "created_by"]
    readonly_fields = ["plan", "as_of", "figures", "created_at", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False  # a snapshot is what a bulletin printed: never edited
