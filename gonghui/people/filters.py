import django_filters
from django import forms

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.search import name_contains
from gonghui.orgs.filters import SubtreeFilter

from .models import Post, SubsidyGrade, UnionWorker, WorkerStatus


class UnionWorkerFilterSet(ScopedFilterSet):
    """By name only (numbers are not searchable here: a search by ID would answer "is this the number
    behind that mask"); union subtree, post, status, grade, start dates."""

    q = django_filters.CharFilter(
        label="姓名", method="search", widget=forms.TextInput(attrs={"placeholder": "姓名"})
    )
    union = SubtreeFilter(label="所在工会", path_lookup="union__path")
    post = django_filters.ModelChoiceFilter(label="岗位", queryset=Post.objects.all())
    status = django_filters.ChoiceFilter(label="状态", choices=WorkerStatus.choices)
    grade = django_filters.ModelChoiceFilter(label="补贴档次", queryset=SubsidyGrade.objects.all())
    started_from = django_filters.DateFilter(label="到岗日期起", field_name="start_date", lookup_expr="gte")
    started_to = django_filters.DateFilter(label="到岗日期止", field_name="start_date", lookup_expr="lte")

    scope_label = ""

    class Meta:
        model = UnionWorker
        fields = []

    def search(self, qs, name, value):
        return name_contains(qs, "name", value, short_by_prefix=True)
