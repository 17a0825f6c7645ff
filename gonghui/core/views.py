"""Generic, scoped views: every domain app's list/detail/edit pages are these with a few attributes.

Scope comes first: each view starts from ``Model.objects.visible_to(request.user)``, so an object outside
the user's subtree is a 404, and a write that would land outside it is rolled back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.generic import DetailView, TemplateView
from django.views.generic.detail import SingleObjectTemplateResponseMixin
from django.views.generic.edit import ModelFormMixin, ProcessFormView
from django_filters.views import FilterMixin
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from . import audit, home
from .forms import autocomplete_json
from .models import AuditEvent
from .params import ParamError, page_param, per_page_param
from .scope import home_node
from .search import count_capped


class ScopedMixin(LoginRequiredMixin):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class ObjectListView(ScopedMixin, FilterMixin, SingleTableMixin, TemplateView):
    """List page: scoped queryset → filterset → sortable table, paginated without COUNT(*) so that it
    stays fast on millions of rows; the total is counted up to a cap (「共 N 条」, above it 「超过 N 条」)."""

    template_name = "core/object_list.html"
    filterset_class = None
    table_class = None
    paginate_by = 50
    paginator_class = LazyPaginator
    title = ""
    add_url_name = ""
    extra_actions_template = ""

    def get_filterset_kwargs(self, filterset_class):
        return {
            "data": self.request.GET or None,
            "request": self.request,
            "queryset": self.get_base_queryset(),
        }

    def get_base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        # Malformed page numbers are a 400 here, before the paginator turns them into an SQL offset.
        page_param(request)
        per_page_param(request, default=self.paginate_by)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        if request.GET.get("export") in ("xlsx", "csv"):
            return self.export(request)
        return super().get(request, *args, **kwargs)

    # --- export (issue 3): the current filters and scope, to .xlsx / .csv ----------------------
    def export(self, request):
        """Small exports stream back at once; large ones become a background job (a page that polls)."""
        from gonghui.imports import exports

        return exports.export_response(self, request, self.object_list)

    def export_querystring(self) -> str:
        params = self.request.GET.copy()
        for key in ("export", "full", "page", "sort"):
            params.pop(key, None)
        return params.urlencode()

    def get_table_data(self):
        return self.object_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total, exact = count_capped(self.object_list)
        context.update(
            filter=self.filterset,
            total_label=f"{total:,}",
            total_exact=exact,
            title=self.title or self.model._meta.verbose_name_plural,
            add_url_name=self.add_url_name if self.request.user.can_edit else "",
            extra_actions_template=self.extra_actions_template,
            model_meta=self.model._meta,
        )
        context.update(self.export_context())
        return context

    def export_context(self) -> dict:
        from gonghui.imports import exports

        return exports.list_page_context(self)


class ObjectDetailView(ScopedMixin, DetailView):
    pass


class ObjectEditView(ScopedMixin, SingleObjectTemplateResponseMixin, ModelFormMixin, ProcessFormView):
    """Create (no pk in the URL) or edit. Only editing roles; the saved object must still be inside the
    user's scope after save, or the transaction is rolled back."""

    template_name = "core/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_edit:
            raise PermissionDenied("您的角色只能查看，不能修改")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return super().get_object(queryset)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save_form(self, form):
        return form.save()

    def form_valid(self, form):
        creating = self.object is None
        with transaction.atomic():
            self.object = self.save_form(form)
            if not self.get_queryset().filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied("保存后的记录不在您的管辖范围内")
            if not getattr(
                form, "audited_by_service", False
            ):  # else the service wrote it in this transaction
                audit.record(
                    self.request,
                    AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
                    self.object,
                    detail="、".join(form.changed_data),
                )
        messages.success(self.request, f"已保存「{self.object}」")
        return redirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context["title"] = f"编辑{meta.verbose_name}" if self.object else f"新增{meta.verbose_name}"
        context["model_meta"] = meta
        return context


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"
    open_without_node = True  # it tells a user with no node why they see nothing

    def get_context_data(self, **kwargs):
        node = home_node(self.request.user)
        panels = home.panel_urls(node) if node is not None else []
        return {**super().get_context_data(**kwargs), "node": node, "panels": panels}


@login_required
def autocomplete(request: HttpRequest) -> JsonResponse:
    """?source=<a registered source>&q=prefix → at most 20 scoped matches. The sources (unions,
    workplaces, regions …) are registered by their apps in ``AppConfig.ready()``."""
    try:
        data = autocomplete_json(request.GET.get("source", ""), request.user, request.GET.get("q", ""))
    except KeyError:
        return JsonResponse({"error": "未知的查询来源"}, status=400)
    return JsonResponse(data)


def bad_request(request, exception):
    """handler400: the Chinese reason of a malformed parameter (``ParamError``), as JSON under
    /api/ and as a page elsewhere. Other 400s (Django's own) get a general sentence."""
    message = str(exception) if isinstance(exception, ParamError) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "请求参数有误"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
