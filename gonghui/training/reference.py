"""The standard training kinds and their yearly per-county targets, seeded once (by code: a federation's
renames, changed targets and added kinds survive a second run) by the migration, ``post_migrate``, the demo
and the tests."""

from __future__ import annotations

KINDS = [
    # code, name, yearly target per county (person-times; 0: none), counts as a cadre's training
    ("worker_reps", "职工代表培训", 500, False),
    ("cadre_rotation", "基层工会干部轮训", 0, True),
    ("culture_sports", "文体骨干培训", 500, False),
    ("women_workers", "女职工工作培训", 0, False),
]


def seed_reference(kind_model=None) -> int:
    """Create the missing standard kinds (a migration passes its historical model)."""
    if kind_model is None:
        from .models import TrainingKind

        kind_model = TrainingKind
    made = 0
    for order, (code, name, target, cadre) in enumerate(KINDS):
        made += kind_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "yearly_target": target, "is_cadre_training": cadre},
        )[1]
    return made


def seed_from_apps(apps) -> int:
    """The seed with a migration's (or ``post_migrate``'s) models."""
    return seed_reference(apps.get_model("training", "TrainingKind"))
