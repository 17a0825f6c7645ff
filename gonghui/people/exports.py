"""The columns of a union-worker export (registered with ``core.exports``): named as the import
template's, so that an export can be edited and imported again."""

from gonghui.core.exports import attr, display, fk

WORKER_EXPORT = [
    ("姓名", attr("name")),
    ("身份证号", lambda w, full: w.id_number if full else w.id_masked),
    ("性别", display("sex")),
    # The masked ID hides the birth date: without full values only the year (as members).
    ("出生日期", lambda w, full: w.birth_date if full else w.birth_date.year),
    ("手机号", lambda w, full: w.phone if full else w.phone_masked),
    ("所在工会", fk("union")),
    ("岗位", fk("post")),
    ("劳动合同单位", attr("employer")),
    ("到岗日期", attr("start_date")),
    ("试用期满日期", attr("probation_end")),
    ("补贴档次", lambda w, full: w.grade.name if w.grade else ""),
    ("状态", display("status")),
    ("离岗日期", attr("left_on")),
]
MASKED_HEADERS = {"出生日期": "出生年份"}
RELATED = ("union", "post", "grade")
