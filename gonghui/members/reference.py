"""Reference data seeded by command (never by migration): the new-form worker groups."""

from .models import NewFormGroup

# ACFTU's 八大群体 (2018) plus 网约车司机, which many cities count as the ninth.
NEW_FORM_GROUPS = [
    ("truck_driver", "货车司机"),
    ("courier", "快递员"),
    ("care_worker", "护工护理员"),
    ("domestic_worker", "家政服务员"),
    ("mall_informant", "商场信息员"),
    ("food_delivery", "网约送餐员"),
    ("estate_agent", "房产中介员"),
    ("security_guard", "保安员"),
    ("ride_hailing_driver", "网约车司机"),
]


def seed_new_form_groups() -> int:
    created = 0
    for order, (code, name) in enumerate(NEW_FORM_GROUPS, start=1):
        _, was_created = NewFormGroup.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        created += was_created
    return created
