"""The columns of workplace and union exports (registered with ``gonghui.core.exports`` in
``OrgsConfig.ready()``). Column names follow the import templates, so an export can be edited and
imported again."""

from gonghui.core.exports import attr, display, fk, yes

WORKPLACE_EXPORT = [
    ("单位名称", attr("name")),
    ("统一社会信用代码", lambda w, full: w.uscc or ""),
    ("单位性质", display("ownership")),
    ("所属行业", display("industry")),
    ("职工人数", attr("employee_count")),
    ("所在地区", lambda w, full: w.region.code),
    ("属地工会", fk("governing_union")),
    ("地址", attr("address")),
    ("法人单位", yes("is_legal_entity")),
    ("规模以上企业", yes("is_above_scale")),
    ("已建立职代会制度", yes("has_workers_congress")),
    ("已实行厂务公开", yes("has_open_affairs")),
    ("已设职工董事", yes("has_employee_director")),
    ("已设职工监事", yes("has_employee_supervisor")),
]
UNION_EXPORT = [
    ("工会名称", attr("name")),
    ("组织类型", display("kind")),
    ("上级工会", fk("parent")),
    ("所在地区", lambda u, full: u.region.code),
    ("统一社会信用代码", lambda u, full: u.uscc or ""),
    ("成立日期", attr("founded_on")),
    ("工会主席", attr("chair_name")),
    ("本届任期开始", attr("term_start")),
    ("任期（年）", lambda u, full: u.term_years or ""),
    ("应换届日期", attr("election_due")),
    ("已建经费审查委员会", yes("has_audit_committee")),
    ("已建女职工委员会", yes("has_women_committee")),
    ("状态", display("status")),
]
