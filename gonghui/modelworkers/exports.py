"""The columns of the register's exports (registered with ``core.exports``): a person's named as the
import template's, so that an export can be edited and imported again; titles joined in one cell."""

from gonghui.core.exports import attr, display, fk


def _titles(person, full) -> str:
    return "；".join(
        f"{t.year} 年{t.label}{'（' + t.document_no + '）' if t.document_no else ''}"
        for t in person.titles.all()
    )


PERSON_EXPORT = [
    ("姓名", attr("name")),
    ("身份证号", lambda p, full: p.id_number if full else p.id_masked),
    ("性别", display("sex")),
    # The masked ID hides the birth date: without full values only the year (as members).
    ("出生日期", lambda p, full: p.birth_date if full else p.birth_date.year),
    ("手机号", lambda p, full: p.phone if full else p.phone_masked),
    ("管理工会", fk("union")),
    ("工作单位", attr("workplace")),
    ("所属行业", display("industry")),
    ("职务（岗位）", attr("position")),
    ("称号", _titles),
]
PERSON_MASKED_HEADERS = {"出生日期": "出生年份"}
PERSON_RELATED = ("union",)

STUDIO_EXPORT = [
    ("名称", attr("name")),
    ("级别", display("level")),
    ("命名年度", attr("founded_year")),
    ("管理工会", fk("union")),
    ("依托单位", attr("workplace")),
    ("领衔人", lambda s, full: s.leader.name if s.leader_id else ""),
    ("成员数", lambda s, full: s.members.count()),
    ("创新成果", attr("achievements")),
]

SERVICE_EXPORT = [
    ("日期", attr("date")),
    ("服务项目", fk("kind")),
    ("姓名", lambda s, full: s.person.name),
    ("管理工会", lambda s, full: s.person.union.name),
    ("金额（元）", lambda s, full: "" if s.amount is None else s.amount),
    ("说明", attr("note")),
]
