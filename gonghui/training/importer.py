"""Import a session's roster (参训名单 .xlsx: 姓名, 身份证号) through the imports engine, into a roster
session chosen on the upload page, with the member import's checks: the same ID normaliser (Excel numbers
that lost digits, 15 → 18, check digit, birth date), the name normaliser, duplicates inside the file
named by row. Each person is looked up among the members by the ID's keyed hash (no plaintext ID is
stored or compared): a member is linked; a person who is not a member is kept as personal data (a
warning says so); an ID that finds a member of another name is an error (a mistyped ID). A person already
on the roster is left as it is (a warning): importing the same roster again changes nothing. Any row
error: nothing is written (a roster is one whole: person-times from half a roster would mislead)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from gonghui.core import crypto
from gonghui.core.normalize import InvalidValue
from gonghui.core.scope import home_node
from gonghui.imports.columns import Column, HeaderMap
from gonghui.imports.engine import Importer, Progress, Result
from gonghui.imports.reader import Table

from . import services
from .models import AttendanceMode, Attendee, SessionStatus, TrainingSession

ROSTER_COLUMNS = [
    Column("name", "姓名", ("名字", "学员姓名"), True, "2–50 个字，与会员登记的姓名一致", "张三"),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证", "证件号码"),
        True,
        "18 位居民身份证号（15 位一代证自动升级）；请把本列设为「文本」格式",
        "340207199001011236",
        text=True,
    ),
]


def sessions_for(user):
    """The held roster sessions a user may import into: those of its subtree, for an editing role that
    reads personal data."""
    if home_node(user) is None or not user.can_edit or not getattr(user, "reads_personal_data", True):
        return TrainingSession.objects.none()
    return TrainingSession.objects.visible_to(user).filter(
        mode=AttendanceMode.ROSTER, status=SessionStatus.HELD
    )


@dataclass
class RosterRow:
    index: int
    person: services.Person


class RosterImporter(Importer):
    kind = "training_roster"
    title = "参训名单"
    columns = ROSTER_COLUMNS
    model = "training.attendee"
    list_url = "training:session-list"
    sensitive_columns = ("id_number",)

    @classmethod
    def option_fields(cls, user) -> dict:
        from django import forms

        session = forms.ModelChoiceField(
            label="导入到培训班",
            queryset=sessions_for(user).select_related("kind").order_by("-end_date", "title"),
            empty_label="（请选择）",
            help_text="只列出按名单登记的培训班：先在“教育培训”中登记培训班，再导入它的参训名单",
            error_messages={"required": "请选择培训班", "invalid_choice": "请选择列表中的培训班"},
        )
        session.widget.attrs.update({"class": "form-select"})
        return {"session": session}

    @classmethod
    def options_from(cls, cleaned: dict) -> dict:
        return {"session": cleaned["session"].pk}

    def may_commit(self, result: Result) -> bool:
        return not result.errors

    def session(self) -> TrainingSession:
        session = sessions_for(self.user).filter(pk=self.options.get("session")).first()
        if session is None:
            raise InvalidValue("找不到要导入名单的培训班（须为您管辖范围内、按名单登记且未撤销的培训班）")
        return session

    def validate(self, table: Table, hmap: HeaderMap, result: Result) -> list[RosterRow]:
        n = len(table.rows)
        bad: set[int] = set()
        names, ids = self.person_columns(table, hmap, result, bad)
        return [RosterRow(i, services.Person(ids[i], names[i])) for i in range(n) if i not in bad]

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        try:
            session = self.session()
        except InvalidValue as exc:
            result.notes.append(str(exc))
            result.errors = result.rows
            return result
        progress(5, "校验数据")
        rows = self.validate(table, hmap, result)
        progress(40, "比对会员和名单")
        hashes = {crypto.lookup_hash("ric", r.person.resident_id.number): r for r in rows}
        members = services.members_by_hash(list(hashes))
        present = set(
            Attendee.objects.filter(session=session, id_hash__in=list(hashes)).values_list(
                "id_hash", flat=True
            )
        )
        new: list[RosterRow] = []
        for id_hash, row in hashes.items():
            member = members.get(id_hash)
            if id_hash in present:
                self.error(
                    result, row.index, "id_number", "该人员已在本期培训名单中，本行未改动", warning=True
                )
            elif services.name_mismatch(row.person, member):
                self.error(result, row.index, "name", services.MISMATCH)
            else:
                if member is None:
                    self.error(
                        result,
                        row.index,
                        "id_number",
                        "未找到在会会员，按非会员登记（身份证号加密保存）",
                        warning=True,
                    )
                new.append(row)
        result.errors = len(result.error_rows())
        result.created = len(new)
        result.skipped = result.rows - result.errors - result.created
        if result.errors:
            result.created, result.skipped = 0, result.rows - result.errors
            result.notes.append("表中有错误行，整个表不导入：请按错误报告修改后重新上传")
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            if new:  # a roster imported again adds nobody and writes no event
                services.add_attendees(
                    session,
                    [r.person for r in sorted(new, key=lambda r: r.index)],
                    actor=self.user,
                    action="导入参训名单",
                )
            self.committing(result)
        result.committed = True
        return result


__all__ = ["ROSTER_COLUMNS", "RosterImporter"]
