"""目标指标项 (Metric) as reference data on the system administrator's console (core.console).

Only the name, the header aliases and the order are editable, and no metric is added or deleted here:
the code is the key of every plan's figures (TargetItem rows, snapshots, the API's ``metric`` values, the
drill-down URLs) and of the seeding command; the source decides how progress is computed, so changing it
would silently change what every existing plan reports; the unit and the 「其中」 parent are part of the same
meaning. A renamed metric keeps its plans; the old name is best kept as an alias so that last year's target
sheets still import.
"""

from __future__ import annotations

import re

from django import forms

from gonghui.core import console
from gonghui.core.forms import ScopedModelForm

from .importer import _key as header_key
from .models import Metric

_SEPARATORS = re.compile(r"[、,，;；\s]+")


class MetricForm(ScopedModelForm):
    aliases = forms.CharField(
        label="表头别名",
        required=False,
        max_length=500,
        help_text="导入目标表时也认这些表头；多个别名用顿号或逗号分隔",
    )

    class Meta:
        model = Metric
        fields = ["name", "aliases", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["aliases"] = "、".join(self.instance.aliases or [])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("请填写名称")
        return name

    def clean_aliases(self) -> list[str]:
        aliases: list[str] = []
        for alias in _SEPARATORS.split(self.cleaned_data.get("aliases") or ""):
            if alias and alias not in aliases:
                aliases.append(alias)
        if len(aliases) > 20:
            raise forms.ValidationError("表头别名最多 20 个")
        return aliases

    def clean(self):
        cleaned = super().clean()
        # A header the importer reads must name one metric: refuse a name or alias another metric holds.
        mine = [cleaned.get("name") or "", *(cleaned.get("aliases") or [])]
        taken = {}
        for other in Metric.objects.exclude(pk=self.instance.pk):
            for header in [other.name, *other.aliases]:
                taken[header_key(header)] = other.name
        clashes = [
            f"「{h}」已是指标项「{taken[header_key(h)]}」的名称或别名"
            for h in mine
            if h and header_key(h) in taken
        ]
        if clashes:
            raise forms.ValidationError("；".join(clashes) + "，导入时将无法区分")
        return cleaned

    @property
    def changed_data(self) -> list[str]:
        changed = super().changed_data
        # The alias list compares as a list, not as the text typed (「a，b」 is 「a、b」).
        before = [a for a in _SEPARATORS.split(self.initial.get("aliases") or "") if a]
        after = getattr(self, "cleaned_data", {}).get("aliases")
        if "aliases" in changed and after == before:
            changed = [c for c in changed if c != "aliases"]
        return changed


def register() -> None:
    console.register_reference(
        console.ReferenceSpec(
            slug="metrics",
            label="目标指标项",
            model=Metric,
            form_class=MetricForm,
            columns=[
                ("名称", lambda m: m.name),
                ("统计口径", lambda m: m.get_source_display()),
                ("单位", lambda m: m.unit),
                ("「其中」所属", lambda m: m.parent or "—"),
                ("表头别名", lambda m: "、".join(m.aliases) or "—"),
                ("排序", lambda m: m.order),
            ],
            can_add=False,
            note="指标项的代码、统计口径、单位和「其中」所属决定已下达目标的含义，不能在此修改；"
            "可修改名称、导入表头别名和排序。改名后建议把旧名称保留为别名，以便旧表格仍能导入。",
            order=20,
        )
    )
