"""The standard posts, subsidy grades and appraisal grades, seeded once (by code: a federation's renames
and additions survive a second run) by the migration, the demo and the tests."""

from __future__ import annotations

from decimal import Decimal

POSTS = [
    # code, name, counts as 专职工会干部
    ("social_worker", "社会化工会工作者", False),
    ("bargaining_instructor", "集体协商指导员", False),
    ("vice_chair", "兼挂职副主席", False),
    ("public_welfare", "公益性岗位", False),
    ("full_time_cadre", "专职工会干部", True),
]
SUBSIDY_GRADES = [
    # code, name, level, monthly amount (元)
    ("g1", "一档", 1, Decimal("2400")),
    ("g2", "二档", 2, Decimal("2800")),
    ("g3", "三档", 3, Decimal("3200")),
    ("g4", "四档", 4, Decimal("3600")),
]
APPRAISAL_GRADES = [
    ("excellent", "优秀", True),
    ("competent", "称职", False),
    ("basic", "基本称职", False),
    ("incompetent", "不称职", False),
]


def seed_reference(post_model=None, grade_model=None, appraisal_model=None) -> int:
    """Create the missing standard rows (historical models may be passed by a migration)."""
    if post_model is None:
        from .models import AppraisalGrade, Post, SubsidyGrade

        post_model, grade_model, appraisal_model = Post, SubsidyGrade, AppraisalGrade
    made = 0
    for order, (code, name, cadre) in enumerate(POSTS):
        made += post_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_full_time_cadre": cadre}
        )[1]
    for order, (code, name, level, amount) in enumerate(SUBSIDY_GRADES):
        made += grade_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "level": level, "monthly_amount": amount}
        )[1]
    for order, (code, name, top) in enumerate(APPRAISAL_GRADES):
        made += appraisal_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_top": top}
        )[1]
    return made


def seed_from_apps(apps) -> int:
    """The seed with a migration's (or ``post_migrate``'s) models."""
    return seed_reference(
        apps.get_model("people", "Post"),
        apps.get_model("people", "SubsidyGrade"),
        apps.get_model("people", "AppraisalGrade"),
    )
