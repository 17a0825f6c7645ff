"""What pairings register with core and the import engine (called from ``SupervisionConfig.ready()``):
the 对口联系 menu entries, the pairing-table importer, the pairing list's export columns."""

from __future__ import annotations

from gonghui.core import exports, navigation
from gonghui.core.exports import attr, display, fk


def _visits(pairing, full) -> int:
    return pairing.visits.count()


PAIRING_EXPORT = [
    ("对口联系", lambda pairing, full: str(pairing)),
    ("年度", attr("year")),
    ("专项工作", attr("campaign")),
    ("联系方（工会）", fk("issuer")),
    ("联系人（部门）", attr("contact")),
    ("联系人类别", display("contact_kind")),
    ("对口联系单位", fk("target")),
    ("走访次数", _visits),
]


def register() -> None:
    from gonghui.imports import engine

    from .models import Pairing
    from .pairings_importer import PairingImporter

    engine.register(PairingImporter)
    # 督导推进 owns the orders 60–69: 对口联系 and its coverage page after plans, tasks and departments.
    navigation.register("对口联系", "supervision:pairing-list", "bi-people", 64, section="目标与督导")
    navigation.register(
        "对口联系覆盖", "supervision:pairing-coverage", "bi-grid-3x3-gap", 65, section="目标与督导"
    )
    exports.register(Pairing, PAIRING_EXPORT, related=("issuer", "target"))
