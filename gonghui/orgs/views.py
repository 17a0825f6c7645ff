from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from gonghui.core.forms import autocomplete_json
from gonghui.core.params import id_param
from gonghui.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from .filters import UnionOrgFilterSet, WorkplaceFilterSet
from .forms import UnionOrgForm, WorkplaceForm
from .models import UnionOrg, Workplace
from .stats import subtree_counts
from .tables import UnionOrgTable, WorkplaceTable


class WorkplaceListView(ObjectListView):
    model = Workplace
    filterset_class = WorkplaceFilterSet
    table_class = WorkplaceTable
    add_url_name = "orgs:workplace-add"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("region", "governing_union")


class WorkplaceDetailView(ObjectDetailView):
    model = Workplace
    template_name = "orgs/workplace_detail.html"


class WorkplaceEditView(ObjectEditView):
    model = Workplace
    form_class = WorkplaceForm


class UnionListView(ObjectListView):
    model = UnionOrg
    filterset_class = UnionOrgFilterSet
    table_class = UnionOrgTable
    add_url_name = "orgs:union-add"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("region", "parent")


class UnionDetailView(ObjectDetailView):
    model = UnionOrg
    template_name = "orgs/union_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        union = self.object
        root = self.request.user.scope_root
        # Breadcrumb: only the ancestors the user may see.
        context["ancestors"] = [a for a in union.ancestors() if root is None or a.is_within(root)]
        context["children"] = self.get_queryset().filter(parent=union).select_related("region")
        context["workplaces"] = union.workplaces.all()[:50]
        return context


class UnionEditView(ObjectEditView):
    model = UnionOrg
    form_class = UnionOrgForm

    def get_initial(self):
        initial = super().get_initial()
        parent = id_param(self.request, "parent", "上级工会编号")
        if parent:
            initial["parent"] = parent
        return initial


class UnionTreeView(ScopedMixin, TemplateView):
    """省总 → 市总 → 县级 → 乡镇/开发区 → 基层: the user's node, its children expand on demand (htmx)."""

    model = UnionOrg
    template_name = "orgs/union_tree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        roots = [user.scope_root] if user.scope_root else list(self.get_queryset().filter(parent=None))
        context["rows"] = [(node, subtree_counts(node)) for node in roots]
        context["title"] = "组织树"
        return context


def _scoped_union(request, pk):
    return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)


class UnionChildrenView(ScopedMixin, TemplateView):
    model = UnionOrg

    def get(self, request, pk):
        union = _scoped_union(request, pk)
        children = self.get_queryset().filter(parent=union).select_related("region").order_by("kind", "name")
        rows = [(child, subtree_counts(child)) for child in children]
        return render(request, "orgs/_tree_rows.html", {"rows": rows, "level": union.depth + 1})


class UnionStatsView(ScopedMixin, TemplateView):
    model = UnionOrg

    def get(self, request, pk):
        union = _scoped_union(request, pk)
        return render(request, "orgs/_union_stats.html", {"union": union, "counts": subtree_counts(union)})


@login_required
def autocomplete(request: HttpRequest) -> JsonResponse:
    """?source=unions|active-unions|federations|workplaces|regions&q=keyword → at most 20 scoped names containing it."""
    try:
        data = autocomplete_json(request.GET.get("source", ""), request.user, request.GET.get("q", ""))
    except KeyError:
        return JsonResponse({"error": "未知的查询来源"}, status=400)
    return JsonResponse(data)
