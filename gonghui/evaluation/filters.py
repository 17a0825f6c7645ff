import django_filters

from gonghui.core.filters import ScopedFilterSet

from .models import Evaluation, ScoreSheet


class ScoreSheetFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)

    class Meta:
        model = ScoreSheet
        fields = []


class EvaluationFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    status = django_filters.ChoiceFilter(label="状态", choices=Evaluation.Status.choices)

    class Meta:
        model = Evaluation
        fields = []
