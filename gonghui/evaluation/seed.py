"""The default score sheet (seed_evaluation_sheet), modelled on the plans' thresholds (DOMAIN.md): 100
points over coverage, membership, targets, standardisation, joint meetings, pairings, the three lists,
tasks and half-year reports, and 一票否决 for a missed organisation-building target."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gonghui.orgs.models import UnionOrg

from .models import ScoreSheet, SheetItem
from .services import ItemSpec, create_sheet

# The source the reporting app registers for 半年报告按时报送率 (until it does, the item reads
# 「数据来源未接入」 and scores nothing).
REPORT_ON_TIME = "report_on_time"

A, M = SheetItem.Source.AUTOMATIC, SheetItem.Source.MANUAL
LINEAR, THRESHOLD, RATE = SheetItem.Rule.LINEAR, SheetItem.Rule.THRESHOLD, SheetItem.Rule.PROPORTIONAL
S, V = SheetItem.Kind.SCORE, SheetItem.Kind.VETO


def _d(x: float | int | None) -> Decimal | None:
    return None if x is None else Decimal(str(x))


DEFAULT_ITEMS: list[ItemSpec] = [
    ItemSpec("法人单位建会率", S, _d(15), A, "indicator_legal_entity_coverage", LINEAR, _d(80), "达到 80% 得满分，不足按比例计分"),
    ItemSpec("职工入会率", S, _d(15), A, "indicator_membership_rate_all", LINEAR, _d(80), "达到 80% 得满分，不足按比例计分"),
    ItemSpec("25人以上单位建会率", S, _d(10), A, "indicator_coverage_25plus", LINEAR, _d(90), "达到 90% 得满分，不足按比例计分"),
    ItemSpec("新建工会目标完成率", S, _d(10), A, "target_founded", LINEAR, _d(100), "完成年度新建工会目标得满分"),
    ItemSpec("会员净增目标完成率", S, _d(10), A, "target_members", LINEAR, _d(100), "完成年度会员净增目标得满分"),
    ItemSpec(
        "基层工会规范化建设率", S, _d(10), M, "", "", None,
        "达到 80% 得满分；依据县级工会报送的规范化建设台账和抽查情况评分，须附佐证材料",
    ),
    ItemSpec("联席会议", S, _d(5), A, "joint_meetings", THRESHOLD, _d(1), "每年至少召开 1 次与政府的联席会议"),
    ItemSpec("对口联系走访", S, _d(5), A, "pairings_visited", RATE, None, "按本年度对口联系已走访的比例计分"),
    ItemSpec("三清单销号", S, _d(5), A, "problems_closed", RATE, None, "按问题清单年末销号比例计分"),
    ItemSpec("工作任务按期销号", S, _d(5), A, "tasks_on_time", RATE, None, "按到期任务按期销号比例计分"),
    ItemSpec("半年报告按时报送", S, _d(10), A, REPORT_ON_TIME, RATE, None, "按半年报告按时报送比例计分"),
    ItemSpec(
        "未完成组织建设目标", V, _d(0), A, "target_org_building", "", _d(100),
        "新建工会或会员净增目标未完成的，取消当年评先评优资格",
    ),
    ItemSpec("其他一票否决情形", V, _d(0), M, "", "", None, "发生重大违规违纪或造成恶劣影响的，由评价单位认定"),
]  # fmt: skip


def seed_sheet(issuer: UnionOrg, year: int, *, actor: Any = None, ip: str | None = None) -> ScoreSheet:
    return create_sheet(
        issuer=issuer,
        year=year,
        title=f"{issuer.name}{year}年度县级工会工作考核评分表",
        items=DEFAULT_ITEMS,
        note="依据年度组织建设目标和工作要点制定；自动取数项按年末数据计算。",
        actor=actor,
        ip=ip,
    )
