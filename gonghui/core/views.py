"""Generic, scoped views: every domain app's list/detail/edit pages are these with a few attributes.

Scope comes first: each view starts from ``Model.objects.visible_to(request.user)``, so an object outside
the user's subtree is a 404, and a write that would land outside it is rolled back.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, TemplateView
from django.views.generic.detail import SingleObjectMixin, SingleObjectTemplateResponseMixin
from django.views.generic.edit import ModelFormMixin, ProcessFormView
from django_filters.views import FilterMixin
from django_tables2 import SingleTableMixin
from django_tables2.data import TableListData
from django_tables2.paginators import LazyPaginator

from . import audit, home, keyset, navigation
from .forms import autocomplete_json
from .models import AuditEvent
from .params import ParamError, page_param, per_page_param
from .replica import ReplicaReadMixin
from .scope import home_node
from .search import count_capped, inline_total


class RoleRequiredMixin(LoginRequiredMixin):
    """Login, then one role predicate of the user (``can_edit``, ``can_review``, ``can_audit`` …) named in
    ``required_role``; a user without it gets a 403 that says why (``permission_denied_message``)."""

    required_role = ""
    permission_denied_message = "您的角色只能查看，不能修改"

    def dispatch(self, request, *args, **kwargs):
        if (
            self.required_role
            and request.user.is_authenticated
            and not getattr(request.user, self.required_role)
        ):
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)


class ScopedMixin(RoleRequiredMixin):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class _ModelRows(TableListData):
    """A keyset page's rows that still name their model: django-tables2 heads the columns with the fields'
    verbose names only when its data has a model (a plain list gave 「Join date」)."""

    def __init__(self, rows: list, model: type) -> None:
        super().__init__(rows)
        self._model = model

    @property
    def model(self):
        return self._model


class ObjectListView(ReplicaReadMixin, ScopedMixin, FilterMixin, SingleTableMixin, TemplateView):
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
    subtitle = ""
    exportable = True  # False: no export buttons, and ?export=… is ignored
    # Keyset pagination (core.keyset), opt-in: the list's order, one direction, ending with the pk —
    # e.g. ("-join_date", "-pk"), served by an index on those columns. Empty: LazyPaginator (OFFSET).
    keyset_order: tuple[str, ...] = ()
    keyset_numbered_pages = keyset.NUMBERED_PAGES
    keyset_page: keyset.KeysetPage | None = None

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
        if self.exportable and request.GET.get("export") in ("xlsx", "csv"):
            return self.export(request)
        if request.GET.get("total") == "1":
            # The deferred total (htmx, once the page is shown): the same scope and filters, counted.
            return render(request, "core/_list_total.html", self.total_context(defer=False))
        order = self.active_keyset_order()
        if order:
            self.keyset_page = keyset.paginate(
                request,
                self.object_list,
                order,
                per_page_param(request, default=self.paginate_by),
                self.keyset_numbered_pages,
            )
        return super().get(request, *args, **kwargs)

    def active_keyset_order(self) -> tuple[str, ...]:
        """The keyset order of this request, or () for OFFSET pages. The list's own order, and its exact
        reverse (a click on its first column's header: the same index read the other way), are served by
        keyset. Any other ``?sort=`` chosen by the user falls back to OFFSET pages: a column without an
        index in that order would need a cursor over a sort of the whole filtered list, no cheaper than
        the OFFSET it replaces — such sorts are for browsing small, filtered lists."""
        order = self.keyset_order
        if not order:
            return ()
        sort = self.request.GET.get("sort", "").strip()
        if sort in ("", order[0]):
            return order
        flipped = keyset._flipped(order)
        return flipped if sort == flipped[0] else ()

    def get_table_pagination(self, table):
        if self.keyset_page is not None:
            return False  # the page's rows are already cut; its links come from keyset_page
        return super().get_table_pagination(table)

    # --- export (issue 3): the current filters and scope, to .xlsx / .csv ----------------------
    def export(self, request):
        """Small exports stream back at once; large ones become a background job (a page that polls)."""
        from . import exports

        return exports.export_response(self, request, self.object_list)

    def filter_params(self):
        """The request's query without what pages, sorts or exports the list: its scope and filters."""
        params = self.request.GET.copy()
        for key in ("export", "full", "page", "sort", "after", "before"):
            params.pop(key, None)
        return params

    def export_querystring(self) -> str:
        return self.filter_params().urlencode()

    def get_table_data(self):
        if self.keyset_page is not None:
            # Fifty rows already in the keyset order; the table's own (stable) sort by its default column
            # leaves them as they are.
            return _ModelRows(self.keyset_page.rows, self.model)
        return self.object_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.total_context(defer=True))
        context.update(
            filter=self.filterset,
            title=self.title or self.model._meta.verbose_name_plural,
            add_url_name=self.add_url_name if self.request.user.can_edit else "",
            extra_actions_template=self.extra_actions_template,
            subtitle=self.subtitle,
            model_meta=self.model._meta,
            keyset_page=self.keyset_page,
        )
        context.update(self.export_context())
        return context

    def total_context(self, *, defer: bool) -> dict:
        """「共 N 条」 / 「超过 N 条」 for ``core/_list_total.html``. With ``defer``, a list the planner expects
        to be long gets instead the URL that counts it (``?…&total=1``): its rows are shown without waiting
        for a count that can take twice as long as the page itself (``core.search``)."""
        counted = inline_total(self.object_list) if defer else count_capped(self.object_list)
        if counted is None:
            params = self.filter_params()
            params["total"] = "1"
            return {"total_url": f"{self.request.path}?{params.urlencode()}"}
        total, exact = counted
        return {"total_label": f"{total:,}", "total_exact": exact}

    def export_context(self) -> dict:
        if not self.exportable:
            return {"export_enabled": False}
        from . import exports

        return exports.list_page_context(self)


class ObjectDetailView(ScopedMixin, DetailView):
    pass


class ObjectEditView(ScopedMixin, SingleObjectTemplateResponseMixin, ModelFormMixin, ProcessFormView):
    """Create (no pk in the URL) or edit. Only editing roles; the saved object must still be inside the
    user's scope after save, or the transaction is rolled back."""

    template_name = "core/object_edit.html"
    required_role = "can_edit"

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

    def audit_detail(self, form, creating: bool) -> str:
        """What the audit row says was changed: the fields' Chinese labels, never their code names
        (an auditor reads 「路由目标工会」, not ``target_id``)."""
        return "、".join(str(form.fields[name].label or name) for name in form.changed_data)

    def saved_message(self) -> str:
        return f"已保存「{self.object}」"

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def form_valid(self, form):
        creating = self.object is None
        with transaction.atomic():
            self.object = self.save_form(form)
            if not self.get_queryset().filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied(f"保存后的{self.model._meta.verbose_name}不在您的管辖范围内")
            if not getattr(form, "audited_by_service", False):  # else the service wrote it here
                audit.record(
                    self.request,
                    AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
                    self.object,
                    detail=self.audit_detail(form, creating),
                )
        messages.success(self.request, self.saved_message())
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context["title"] = f"编辑{meta.verbose_name}" if self.object else f"新增{meta.verbose_name}"
        context["model_meta"] = meta
        return context


class ObjectDeleteView(ScopedMixin, SingleObjectTemplateResponseMixin, SingleObjectMixin, View):
    """Delete (GET: a confirmation page, POST: do it) an object of the user's subtree.

    A model with a status keeps its row: ``soft_delete(obj)`` sets it (a union becomes 撤销) and
    ``soft_label`` names the action. Otherwise the row is deleted, unless other rows still refer to it
    (``on_delete=PROTECT``): then nothing changes and the page says, in Chinese, which rows. Either way the
    object is re-read inside the transaction, locked and still in scope, and an audit DELETE row is
    written in the same transaction."""

    template_name = "core/object_delete.html"
    required_role = "can_edit"
    soft_label = ""  # e.g. 「撤销」: set for a soft delete, with soft_delete()
    # None: only rows that PROTECT the object block its deletion. A tuple: every row of another model
    # that refers to the object blocks it (whatever its on_delete), except the relations named here,
    # which go with it (a workplace's dated states).
    deletes_with: tuple[str, ...] | None = None
    success_url_name = ""  # the list page

    def soft_delete(self, obj) -> None:
        raise NotImplementedError

    def already_deleted(self, obj) -> str:
        """A soft-deleted object cannot be deleted again: the reason, or ''."""
        return ""

    @property
    def action_label(self) -> str:
        return self.soft_label or "删除"

    def refusal(self, obj) -> str:
        """Why the object cannot be deleted (already deleted, or rows that still refer to it), or ''."""
        if self.soft_label:
            return self.already_deleted(obj)
        collector = NestedObjects(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        blocking = list(collector.protected)
        if self.deletes_with is not None:
            for relation in type(obj)._meta.related_objects:
                if relation.get_accessor_name() in self.deletes_with or relation.related_model is type(obj):
                    continue
                lookup = {relation.field.name: obj}
                blocking.extend(relation.related_model._base_manager.filter(**lookup)[:4])
        if not blocking:
            return ""
        by_model: dict = {}
        for row in blocking:
            by_model.setdefault(row._meta.verbose_name, []).append(str(row))
        parts = []
        for name, rows in by_model.items():
            shown = "、".join(f"「{r}」" for r in rows[:3])
            more = "等多条" if len(rows) > 3 else ""
            parts.append(f"{name}{shown}{more}")
        return f"不能删除「{obj}」：仍有{'；'.join(parts)}引用它。请先修改或删除这些记录。"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(refusal=self.refusal(self.object)))

    def post(self, request, *args, **kwargs):
        label = self.action_label
        with transaction.atomic():
            # The re-check: the object must still be in the user's scope now, under a row lock.
            self.object = self.get_object(self.get_queryset().select_for_update())
            refusal = self.refusal(self.object)
            if refusal:
                return self.render_to_response(self.get_context_data(refusal=refusal), status=409)
            shown = str(self.object)
            if self.soft_label:
                self.soft_delete(self.object)
            else:
                pk = self.object.pk
                try:
                    with transaction.atomic():
                        self.object.delete()
                except ProtectedError:  # a referring row appeared since refusal() looked
                    return self.render_to_response(
                        self.get_context_data(refusal=self.refusal(self.object)), status=409
                    )
                self.object.pk = pk  # the audit row names the deleted row
            audit.record(self.request, AuditEvent.Action.DELETE, self.object, detail=label)
        messages.success(request, f"已{label}「{shown}」")
        return redirect(self.success_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        cancel = (
            obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else reverse(self.success_url_name)
        )
        context.update(
            cancel_url=cancel,
            title=f"{self.action_label}{self.model._meta.verbose_name}",
            action_label=self.action_label,
            model_meta=self.model._meta,
        )
        return context


class ObjectActionView(LoginRequiredMixin, View):
    """POST one step (a service call) on an object the user sees (404 outside it): the form's errors and the
    service's ``ValidationError`` (the object's state does not allow the step) come back as messages on
    ``back(obj)`` (the object's page); the service's ``PermissionDenied`` is a 403, and so is any step by a
    read-only role when ``edit_role_required``. Subclasses set ``model``, ``form_class``, ``done`` and
    implement ``act``; ``form`` may be overridden for a form built from the object."""

    model: type
    form_class: type = forms.Form
    done = ""
    edit_role_required = (
        False  # True: refused up front for roles that only read (the service may not know roles)
    )
    service_errors: tuple[type[Exception], ...] = ()  # the service's own refusals, shown as messages too

    def form(self, obj, request) -> forms.Form:
        return self.form_class(request.POST, request.FILES)

    def back(self, obj) -> str:
        return obj.get_absolute_url()

    def act(self, obj, data: dict, request) -> object:
        raise NotImplementedError

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        if self.edit_role_required and not getattr(request.user, "can_edit", False):
            raise PermissionDenied("您的角色只能查看，不能修改")
        form = self.form(obj, request)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.back(obj))
        try:
            self.act(obj, form.cleaned_data, request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.back(obj))
        except self.service_errors as exc:
            messages.error(request, str(exc))
            return redirect(self.back(obj))
        messages.success(request, self.done)
        return redirect(self.back(obj))


class PersonalRevealView(ScopedMixin, View):
    """POST only: one person's full ID number, phone and birth date (members, union workers, model
    workers …), for a user holding 查看敏感信息; the reveal is audited. Subclasses set ``model``,
    ``template_name`` and ``context_object_name``."""

    template_name = ""
    context_object_name = "person"
    revealed = "身份证号、手机号、出生日期"

    def post(self, request, pk):
        person = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.can_view_sensitive:
            raise PermissionDenied("您没有「查看敏感信息」权限")
        audit.record(request, AuditEvent.Action.REVEAL, person, detail=self.revealed)
        return render(request, self.template_name, {self.context_object_name: person})


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"
    open_without_node = True  # it tells a user with no node why they see nothing

    def get_context_data(self, **kwargs):
        user = self.request.user
        node = home_node(user)
        # The three administrators (三员分立) see no business figures: their tools instead of the panels.
        tools_only = bool(getattr(user, "tools_only", False))
        tools = (
            [item for item in navigation.items(user) if item.url_name != "core:home"] if tools_only else []
        )
        panels = home.panel_urls(node) if node is not None and not tools_only else []
        context = super().get_context_data(**kwargs)
        return {**context, "node": node, "panels": panels, "tools_only": tools_only, "tools": tools}


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


def server_error(request):
    """handler500: a Chinese page with the request id (the log line of the traceback carries the same id).
    Rendered without context processors or the base template's menu: whatever failed may fail again."""
    import sys

    from django.http import HttpResponseServerError
    from django.template import loader

    from . import replica

    # A database that went away (a failover, issue 17) in a middleware before any view: 503 「请稍后重试」.
    if replica.is_unavailable(sys.exc_info()[1]):
        return replica.unavailable_response(request)
    request_id = getattr(request, "id", "") or ""
    return HttpResponseServerError(loader.get_template("500.html").render({"request_id": request_id}))
