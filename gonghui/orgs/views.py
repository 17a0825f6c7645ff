from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import TemplateView

from gonghui.core.params import id_param
from gonghui.core.scope import EVERYTHING, covers, home_node, scope_prefix
from gonghui.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
)

from .filters import UnionOrgFilterSet, WorkplaceFilterSet
from .forms import UnionOrgForm, WorkplaceForm
from .models import UnionOrg, Workplace
from .services import record_workplace_states
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

    def save_form(self, form):
        workplace = form.save()
        record_workplace_states([workplace])  # the dated history the indicators read, same transaction
        return workplace


class WorkplaceDeleteView(ObjectDeleteView):
    """A workplace entered by mistake: deleted with its dated states, unless members, unions or joining
    applications still name it (a workplace that closed is given its 注销日期 in the edit form instead)."""

    model = Workplace
    success_url_name = "orgs:workplace-list"
    deletes_with = ("states",)


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
        # Breadcrumb: only the ancestors the user may see.
        context["ancestors"] = [a for a in union.ancestors() if covers(self.request.user, a)]
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


class UnionDeleteView(ObjectDeleteView):
    """A union is never deleted: it is revoked (撤销) and keeps its history, once it holds no active
    sub-union and no member."""

    model = UnionOrg
    success_url_name = "orgs:union-list"
    soft_label = "撤销"

    def already_deleted(self, union) -> str:
        if union.status != UnionOrg.Status.ACTIVE:
            return f"「{union}」的状态已是「{union.get_status_display()}」，不能再撤销"
        counts = subtree_counts(union)  # the members app adds the members held in the subtree
        if counts.subordinate_unions:
            return (
                f"不能撤销「{union}」：还有 {counts.subordinate_unions} 个下级工会未撤销，请先撤销或划转它们"
            )
        if counts.members:
            members = counts.members
            return f"不能撤销「{union}」：还有 {members} 名会员的会籍在本工会，请先办理转会或离会"
        return ""

    def soft_delete(self, union) -> None:
        union.status = UnionOrg.Status.REVOKED
        union.status_changed_on = timezone.localdate()
        union.save(update_fields=["status", "status_changed_on"])


def with_has_children(queryset):
    """Mark the nodes that have sub-unions: those expand in the tree, whatever their kind (a 行业工会联合会
    holding sub-federations, a 基层工会联合会 with its member unions)."""
    return queryset.annotate(has_children=Exists(UnionOrg.objects.filter(parent=OuterRef("pk"))))


class UnionTreeView(ScopedMixin, TemplateView):
    """省总 → 市总 → 县级 → 乡镇/开发区 → 基层: the user's node, its children expand on demand (htmx)."""

    model = UnionOrg
    template_name = "orgs/union_tree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # A superuser sees every root; anyone else their own node, or nothing.
        home = home_node(user)
        roots = with_has_children(
            self.get_queryset().filter(parent=None)
            if scope_prefix(user) == EVERYTHING
            else self.get_queryset().filter(pk=home.pk if home else None)
        )
        context["rows"] = [(node, subtree_counts(node)) for node in roots]
        context["title"] = "组织树"
        return context


def _scoped_union(request, pk):
    return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)


class UnionChildrenView(ScopedMixin, TemplateView):
    model = UnionOrg

    def get(self, request, pk):
        union = _scoped_union(request, pk)
        children = with_has_children(
            self.get_queryset().filter(parent=union).select_related("region").order_by("kind", "name")
        )
        rows = [(child, subtree_counts(child)) for child in children]
        return render(request, "orgs/_tree_rows.html", {"rows": rows, "level": union.depth + 1})


class UnionStatsView(ScopedMixin, TemplateView):
    model = UnionOrg

    def get(self, request, pk):
        union = _scoped_union(request, pk)
        return render(request, "orgs/_union_stats.html", {"union": union, "counts": subtree_counts(union)})
