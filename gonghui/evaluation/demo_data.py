"""Demo: 芜湖市总工会's 2023 evaluation of Wuhu's county-level unions on the default sheet — automatic items
computed from the demo's records as of 2023-12-31 (the Wuhu 2023 target plan of the targets demo),
规范化建设 scored by the city with a Word file as evidence, one unit vetoed by hand for an incident,
finalised through the real services."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import User
from gonghui.core.uploads import check_upload
from gonghui.supervision.counties import county_level_unions
from gonghui.supervision.models import Meeting, Pairing, PairingVisit

from . import services
from .models import Score, SheetItem
from .seed import seed_sheet

YEAR = 2023


def _evidence(unit: str) -> SimpleUploadedFile:
    from docx import Document

    document = Document()
    document.add_heading(f"{unit}{YEAR}年基层工会规范化建设情况", level=1)
    document.add_paragraph("规范化建设台账、抽查记录和整改情况附后。")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(f"{unit}规范化建设台账.docx", buffer.getvalue())


def _supervision_2023(wuhu, rnd: random.Random) -> None:
    """The year's city-level pairings (most visited) and joint meetings (most counties held one): the
    records the automatic items 对口联系走访 and 联席会议 read for 2023."""
    for number, county in enumerate(county_level_unions(wuhu), start=1):
        pairing, _ = Pairing.objects.get_or_create(
            issuer=wuhu,
            year=YEAR,
            campaign="县级工会加强年",
            contact=f"市总领导 {(number + 1) // 2}",
            target=county,
            defaults={"contact_kind": Pairing.ContactKind.LEADER},
        )
        if rnd.random() < 0.8:
            PairingVisit.objects.create(
                pairing=pairing,
                visited_on=dt.date(YEAR, rnd.randrange(3, 12), rnd.randrange(1, 28)),
                visitors="市总领导、基层工作部",
                findings="县级工会加强年工作推进情况，基层工会规范化建设",
            )
        if rnd.random() < 0.75:
            Meeting.objects.create(
                union=county,
                kind=Meeting.Kind.JOINT,
                held_on=dt.date(YEAR, rnd.randrange(4, 12), rnd.randrange(1, 28)),
                title=f"{county.name}与县（区）政府联席会议",
                participants="县（区）政府、人社局、总工会",
                issues_raised=2,
                issues_solved=rnd.randrange(1, 3),
            )


def load(builder, built) -> dict[str, int]:
    rnd = random.Random(2023_12_31)
    wuhu = built.unions["wuhu"]
    city_user = User.objects.get(username="demo-wuhu")
    _supervision_2023(wuhu, rnd)
    sheet = seed_sheet(wuhu, YEAR, actor=city_user)
    evaluation = services.start(sheet, actor=city_user)
    manual = Score.objects.filter(
        result__evaluation=evaluation, item__source=SheetItem.Source.MANUAL, item__kind=SheetItem.Kind.SCORE
    ).select_related("result__unit", "item")
    for score in manual.order_by("result__unit__path"):
        points = Decimal(rnd.randrange(12, 20)) / 2  # 6 to 9.5 of 10
        services.score_manual(
            score,
            value=points,
            note="抽查基层工会台账，规范化建设率基本达到要求"
            if points >= 8
            else "部分基层工会台账不全，规范化建设率未达 80%",
            upload=check_upload(_evidence(score.result.unit.name)),
            actor=city_user,
        )
    # A manual 一票否决: an incident the numbers do not show.
    incident = Score.objects.filter(
        result__evaluation=evaluation, item__source=SheetItem.Source.MANUAL, item__kind=SheetItem.Kind.VETO
    ).order_by("result__unit__path")
    chosen = incident.filter(result__unit__name__startswith="南陵").first() or incident.last()
    if chosen is not None:
        services.decide_veto(
            chosen,
            vetoed=True,
            reason="年内发生侵害职工权益群体性事件，处置不力，造成不良影响",
            actor=city_user,
        )
    services.finalise(evaluation, actor=city_user, note="经市总工会党组会议审定")
    return {
        "evaluation_units": evaluation.results.count(),
        "evaluation_vetoed": evaluation.results.filter(vetoed=True).count(),
    }
