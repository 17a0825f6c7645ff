"""Pages of 服务阵地: the list (filters, export, import), a venue with its checklist, inspections and
events, add / edit, 登记检查, the per-county count of new venues in a period, and the map. Thin: forms
validate, services act."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from gonghui.core.net import client_ip
from gonghui.core.params import date_param, id_param
from gonghui.core.scope import home_node
from gonghui.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
    ScopedMixin,
)
from gonghui.regions.models import Region

from . import boundaries, services
from .filters import VenueFilterSet
from .forms import InspectionForm, VenueForm
from .models import ChecklistItem, Venue, VenueKind
from .tables import VenueTable


class VenueListView(ObjectListView):
    model = Venue
    filterset_class = VenueFilterSet
    table_class = VenueTable
    title = "服务阵地"
    subtitle = "工会驿站、工人文化宫、职工书屋等；达标情况取最近一次检查"
    add_url_name = "venues:venue-add"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kind", "region", "operator")


class VenueDetailView(ObjectDetailView):
    model = Venue
    template_name = "venues/venue_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "region", "operator")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = self.object
        inspections = list(venue.inspections.select_related("recorded_by").prefetch_related("results__item"))
        latest = max(inspections, key=lambda i: (i.inspected_on, i.pk), default=None)
        context.update(
            items=list(ChecklistItem.objects.filter(kind=venue.kind_id)),
            latest=latest,
            latest_results={r.item_id: r.met for r in latest.results.all()} if latest else {},
            inspections=inspections,
            events=list(venue.events.select_related("actor")),
            can_edit=self.request.user.can_edit,
        )
        return context


class VenueEditView(ObjectEditView):
    model = Venue
    form_class = VenueForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", "编辑服务阵地" if self.object else "新增服务阵地")
        return context

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class InspectView(RoleRequiredMixin, View):
    """登记检查: each item of the venue's kind 符合 / 不符合, the date and who checked."""

    model = Venue
    required_role = "can_edit"
    template_name = "venues/inspection_form.html"

    def venue(self, request, pk) -> Venue:
        return get_object_or_404(Venue.objects.visible_to(request.user).select_related("kind"), pk=pk)

    def get(self, request, pk):
        venue = self.venue(request, pk)
        form = InspectionForm(venue=venue, initial={"inspected_on": timezone.localdate()})
        return render(request, self.template_name, {"venue": venue, "form": form})

    def post(self, request, pk):
        venue = self.venue(request, pk)
        form = InspectionForm(request.POST, venue=venue)
        if form.is_valid():
            try:
                inspection = services.record_inspection(
                    venue, form.to_input(), actor=request.user, ip=client_ip(request)
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已登记检查：" + ("达标" if inspection.passed else "未达标"))
                return redirect(venue.get_absolute_url())
        return render(request, self.template_name, {"venue": venue, "form": form}, status=400)


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = date_param(request, "from", "开始日期", dt.date(today.year, 1, 1))
    end = date_param(request, "to", "结束日期", today)
    assert start is not None and end is not None
    if end < start:
        start, end = end, start
    return start, end


class SummaryView(ScopedMixin, TemplateView):
    """新建阵地统计: venues opened in [from, to] per county and kind — the figure a report quotes."""

    model = Venue
    template_name = "venues/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end = _period(self.request)
        venues = Venue.objects.visible_to(self.request.user)
        rows = services.new_per_county(venues, start, end)
        kinds = list(VenueKind.objects.values_list("name", flat=True))
        context.update(
            start=start,
            end=end,
            kinds=kinds,
            rows=[{**r, "cells": [r["by_kind"].get(k, 0) for k in kinds]} for r in rows],
            totals=[sum(r["by_kind"].get(k, 0) for r in rows) for k in kinds],
            total=sum(r["total"] for r in rows),
            in_use=venues.filter(services.open_on_q(end)).count(),
            title="新建阵地统计",
        )
        return context


def map_city(user, code: str | None) -> tuple[Region, Region | None]:
    """The city the map shows and, for a county, the county: ?region= (in the user's regions), else the
    user's own division (a county's city with the county, a city), else the first city with venues."""
    regions = Region.objects.visible_to(user).select_related("parent")
    region = None
    if code:
        region = regions.filter(code=code, level__in=[Region.Level.CITY, Region.Level.COUNTY]).first()
        if region is None:
            raise Http404("找不到该地区")
    if region is None:
        node = home_node(user)
        region = node.region if node is not None and node.region.level >= Region.Level.CITY else None
    if region is None:
        first = (
            Venue.objects.visible_to(user).select_related("region__parent").order_by("region__code").first()
        )
        region = first.region if first is not None else None
    if region is None:  # a province with no venue yet: its first city's (empty) map
        region = regions.filter(level=Region.Level.CITY).order_by("code").first()
    if region is None:
        raise Http404("没有可显示的地区")
    if region.level == Region.Level.COUNTY:
        return region.parent, region
    if region.level == Region.Level.TOWN:
        return region.parent.parent, region.parent
    return region, None


class MapView(ScopedMixin, TemplateView):
    """阵地地图: the city's (or one county's) venues as points by kind, on the county boundaries of the
    pinned map package, drawn by ECharts from local files (no tiles, no CDN)."""

    model = Venue
    template_name = "venues/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city, county = map_city(self.request.user, self.request.GET.get("region"))
        venues = Venue.objects.visible_to(self.request.user).filter(region__parent=city)
        if county is not None:
            venues = venues.filter(region=county)
        kind = id_param(self.request, "kind", "阵地类别")
        kind_id = str(kind or "")
        kinds = list(VenueKind.objects.all())
        if kind is not None:
            venues = venues.filter(kind_id=kind)
        venues = venues.exclude(status=Venue.Status.CLOSED).select_related("kind", "region")
        points = [
            {
                "name": v.name,
                "kind": v.kind.name,
                "county": v.region.name,
                "value": [float(v.longitude), float(v.latitude)],
                "ok": v.compliant,
                "url": v.get_absolute_url(),
            }
            for v in venues
            if v.longitude is not None
        ]
        shown = {p["kind"] for p in points}
        counties = Region.objects.visible_to(self.request.user).filter(parent=city).order_by("code")
        context.update(
            city=city,
            city_visible=Region.objects.visible_to(self.request.user).filter(pk=city.pk).exists(),
            county=county,
            counties=counties,
            kinds=kinds,
            kind_id=kind_id,
            total=len(venues),
            located=len(points),
            chart={
                "title": (county or city).name,
                "boundary": f"?city={city.code}" + (f"&county={county.code}" if county else ""),
                "kinds": [{"name": k.name, "color": k.color} for k in kinds if k.name in shown],
                "points": points,
            },
            title="阵地地图",
        )
        return context


class BoundaryView(ScopedMixin, View):
    """The county boundaries of a city (?city=, optionally one ?county=) as GeoJSON, from the package."""

    model = Venue

    def get(self, request):
        # Outlines of public divisions, not records: any signed-in user's map may need its city's
        # (a county user's map draws its county from the city's file).
        regions = Region.objects.all()
        city = get_object_or_404(regions, code=request.GET.get("city") or "", level=Region.Level.CITY)
        try:
            text = boundaries.city_geojson(city)
        except boundaries.BoundariesMissing as exc:
            raise Http404(str(exc)) from exc
        county = request.GET.get("county")
        if county:
            if not regions.filter(code=county, parent=city).exists():
                raise Http404("找不到该县区")
            data = json.loads(text)
            data["features"] = [f for f in data["features"] if f["properties"]["code"] == county]
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Cache-Control"] = "private, max-age=3600"
        return response
