"""The left-hand navigation. Each app registers its entries in its AppConfig.ready(), each in one of the
sections below (a flat list of sixty pages is a list nobody can find anything in).

An entry declares who may open it (``requires``: a predicate on the user, the same rule the view
enforces); the menu shows a user only the entries they pass, so no link answers 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from .scope import home_node


def anyone(user) -> bool:
    return True


def governs_a_node(user) -> bool:
    """The default: every page but the home page shows a subtree, and a user with no node has none."""
    return home_node(user) is not None


# The sections of the menu, in the order shown; "" is the top (首页), shown without a heading.
SECTIONS = (
    "",
    "组织与会员",
    "未建会排查",
    "目标与督导",
    "报送与考核",
    "荣誉与示范",
    "队伍与阵地",
    "系统管理",
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    order: int
    requires: Callable[[object], bool] = governs_a_node
    section: str = ""

    def allows(self, user) -> bool:
        return bool(self.requires(user)) and may_open(user, self.url_name)


# The page-level rule an app declares (accounts: least privilege of the three administrators, enforced
# at the door by its middleware). Core names no role, so it only asks the rule it was handed.
_PAGE_RULE: list[Callable[[object, str], bool]] = []


def set_page_rule(rule: Callable[[object, str], bool]) -> None:
    _PAGE_RULE[:] = [rule]


def may_open(user, url_name: str) -> bool:
    return all(rule(user, url_name) for rule in _PAGE_RULE)


_ITEMS: dict[str, NavItem] = {}


def register(
    label: str,
    url_name: str,
    icon: str,
    order: int,
    requires: Callable[[object], bool] = governs_a_node,
    *,
    section: str = "",
) -> None:
    if section not in SECTIONS:
        raise ValueError(f"navigation section {section!r} is not one of {SECTIONS}")
    _ITEMS[url_name] = NavItem(label, url_name, icon, order, requires, section)


def items(user=None) -> list[NavItem]:
    """Every entry (by section, then order), or with ``user`` only those the user may open."""
    entries = sorted(_ITEMS.values(), key=lambda item: (SECTIONS.index(item.section), item.order))
    if getattr(settings, "GONGHUI_MODE", "province") == "national":
        # The national instance serves no registry page (core.middleware.NationalModeMiddleware).
        allowed = settings.GONGHUI_NATIONAL_PAGES
        entries = [item for item in entries if item.url_name.partition(":")[0] in allowed]
    if user is None:
        return entries
    return [item for item in entries if item.allows(user)]
