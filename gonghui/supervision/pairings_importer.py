"""Import the pairing table as the provincial plan prints it (附件 2: 序号, 联系人（部门）, 对口联系县区 with two
places such as “合肥市肥西县、宣城市宁国市”) through the import engine, for an issuer, a year and a campaign
chosen on the upload page (or ``import_pairings``).

- 联系人（部门）: 省总领导 1 → a leader; one of the issuer's departments → that department; an industry
  union → 产业（行业）工会 (``pairings.resolve_contact``).
- 对口联系县区: each place resolved through the region names to the county-level union of that county
  in the issuer's subtree; an unknown place is a row error naming it (找不到“合肥市肥东乡”).
- A pairing already there (same issuer, year, campaign, contact, county) is left as it is: importing
  the table again changes nothing. Any row error: nothing is written — a pairing table is one whole
  (coverage read from half a table would mislead), so “skip the bad rows” is not offered for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.normalize import InvalidValue, clean_text
from gonghui.core.scope import covers, home_node
from gonghui.imports.columns import Column
from gonghui.imports.engine import Importer, Progress, Result, parse_code
from gonghui.imports.reader import Table
from gonghui.orgs.models import UnionOrg

from . import pairings, plans
from .models import Pairing

PAIRING_COLUMNS = [
    Column("number", "序号", ("编号",), False, "表中的序号", "1", text=True),
    Column(
        "contact",
        "联系人（部门）",
        ("联系人", "联系领导（部门）", "联系领导", "联系部门", "联系人(单位)"),
        True,
        "领导写职务（如“省总领导 1”），部门写本会部门名称，或产业（行业）工会名称",
        "省总领导 1",
    ),
    Column(
        "places",
        "对口联系县区",
        ("联系县区", "对口县区", "对口联系单位"),
        True,
        "市名加县区名，多个用顿号分隔，如“合肥市肥西县、宣城市宁国市”",
        "合肥市肥西县、宣城市宁国市",
    ),
]


@dataclass
class PairRow:
    index: int
    contact: pairings.Contact
    target: UnionOrg
    existing: bool = False


class PairingImporter(Importer):
    kind = "pairings"
    title = "对口联系"
    columns = PAIRING_COLUMNS
    model = "supervision.pairing"
    list_url = "supervision:pairing-list"

    @classmethod
    def option_fields(cls, user) -> dict:
        from django import forms

        year = forms.IntegerField(
            label="年度",
            min_value=2000,
            max_value=2100,
            initial=timezone.localdate().year,
            error_messages={
                "required": "请填写年度",
                "invalid": "年度须为四位数字",
                "min_value": "年度须在 2000 至 2100 之间",
                "max_value": "年度须在 2000 至 2100 之间",
            },
        )
        campaign = forms.CharField(
            label="专项工作（选填）",
            required=False,
            max_length=100,
            help_text="如“县级工会加强年”；不填为常规对口联系。联系方为本单位",
            error_messages={"max_length": "专项工作最多 100 字"},
        )
        for field in (year, campaign):
            field.widget.attrs.update({"class": "form-control"})
        return {"year": year, "campaign": campaign}

    @classmethod
    def options_from(cls, cleaned: dict) -> dict:
        # The issuer is the uploader's own federation (``issuer`` absent: the job's user's node).
        return {"year": cleaned["year"], "campaign": clean_text(cleaned.get("campaign", ""))}

    def match(self, table: Table, file_name: str = ""):
        """A printed table starts with 附件2 and its title above the header: up to three such lines are
        skipped, the row numbers kept."""
        for _ in range(3):
            if any(clean_text(cell).startswith("联系人") for cell in table.header) or not table.rows:
                break
            table.header = [clean_text(cell) for cell in table.rows.pop(0)]
            table.header_row += 1
        return super().match(table, file_name)

    def may_commit(self, result: Result) -> bool:
        return not result.errors

    def issuer(self) -> UnionOrg:
        pk = self.options.get("issuer")
        node = home_node(self.user)
        issuer = node if pk is None else UnionOrg.objects.filter(pk=pk).first()
        if issuer is None or not (self.scope is None or covers(self.user, issuer)):
            raise InvalidValue("找不到联系方（工会）或不在您的管辖范围内")
        if not (self.user.is_superuser or (node is not None and node.pk == issuer.pk)):
            raise InvalidValue("只能导入本单位的对口联系表")
        return issuer

    def year(self) -> int:
        try:
            year = int(self.options.get("year") or 0)
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= 2100:
            raise InvalidValue("年度须在 2000 至 2100 之间")
        return year

    def validate(self, table: Table, hmap, result: Result, issuer: UnionOrg, year: int, campaign: str):
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        departments = plans.department_lookup(issuer)
        places = pairings.PlaceLookup(issuer)
        existing = set(
            Pairing.objects.filter(issuer=issuer, year=year, campaign=campaign).values_list(
                "contact", "target_id"
            )
        )
        seen: dict[tuple[str, int], int] = {}
        rows: list[PairRow] = []
        numbers = [parse_code(v) for v in col("number")]
        for index, (_number, contact_raw, places_raw) in enumerate(
            zip(numbers, col("contact"), col("places"), strict=True)
        ):
            contact = None
            try:
                contact = pairings.resolve_contact(contact_raw, departments)
            except ValidationError as exc:
                self.error(result, index, "contact", exc.messages[0])
                bad.add(index)
            targets, errors = pairings.resolve_places(places_raw, places)
            for message in errors:
                self.error(result, index, "places", message)
                bad.add(index)
            if index in bad or contact is None:
                continue
            for target in targets:
                key = (contact.name, target.pk)
                if key in seen:
                    self.error(
                        result,
                        index,
                        "places",
                        f"「{contact.name}」与{target}的结对和第 {table.excel_row(seen[key])} 行重复",
                    )
                    bad.add(index)
                    continue
                seen[key] = index
                rows.append(PairRow(index, contact, target, key in existing))
        return [r for r in rows if r.index not in bad]

    def run(self, table: Table, hmap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        try:
            issuer, year = self.issuer(), self.year()
        except InvalidValue as exc:
            for index in range(len(table.rows)):
                self.error(result, index, "", str(exc))
            result.errors = len(table.rows)
            result.extra = {"pairs": 0, "contacts": 0, "counties_covered": 0, "counties_total": 0}
            return result
        campaign = clean_text(self.options.get("campaign", ""))[:100]
        rows = self.validate(table, hmap, result, issuer, year, campaign)
        result.errors = len(result.error_rows())
        counted = {r.index for r in rows}
        result.created = len({r.index for r in rows if not r.existing})
        result.updated = 0
        result.skipped = len(counted) - result.created
        if result.errors:
            # Nothing of a table with errors is written (no “skip the bad rows” for it): no confirm offered.
            result.created, result.skipped = 0, len(counted)
            result.notes.append("表中有错误行，整个表不导入：请按错误报告修改后重新上传")
        # Rows with only pairings already there count as 未变; the figures below are the pairs' own.
        result.extra = {
            "pairs": len(rows),
            "contacts": len({r.contact.name for r in rows}),
            "counties_covered": len({r.target.pk for r in rows}),
            "counties_total": pairings.county_level_unions(issuer).count(),
        }
        new = [r for r in rows if not r.existing]
        result.notes.append(
            f"联系方：{issuer}；{year} 年{('，' + campaign) if campaign else ''}；"
            f"对口联系 {len(rows)} 对（新增 {len(new)} 对），覆盖县级工会 {result.extra['counties_covered']} 个"
            f"（共 {result.extra['counties_total']} 个）"
        )
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            for row in new:
                pairings.create_pairing(
                    issuer=issuer,
                    year=year,
                    campaign=campaign,
                    contact=row.contact,
                    target=row.target,
                    actor=self.user,
                )
            self.committing(result)
        result.committed = True
        return result
