"""The standard title kinds (劳动模范, 五一劳动奖章, 工匠 …) and service kinds (劳模贷, 健康体检, 疗休养), seeded
once by code (a federation's renames, targets and additions survive a second run) by the migration, the
post-migrate hook, the demo and the tests. The level (全国/省/市/县) is a property of each title, not of the
kind: 芜湖工匠 is 工匠 at 市级, 安徽工匠 工匠 at 省级."""

from __future__ import annotations

TITLE_KINDS = [
    # code, name, 工匠 (else 劳模)
    ("labour_model", "劳动模范", False),
    ("advanced_worker", "先进工作者", False),
    ("may_day_medal", "五一劳动奖章", False),
    ("craftsman", "工匠", True),
    ("person_of_year", "工匠年度人物", True),
]
SERVICE_KINDS = [
    # code, name, yearly target (person-times; None: no target)
    ("loan", "劳模贷", None),
    ("checkup", "健康体检", None),
    ("recuperation", "疗休养", 200),
]


def seed_reference(title_model=None, service_model=None) -> int:
    """Create the missing standard rows (historical models may be passed by a migration)."""
    if title_model is None:
        from .models import ServiceKind, TitleKind

        title_model, service_model = TitleKind, ServiceKind
    made = 0
    for order, (code, name, craft) in enumerate(TITLE_KINDS):
        made += title_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_craftsman": craft}
        )[1]
    for order, (code, name, target) in enumerate(SERVICE_KINDS):
        made += service_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "yearly_target": target}
        )[1]
    return made


def seed_from_apps(apps) -> int:
    """The seed with a migration's (or ``post_migrate``'s) models."""
    return seed_reference(
        apps.get_model("modelworkers", "TitleKind"), apps.get_model("modelworkers", "ServiceKind")
    )
