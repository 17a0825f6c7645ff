"""What each kind of ledger may contain: columns, the names people give them, and which are required.

The same specs drive header matching, the downloadable template and its 填写说明 sheet.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from gonghui.members.models import EmploymentStatus, NewFormGroup
from gonghui.orgs.models import Industry, Ownership, UnionKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    example: object = ""
    choices: tuple[str, ...] = ()  # fixed dropdown values for the template
    dynamic_choices: str = ""  # name of a reference list read at run time (new-form groups)
    text: bool = False  # the template formats the column as text (IDs, codes, phones)


YES_NO = ("是", "否")


def new_form_group_names() -> list[str]:
    return list(NewFormGroup.objects.filter(is_active=True).values_list("name", flat=True))


MEMBER_COLUMNS = [
    Column("name", "姓名", ("会员姓名", "名字"), True, "2–50 个字，不含数字", "张三"),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证", "证件号码", "居民身份证号码"),
        True,
        "18 位居民身份证号（15 位一代证自动升级）；请把本列设为「文本」格式，否则 Excel 会丢失末几位",
        "340207199001011236",
        text=True,
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话", "电话", "联系方式"),
        False,
        "11 位手机号或带区号的座机；可带 +86、空格、短横线",
        "13812345678",
        text=True,
    ),
    Column(
        "union",
        "所在工会",
        ("工会名称", "所属工会", "工会", "基层工会"),
        True,
        "工会组织的全称，须在您的管辖范围内；导入时指定了默认工会的可留空",
        "某某公司工会委员会",
    ),
    Column(
        "workplace", "工作单位", ("单位名称", "所在单位", "单位"), False, "单位全称或统一社会信用代码", ""
    ),
    Column(
        "join_date",
        "入会日期",
        ("入会时间",),
        True,
        "如 2023-05-01、2023/5/1、2023.5.1、2023年5月1日、20230501",
        "2023-05-01",
    ),
    Column(
        "employment_status",
        "就业状态",
        ("就业情况",),
        False,
        "留空为「在岗」",
        "在岗",
        choices=tuple(label for _, label in EmploymentStatus.choices),
    ),
    Column(
        "is_migrant_worker",
        "是否农民工",
        ("农民工",),
        False,
        "填「是」或「否」，留空为「否」",
        "否",
        choices=YES_NO,
    ),
    Column(
        "new_form_group",
        "新就业形态群体",
        ("新就业形态", "新业态群体"),
        False,
        "不属于新就业形态的留空",
        "",
        dynamic_choices="new_form_groups",
    ),
]

WORKPLACE_COLUMNS = [
    Column("name", "单位名称", ("单位", "企业名称", "单位全称"), True, "单位全称", "芜湖某某科技有限公司"),
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码"),
        False,
        "18 位；有则必须正确，同一代码只能对应一个单位",
        "91340207MA2N0ABCXX",
        text=True,
    ),
    Column(
        "ownership",
        "单位性质",
        ("所有制", "所有制类型", "经济类型"),
        False,
        "留空为「私营及其他非公有制企业」",
        "私营及其他非公有制企业",
        choices=tuple(label for _, label in Ownership.choices),
    ),
    Column(
        "industry",
        "所属行业",
        ("行业", "行业门类"),
        False,
        "国民经济行业门类（GB/T 4754）",
        "制造业",
        choices=tuple(label for _, label in Industry.choices),
    ),
    Column("employee_count", "职工人数", ("职工数", "人数", "从业人数"), False, "整数", 120),
    Column(
        "region",
        "所在地区",
        ("行政区划", "区划代码", "所在区县", "地区"),
        True,
        "6 位行政区划代码（如 340207）或区县名称",
        "340207",
        text=True,
    ),
    Column(
        "governing_union",
        "属地工会",
        ("上级工会", "所属工会"),
        True,
        "负责该单位的县级、乡镇（街道）或开发区工会全称；导入时指定了默认工会的可留空",
        "鸠江区总工会",
    ),
    Column("address", "地址", ("单位地址", "详细地址"), False, "", ""),
    Column("is_legal_entity", "法人单位", ("是否法人单位",), False, "留空为「是」", "是", choices=YES_NO),
    Column("is_above_scale", "规模以上企业", ("是否规上企业", "规上企业"), False, "", "否", choices=YES_NO),
    Column(
        "has_workers_congress", "已建立职代会制度", ("职代会", "建立职代会"), False, "", "是", choices=YES_NO
    ),
    Column("has_open_affairs", "已实行厂务公开", ("厂务公开",), False, "", "是", choices=YES_NO),
    Column("has_employee_director", "已设职工董事", ("职工董事",), False, "", "否", choices=YES_NO),
    Column("has_employee_supervisor", "已设职工监事", ("职工监事",), False, "", "否", choices=YES_NO),
    Column(
        "registered_on",
        "登记日期",
        ("列入台账日期", "登记时间"),
        False,
        "单位列入本系统台账的日期，按日期统计的指标从该日起计入；留空为导入当天",
        "2018-03-01",
    ),
]

UNION_COLUMNS = [
    Column(
        "name",
        "工会名称",
        ("工会", "组织名称", "工会全称"),
        True,
        "工会组织全称",
        "芜湖某某科技有限公司工会委员会",
    ),
    Column(
        "kind",
        "组织类型",
        ("工会类型", "类型"),
        True,
        "",
        "基层工会委员会",
        choices=tuple(label for _, label in UnionKind.choices),
    ),
    Column(
        "parent",
        "上级工会",
        ("上级", "隶属工会"),
        True,
        "已有的工会或本表中前面行里的工会；导入时指定了默认工会的可留空",
        "鸠江区总工会",
    ),
    Column(
        "region",
        "所在地区",
        ("行政区划", "区划代码", "地区"),
        True,
        "6 位行政区划代码或区县名称",
        "340207",
        text=True,
    ),
    Column("uscc", "统一社会信用代码", ("工会统一社会信用代码", "信用代码"), False, "", "", text=True),
    Column("founded_on", "成立日期", ("建会日期", "成立时间"), False, "日期", "2023-05-01"),
    Column("chair_name", "工会主席", ("主席", "主席姓名"), False, "", "李四"),
    Column(
        "term_start", "本届任期开始", ("任期开始", "换届日期", "本届换届时间"), False, "日期", "2023-05-01"
    ),
    Column("term_years", "任期（年）", ("任期", "任期年限"), False, "3 或 5", "5", choices=("3", "5")),
    Column(
        "has_audit_committee",
        "已建经费审查委员会",
        ("经审会", "经费审查委员会"),
        False,
        "",
        "是",
        choices=YES_NO,
    ),
    Column(
        "has_women_committee", "已建女职工委员会", ("女职工委员会", "女职委"), False, "", "是", choices=YES_NO
    ),
    Column(
        "workplaces",
        "覆盖单位",
        ("所在单位", "单位名称", "覆盖企业"),
        False,
        "单位全称或统一社会信用代码，多个用顿号（、）或分号分隔",
        "",
    ),
]

COLUMNS = {"members": MEMBER_COLUMNS, "workplaces": WORKPLACE_COLUMNS, "unions": UNION_COLUMNS}


class HeaderError(Exception):
    """The header makes the whole file unusable (missing required column, duplicate column)."""


def _norm(text: str) -> str:
    text = re.sub(r"[\s*＊:：]", "", str(text))
    return text.replace("(", "（").replace(")", "）")


@dataclass
class HeaderMap:
    index: dict[str, int] = field(default_factory=dict)  # column key → position in the row
    extra: list[str] = field(default_factory=list)  # headers no column claims (ignored, reported)


def match_header(
    header: list[str], columns: list[Column], optional: AbstractSet[str] = frozenset(), file_name: str = ""
) -> HeaderMap:
    """Find each column by its name or an alias, in any order. ``optional`` lifts ``required`` (a column
    that a default fills in)."""
    lookup: dict[str, Column] = {}
    for known in columns:
        for name in (known.label, *known.aliases):
            lookup.setdefault(_norm(name), known)
    result = HeaderMap()
    for position, raw in enumerate(header):
        text = _norm(raw)
        if not text:
            continue
        column = lookup.get(text)
        if column is None:
            result.extra.append(str(raw))
            continue
        if column.key in result.index:
            first = header[result.index[column.key]]
            raise HeaderError(
                f"文件「{file_name}」中「{first}」和「{raw}」都表示{column.label}，请只保留一列"
            )
        result.index[column.key] = position
    missing = [c.label for c in columns if c.required and c.key not in optional and c.key not in result.index]
    if missing:
        raise HeaderError(
            f"文件「{file_name}」缺少必填列：{'、'.join(missing)}（请使用模板中的列名，整个文件未导入）"
        )
    return result
