"""Pages of the database of holders (模范职工之家管理数据库): the list with its filters and the share of
private enterprises, the due re-inspections, a title with its history, 登记荣誉 / 修改命名信息, and the
naming list (命名名单) of a filtered list or of a round as .xlsx / .docx / .pdf."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from gonghui.orgs.models import Ownership

from . import titles, titles_export
from .grants_views import ActionView
from .manage_forms import RevokeForm
from .models import Grant, Partnership, ReinspectionRecord, Round, Title, TitleStatus
from .titles_filters import TitleFilterSet
from .titles_forms import TitleNamingForm, TitleRegisterForm
from .titles_tables import TitleTable


class TitleListView(ObjectListView):
    """荣誉数据库: every holder the user sees, filtered; above the table the 民营企业 share."""

    model = Title
    filterset_class = TitleFilterSet
    table_class = TitleTable
    template_name = "honours/title_list.html"
    title = "荣誉数据库"
    subtitle = "模范职工之家、小家、示范点及先进集体和个人的命名与动态管理"
    add_url_name = "honours:title-add"
    extra_actions_template = "honours/_naming_list_menu.html"
    exportable = False  # the naming list (命名名单) is this list's export

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kind", titles.AREA_RELATED)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.filterset.form.cleaned_data.get("kind") if self.filterset.is_valid() else None
        context["shares"] = titles.ownership_share(self.object_list, kind)
        context["share_kind"] = kind
        context["naming_query"] = self.export_querystring()
        return context


class TitleDueListView(TitleListView):
    """复查到期: the holders whose next re-inspection falls on or before a date (default: the end of
    this year)."""

    title = "复查到期"
    subtitle = "下次复查日期在所选日期及以前的有效荣誉"
    add_url_name = ""

    def default_due(self) -> dt.date:
        return dt.date(timezone.localdate().year, 12, 31)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if not data.get("due_by"):
            data["due_by"] = self.default_due().isoformat()
        kwargs["data"] = data
        return kwargs

    def get_base_queryset(self):
        return super().get_base_queryset().filter(titles.due_q(dt.date.max)).order_by("next_inspection", "id")

    def export_querystring(self) -> str:
        params = self.request.GET.copy()
        params.setdefault("due_by", self.default_due().isoformat())
        for key in ("export", "full", "page", "sort", "fmt"):
            params.pop(key, None)
        return params.urlencode()


class TitleDetailView(ObjectDetailView):
    model = Title
    template_name = "honours/title_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("kind", "node", "union", "workplace", "member", "round", "nomination")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title, user = self.object, self.request.user
        events = list(title.events.select_related("actor"))
        for event in events:  # the step's and the status's Chinese labels, never their codes
            event.action_label = titles.action_label(event.action)
            event.status_label = (
                TitleStatus(event.to_status).label if event.to_status in TitleStatus.values else ""
            )
        context.update(
            area=titles.area_name(title.node.region),
            subject=titles.subject_of(title),
            can_edit=titles.may_edit(user, title),
            revoke_form=RevokeForm(initial={"revoked_on": timezone.localdate()})
            if title.status != TitleStatus.REVOKED and titles.may_register(user, title.node)
            else None,
            events=events,
            ownership_label=Ownership(title.ownership).label if title.ownership in Ownership.values else "",
            due=title.status != TitleStatus.REVOKED
            and title.next_inspection is not None
            and title.next_inspection <= timezone.localdate(),
            inspections=ReinspectionRecord.objects.visible_to(user)
            .filter(holder=title)
            .select_related("reinspection", "inspected_by")
            .order_by("-reinspection__year", "-id"),
            grant=Grant.objects.visible_to(user).filter(holder=title).first(),
            partnerships=Partnership.objects.visible_to(user)
            .filter(holder=title)
            .select_related("partner")
            .prefetch_related("activities"),
        )
        return context


class TitleRevokeView(ActionView):
    """撤销 outside a 复查: the namer's subtree only (the service refuses others with a 403)."""

    model = Title
    form_class = RevokeForm
    done = "已撤销该荣誉，命名记录保留"

    def act(self, title, data, request):
        titles.revoke_title(
            title, data["revoked_on"], data["reason"], actor=request.user, ip=client_ip(request)
        )


class _ServiceEditView(ObjectEditView):
    """The service refuses with a Chinese ValidationError: shown on the form, nothing saved."""

    model = Title

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class TitleRegisterView(_ServiceEditView):
    form_class = TitleRegisterForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "登记荣誉"
        return context

    def save_form(self, form):
        return titles.register_title(
            form.cleaned_data["kind"],
            form.subject(),
            form.naming(),
            actor=self.request.user,
            ip=client_ip(self.request),
            note=form.cleaned_data.get("note") or "",
        )

    def saved_message(self) -> str:
        return f"已登记「{self.object}」"


class TitleEditView(_ServiceEditView):
    form_class = TitleNamingForm

    def get_queryset(self):
        # Registered titles of the user's subtree; a round's titles follow their round.
        return super().get_queryset().filter(round__isnull=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "修改命名信息"
        return context

    def save_form(self, form):
        return titles.update_naming(
            self.object, form.naming(), actor=self.request.user, ip=client_ip(self.request)
        )


# ---------------------------------------------------------------------- 命名名单
def _naming_response(request, heading: str, rows: list[Title], fmt: str, obj=None, where: str = ""):
    if fmt not in titles_export.FORMATS:
        raise Http404("不支持的格式")
    node = home_node(request.user)
    if node is None:
        raise PermissionDenied("您的账号未关联工会组织")
    content_type, render = titles_export.FORMATS[fmt]
    body = render(titles_export.NamingList(heading, node.name, timezone.localdate(), rows))
    audit.record(
        request,
        AuditEvent.Action.EXPORT,
        obj,
        detail=f"导出命名名单「{heading}」（{fmt.upper()}，{len(rows)} 条）"
        + (f"；条件：{where}" if where else ""),
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{heading}.{fmt}")
    return response


class NamingListExportView(LoginRequiredMixin, View):
    """The naming list of the list page's filters (?fmt=xlsx|docx|pdf and the filters), scoped."""

    model = Title

    def get(self, request):
        fmt = request.GET.get("fmt", "xlsx")
        filterset = TitleFilterSet(
            request.GET, queryset=Title.objects.visible_to(request.user), request=request
        )
        if not filterset.is_valid():
            raise Http404("筛选条件有误")
        rows = list(
            filterset.qs.select_related("kind", titles.AREA_RELATED).order_by(
                "kind__order", "-year", "node__path", "id"
            )
        )
        heading = titles_export.heading_for(filterset.form.cleaned_data)
        where = titles_export.describe_filters(filterset)
        return _naming_response(request, heading, rows, fmt, where=where)


class RoundNamingListExportView(LoginRequiredMixin, View):
    """The naming list of a round: its titles the user sees."""

    model = Round

    def get(self, request, pk):
        round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
        rows = list(
            Title.objects.visible_to(request.user)
            .filter(round=round_)
            .select_related("kind", titles.AREA_RELATED)
            .order_by("node__path", "id")
        )
        heading = f"{round_.title}命名名单"
        return _naming_response(request, heading, rows, request.GET.get("fmt", "xlsx"), obj=round_)
