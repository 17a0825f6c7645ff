"""Dashboard and bulletins. Bulletins are generated from snapshots only, so every download of the same
bulletin prints the same figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.params import id_param
from gonghui.core.replica import ReplicaReadMixin
from gonghui.core.scope import covers, home_node
from gonghui.core.views import ObjectListView
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg
from gonghui.targets import cube, indicators, progress, services
from gonghui.targets.display import attach_cell_lists
from gonghui.targets.growth import unions_founded
from gonghui.targets.models import Snapshot, TargetPlan
from gonghui.targets.params import as_of_from, date_param, default_as_of, visible_plan, year_finished

from . import bulletin, release
from .filters import SnapshotFilterSet
from .tables import SnapshotTable

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", bulletin.to_docx),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bulletin.to_xlsx),
    "pdf": ("application/pdf", bulletin.to_pdf),
}


def dashboard_data(user, node: UnionOrg, plan: TargetPlan | None, as_of: dt.date) -> dict:
    """Everything the dashboard shows, exact, without counting the member table or every union:
    - members, this year's growth and its months: the growth cube (+ live tail), one pass for the node;
    - 本年新建基层工会: the plan's 组建数 definition (founded this year, not revoked by ``as_of``), through
      the founded-date index;
    - 基层工会 (how many active grassroots unions) and the indicator gauges: the stored daily results of
      the node's latest day (``refresh_targets``; the page says which day), live for a small subtree
      without any, else 计算中 while the background task computes them (``indicators.shown``).
    """
    year_start = dt.date(as_of.year, 1, 1)
    summary = cube.node_summary(node.path, year_start, as_of)
    past = as_of < timezone.localdate()
    # A past date: that day's figures (stored, counted, 计算中 or 不提供), never the latest day's.
    shown = indicators.shown(node, as_of if past else None)
    cached = shown.stored
    ind = shown.as_json()
    grassroots = ind.get("grassroots_unions")
    if grassroots is None and not past:
        grassroots = UnionOrg.objects.filter(
            path__startswith=node.path, status=UnionOrg.Status.ACTIVE, kind__in=GRASSROOTS_KINDS
        ).count()
    data = {
        "headline": {
            "members": summary["total_net"],
            "grassroots": grassroots if grassroots is not None else "—",
            "grassroots_stored": cached and ind.get("grassroots_unions") is not None,
            "year_net": summary["year"]["net"],
            "year_joined": summary["year"]["joined"],
        },
        "plan": None,
    }
    founded = None
    if plan is not None:
        figures = services.figures_for(plan, as_of)
        if plan.issuer_id == node.pk and plan.year == as_of.year:
            founded = figures.get("issuer_founded")  # the same count, done with the plan's rows
        attach_cell_lists(figures)
        data["plan"] = figures
        data["behind"] = progress.behind_rows(figures, 5)
        if figures.get("monthly"):
            data["monthly"] = figures["monthly"]
        elif plan.issuer_id == node.pk and plan.year == as_of.year:
            data["monthly"] = progress.monthly_from(plan.year, as_of, summary["monthly"])
        else:
            data["monthly"] = progress.monthly_series(plan, as_of)
        code = next((m["code"] for m in figures["metrics"] if m["source"] == "members_net"), None)
        data["bar"] = {
            "names": [r["name"].removesuffix("总工会") for r in figures["rows"]],
            "members": [(r["cells"][code]["pct"] if code else None) or 0 for r in figures["rows"]],
            "score": [r["score"] or 0 for r in figures["rows"]],
            "elapsed": figures["elapsed_pct"],
        }
        data["linkable"] = set(
            UnionOrg.objects.visible_to(user)
            .filter(pk__in=[r["union_id"] for r in figures["rows"]])
            .values_list("pk", flat=True)
        )
    if founded is None:
        founded = unions_founded([node.path], year_start, as_of)[node.path]
    data["headline"]["year_founded"] = founded
    data["indicators"] = ind
    data["indicators_cached"] = cached
    return data


class DashboardView(ReplicaReadMixin, LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        node_id = id_param(request, "node", "组织编号")
        if node_id:
            node = get_object_or_404(UnionOrg.objects.visible_to(user), pk=node_id)
        else:
            node = home_node(user)
            if node is None:
                raise Http404("没有组织")
        plans = TargetPlan.objects.visible_to(user).select_related("issuer")
        plan_id = id_param(request, "plan", "目标任务编号")
        if plan_id:
            plan = get_object_or_404(plans, pk=plan_id)
        else:
            own = plans.filter(issuer=node)
            plan = own.order_by("-year").first() or plans.filter(items__union=node).order_by("-year").first()
        as_of = as_of_from(request, default_as_of(plan) if plan else dt.date.today())
        with cube.pinned():
            data = dashboard_data(user, node, plan, as_of)
        chart = {}
        if data["plan"]:
            chart = {
                "bar": data["bar"],
                "monthly": data["monthly"],
            }
        chart["gauges"] = [
            {
                "name": i["name"],
                "value": i["total"]["rate"],
                "threshold": i["threshold"],
                "unavailable": i.get("unavailable"),
                "suffix": i.get("suffix", "%"),
                # A rate per 10,000 (venues per 10,000 members) has no natural top: twice its threshold.
                "max": 100 if i.get("per", 100) == 100 else max(2 * (i["threshold"] or 0), 1),
            }
            for i in data["indicators"]["indicators"]
        ]
        return render(
            request,
            "reports/dashboard.html",
            {
                "node": node,
                "plan": plan,
                "as_of": as_of,
                "data": data,
                "chart": chart,
                "title": "数据看板",
                "finished": bool(plan) and year_finished(plan, as_of),
            },
        )


class BulletinListView(ObjectListView):
    """通报: the plans the user may see (to generate a bulletin) and the bulletins already generated."""

    model = Snapshot
    filterset_class = SnapshotFilterSet
    table_class = SnapshotTable
    template_name = "reports/bulletin_list.html"
    title = "通报"
    paginate_by = 100
    exportable = False

    def plans(self):
        return TargetPlan.objects.visible_to(self.request.user).select_related("issuer")

    def get_base_queryset(self):
        # A snapshot is seen by whoever sees its plan; by a ranked unit only once signed off (签发).
        snapshots = Snapshot.objects.filter(plan__in=self.plans()).select_related("plan", "release")
        return release.visible(self.request.user, snapshots).order_by("-as_of", "-id")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plans": self.plans()}


def may_freeze(user, plan: TargetPlan) -> bool:
    """Only editors of the issuing union (or above) fix a bulletin's figures."""
    return user.can_edit and covers(user, plan.issuer)


class BulletinView(ReplicaReadMixin, LoginRequiredMixin, View):
    """A plan's bulletins: generate (freeze a snapshot) for a date, list and download existing ones.
    Visible to every unit ranked in the plan: the figures are per unit totals, never members."""

    def get(self, request, pk):
        plan = visible_plan(request, pk)
        as_of = as_of_from(request, default_as_of(plan))
        return render(
            request,
            "reports/bulletin.html",
            {
                "plan": plan,
                "as_of": as_of,
                "snapshots": release.visible(request.user, plan.snapshots.select_related("release")).order_by(
                    "-as_of"
                ),
                "may_freeze": may_freeze(request.user, plan),
                "number": bulletin.default_doc_number(plan.doc_number, as_of),
                "title": f"{plan.title} · 通报",
            },
        )

    def post(self, request, pk):
        plan = visible_plan(request, pk)
        if not may_freeze(request.user, plan):
            raise PermissionDenied("只有下达单位的管理员可以生成通报")
        as_of = date_param(request.POST.get("as_of"), default_as_of(plan))
        existed = plan.snapshots.filter(as_of=as_of).exists()
        snap = services.snapshot(plan, as_of, actor=request.user, ip=client_ip(request))
        if not existed:  # a new bulletin starts as a draft: reviewed and signed off before units see it
            release.draft(snap, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已生成截至 {as_of:%Y-%m-%d} 的通报数据快照")
        return redirect("reports:snapshot", pk=snap.pk)


def visible_snapshot(request, pk: int) -> Snapshot:
    plans = TargetPlan.objects.visible_to(request.user)
    snapshots = Snapshot.objects.select_related("plan", "plan__issuer").filter(plan__in=plans)
    return get_object_or_404(release.visible(request.user, snapshots), pk=pk)


class SnapshotView(LoginRequiredMixin, View):
    def get(self, request, pk):
        snap = visible_snapshot(request, pk)
        figures = attach_cell_lists(dict(snap.figures))
        text = bulletin.compose(snap, bulletin.default_doc_number(snap.plan.doc_number, snap.as_of))
        return render(
            request,
            "reports/snapshot.html",
            {
                "snap": snap,
                "figures": figures,
                "text": text,
                "title": text.title,
                "lights": progress.LIGHTS,
                "release": getattr(snap, "release", None),
                "may_issue": release.may_issue(request.user, snap),
            },
        )


class BulletinDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, fmt):
        if fmt not in FORMATS:
            raise Http404("不支持的格式")
        snap = visible_snapshot(request, pk)
        number = request.GET.get("number") or bulletin.default_doc_number(snap.plan.doc_number, snap.as_of)
        issued = date_param(request.GET.get("date"), dt.date.today(), "通报日期")
        text = bulletin.compose(snap, number, issued)
        content_type, render_fn = FORMATS[fmt]
        response = HttpResponse(render_fn(snap, text), content_type=content_type)
        # Per-unit figures, no person: 下载报表, not the personal-data download.
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD_REPORT,
            snap,
            detail=f"下载通报「{text.title}」（{fmt.upper()}，截至 {snap.as_of:%Y-%m-%d}，文号 {number}）",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{text.title}.{fmt}")
        return response
