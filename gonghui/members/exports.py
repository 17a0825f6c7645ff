"""The columns of a member export (registered with ``gonghui.core.exports`` in ``MembersConfig.ready()``).

Column names follow the import template, so an export can be edited and imported again."""

from gonghui.core.exports import attr, display, fk, yes

MEMBER_EXPORT = [
    ("姓名", attr("name")),
    ("身份证号", lambda m, full: m.id_number if full else m.id_masked),
    ("性别", display("sex")),
    # The masked ID hides exactly the birth date: without full values only the year is given, or
    # the ID could be rebuilt from the two (the check digit leaves ~1 in 11 guesses).
    ("出生日期", lambda m, full: m.birth_date if full else m.birth_date.year),
    ("手机号", lambda m, full: m.phone if full else m.phone_masked),
    ("所在工会", fk("union")),
    ("工作单位", fk("workplace")),
    ("入会日期", attr("join_date")),
    ("会籍状态", display("status")),
    ("就业状态", display("employment_status")),
    ("是否农民工", yes("is_migrant_worker")),
    ("新就业形态群体", fk("new_form_group")),
]
# Columns named differently when the values are masked (the name says what the cell holds).
MASKED_HEADERS = {"出生日期": "出生年份"}
RELATED = ("union", "workplace", "new_form_group")
