"""Shared set-up of the evaluation tests: test sources with known values per unit, and 芜湖市总工会's
sheet (an automatic rate, a manual item, an automatic and a manual 一票否决 item) evaluated over its
county-level unions (镜湖区, 鸠江区, 经开区)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.uploads import check_upload
from gonghui.evaluation import services
from gonghui.evaluation.models import Evaluation, Score, ScoreSheet, SheetItem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "评分佐证.pdf"):
    return check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


@dataclass
class World:
    sheet: ScoreSheet
    evaluation: Evaluation
    rate: SheetItem
    manual: SheetItem
    org: SheetItem
    other: SheetItem

    def score(self, unit, item) -> Score:
        return Score.objects.get(result__evaluation=self.evaluation, result__unit=unit, item=item)


def build(registry, values, rates: dict[str, float], org: dict[str, float]) -> World:
    u = registry.unions
    for key, value in rates.items():
        values["t_rate"][u[key].pk] = value
    for key, value in org.items():
        values["t_org"][u[key].pk] = value
    A, V = SheetItem.Source.AUTOMATIC, SheetItem.Kind.VETO
    sheet = services.create_sheet(
        issuer=u["wuhu"],
        year=2023,
        title="芜湖市总工会2023年度县级工会工作考核评分表",
        items=[
            services.ItemSpec("建会率", max_score=Decimal(60), source=A, source_code="t_rate",
                              rule=SheetItem.Rule.LINEAR, threshold=Decimal(80)),
            services.ItemSpec("规范化建设", max_score=Decimal(40)),
            services.ItemSpec("未完成组织建设目标", kind=V, source=A, source_code="t_org", threshold=Decimal(100)),
            services.ItemSpec("其他否决情形", kind=V),
        ],
    )  # fmt: skip
    evaluation = services.start(sheet, actor=registry.users["wuhu"])
    items = list(sheet.items.order_by("kind", "order"))
    by_name = {i.name: i for i in items}
    return World(
        sheet,
        evaluation,
        by_name["建会率"],
        by_name["规范化建设"],
        by_name["未完成组织建设目标"],
        by_name["其他否决情形"],
    )


def score_all_manual(world: World, registry, points: dict[str, str]) -> None:
    for key, value in points.items():
        services.score_manual(
            world.score(registry.unions[key], world.manual), value=value, note="台账齐全，抽查合格",
            upload=pdf(), actor=registry.users["wuhu"],
        )  # fmt: skip
