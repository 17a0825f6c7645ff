"""Training kinds as reference data on the console: the federation sets each kind's yearly per-county
target (职工代表 500 人次 …) and whether it counts as a cadre's training there."""

from __future__ import annotations

from gonghui.core import console

from .models import TrainingKind


class TrainingKindForm(console.ReferenceCodeForm):
    class Meta:
        model = TrainingKind
        fields = ["code", "name", "yearly_target", "is_cadre_training", "order", "is_active"]


def register() -> None:
    console.register_reference(
        console.ReferenceSpec(
            slug="training-kinds",
            label="培训类别与年度目标",
            model=TrainingKind,
            form_class=TrainingKindForm,
            columns=[
                ("名称", lambda k: k.name),
                ("每县年度目标（人次）", lambda k: k.yearly_target or "不设"),
                ("计为工会干部轮训", lambda k: console.yes_no(k.is_cadre_training)),
                ("排序", lambda k: k.order),
                ("启用", lambda k: console.yes_no(k.is_active)),
            ],
            note="已被培训班引用的类别不能删除，不再使用的请停用；代码创建后不能修改。目标修改后，各页面和指标按新目标计算。",
            order=40,
        )
    )
