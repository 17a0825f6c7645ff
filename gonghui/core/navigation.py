"""The left-hand navigation. Each app registers its entries in its AppConfig.ready()."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    order: int


_ITEMS: dict[str, NavItem] = {}


def register(label: str, url_name: str, icon: str, order: int) -> None:
    _ITEMS[url_name] = NavItem(label, url_name, icon, order)


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: item.order)
