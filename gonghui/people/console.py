"""Posts, subsidy grades and appraisal grades as reference data on the system administrator's console."""

from __future__ import annotations

from gonghui.core import console

from .models import AppraisalGrade, Post, SubsidyGrade

NOTE = "已被工会工作者引用的项不能删除，不再使用的请停用；代码创建后不能修改。"


class PostForm(console.ReferenceCodeForm):
    class Meta:
        model = Post
        fields = ["code", "name", "is_full_time_cadre", "order", "is_active"]


class SubsidyGradeForm(console.ReferenceCodeForm):
    class Meta:
        model = SubsidyGrade
        fields = ["code", "name", "level", "monthly_amount", "order", "is_active"]


class AppraisalGradeForm(console.ReferenceCodeForm):
    class Meta:
        model = AppraisalGrade
        fields = ["code", "name", "is_top", "order", "is_active"]


def register() -> None:
    console.register_reference(
        console.ReferenceSpec(
            slug="union-worker-posts",
            label="工会工作者岗位",
            model=Post,
            form_class=PostForm,
            columns=[
                ("名称", lambda p: p.name),
                ("计为专职工会干部", lambda p: console.yes_no(p.is_full_time_cadre)),
                ("排序", lambda p: p.order),
                ("启用", lambda p: console.yes_no(p.is_active)),
            ],
            note=NOTE,
            order=30,
        )
    )
    console.register_reference(
        console.ReferenceSpec(
            slug="union-worker-subsidy-grades",
            label="工会工作者补贴档次",
            model=SubsidyGrade,
            form_class=SubsidyGradeForm,
            columns=[
                ("名称", lambda g: g.name),
                ("档次", lambda g: g.level),
                ("月补贴（元）", lambda g: g.monthly_amount),
                ("启用", lambda g: console.yes_no(g.is_active)),
            ],
            note=NOTE,
            order=31,
        )
    )
    console.register_reference(
        console.ReferenceSpec(
            slug="union-worker-appraisal-grades",
            label="工会工作者考核等次",
            model=AppraisalGrade,
            form_class=AppraisalGradeForm,
            columns=[
                ("名称", lambda g: g.name),
                ("受比例限制", lambda g: console.yes_no(g.is_top)),
                ("排序", lambda g: g.order),
                ("启用", lambda g: console.yes_no(g.is_active)),
            ],
            note=NOTE,
            order=32,
        )
    )
