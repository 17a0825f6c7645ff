"""The departments directories come from (editable reference data); 网上入会 is written by the code."""

from __future__ import annotations

SOURCES = [
    ("market", "市场监管", True, 10),
    ("commerce", "工商联", True, 20),
    ("civil", "民政", True, 30),
    ("tax", "税务", True, 40),
    ("social_insurance", "社保", True, 50),
    ("joining", "网上入会", False, 60),
    ("other", "其他", True, 90),
]


def seed_sources(apps) -> None:
    """Create the missing sources (by code: renamed ones stay renamed)."""
    DirectorySource = apps.get_model("directories", "DirectorySource")
    for code, name, editable, order in SOURCES:
        DirectorySource.objects.get_or_create(
            code=code, defaults={"name": name, "editable": editable, "order": order}
        )
