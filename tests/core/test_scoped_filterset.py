"""A model choice filter of a scoped list offers only what the user sees: django-filter keeps the queryset
twice (the filter's ``.queryset`` is copied back over ``extra`` when the field is built), so narrowing one
copy alone leaked every county's name into a county user's dropdown."""

from __future__ import annotations

import django_filters
import pytest
from django.test import RequestFactory

from gonghui.core.filters import ScopedFilterSet
from gonghui.orgs.models import UnionOrg

pytestmark = pytest.mark.django_db


class _UnionPick(ScopedFilterSet):
    union = django_filters.ModelChoiceFilter(queryset=UnionOrg.objects.all(), label="工会")

    class Meta:
        model = UnionOrg
        fields: list[str] = []


def test_model_choice_filter_offers_only_the_users_subtree(registry):
    request = RequestFactory().get("/")
    request.user = registry.users["jinghu"]
    choices = {label for _, label in _UnionPick(request=request).form.fields["union"].choices}
    assert registry.unions["jinghu"].name in choices
    assert registry.unions["jiujiang"].name not in choices and registry.unions["wuhu"].name not in choices
    # A value outside the subtree is not a valid choice either.
    picked = _UnionPick({"union": registry.unions["jiujiang"].pk}, request=request)
    assert not picked.is_valid()
