"""The filters of the pairing list (page, export and API): year, campaign, issuer, county, visited."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.orgs.models import UnionOrg

from .counties import county_level_q
from .models import Pairing, PairingVisit

VISITED_CHOICES = [("yes", "本年度已走访"), ("no", "本年度未走访")]


def visited_in_year():
    """Whether the pairing has a visit in its own year (Exists, one subquery)."""
    return Exists(PairingVisit.objects.filter(pairing=OuterRef("pk"), visited_on__year=OuterRef("year")))


class PairingFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="联系人关键字", method="search")
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    campaign = django_filters.CharFilter(label="专项工作", method="filter_campaign")
    issuer = django_filters.ModelChoiceFilter(label="联系方（工会）", queryset=UnionOrg.objects.none())
    county = django_filters.ModelChoiceFilter(
        label="县级工会",
        field_name="target",
        queryset=UnionOrg.objects.filter(county_level_q()).order_by("path"),
    )
    visited = django_filters.ChoiceFilter(label="走访情况", choices=VISITED_CHOICES, method="filter_visited")

    class Meta:
        model = Pairing
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The issuers of the pairings the user sees (a county's come from the city and the province).
        user = getattr(self.request, "user", None)
        issuers = UnionOrg.objects.filter(pk__in=Pairing.objects.visible_to(user).values("issuer")).order_by(
            "path"
        )
        self.filters["issuer"].queryset = self.form.fields["issuer"].queryset = issuers
        counties = UnionOrg.objects.visible_to(user).filter(county_level_q()).order_by("path")
        self.filters["county"].queryset = self.form.fields["county"].queryset = counties

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(contact__icontains=text) if text else qs

    def filter_campaign(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(campaign=text) if text else qs

    def filter_visited(self, qs, name, value):
        if value not in ("yes", "no"):
            return qs
        qs = qs.annotate(_visited=visited_in_year())
        return qs.filter(_visited=value == "yes")
