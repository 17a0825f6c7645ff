from gonghui.core.views import ObjectDetailView, ObjectListView

from .filters import RegionFilterSet
from .models import Region
from .tables import RegionTable


class RegionListView(ObjectListView):
    model = Region
    filterset_class = RegionFilterSet
    table_class = RegionTable

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("parent")


class RegionDetailView(ObjectDetailView):
    model = Region
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.get_queryset().filter(parent=self.object)
        # The local federations of this region, through the reverse relation of UnionOrg.region: regions
        # sits below orgs and never imports it.
        context["unions"] = self.object.unionorg_set.visible_to(self.request.user).filter(
            kind__in=["province", "city", "county", "township", "zone"]
        )
        return context
