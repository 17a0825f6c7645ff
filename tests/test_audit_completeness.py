"""Every act issue 11 lists leaves its audit row: performed through the real URL (or, for the one act that
has no page, the real command) by the persona that may do it, then looked up by action, object type,
actor and the words of its description. The row must not exist before the act and must exist after it;
its description is Chinese (no code name of a field such as ``id_number`` or ``union_id``).

The table ``CASES`` maps each act to a function that prepares what the act needs and returns the act
(a callable) and the row expected (``Row``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services as accounts
from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_resident_id
from gonghui.imports.models import ExportJob, ImportJob
from gonghui.joining import services as joining
from gonghui.joining.models import JoinApplication, RoutingRule
from gonghui.members.models import Member
from gonghui.targets.services import snapshot
from tests.factories import PASSWORD, make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx
from tests.targets.conftest_helpers import make_plan

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
IP = "10.20.30.40"
A = AuditEvent.Action


@dataclass
class Row:
    """The audit row an act must leave: ``actor`` a registry key (None: the system, e.g. a command, or
    nobody logged in), ``contains`` words its description holds, ``count`` how many such rows."""

    action: str
    object_type: str
    actor: str | None
    contains: tuple[str, ...] = ()
    count: int = 1
    ip: str | None = IP
    extra: dict = field(default_factory=dict)


@dataclass
class Ctx:
    registry: object
    client: Client
    tmp_path: object

    def user(self, key: str) -> User:
        return self.registry.users[key]

    def login(self, key: str) -> Client:
        assert self.client.login(username=self.user(key).username, password=PASSWORD)
        return self.client

    def get(self, url: str, **extra):
        return self.client.get(url, REMOTE_ADDR=IP, **extra)

    def post(self, url: str, data=None, **extra):
        return self.client.post(url, data or {}, REMOTE_ADDR=IP, **extra)


def _matching(ctx: Ctx, row: Row):
    rows = AuditEvent.objects.filter(action=row.action, object_type=row.object_type)
    rows = rows.filter(user=ctx.user(row.actor)) if row.actor else rows.filter(user=None)
    for word in row.contains:
        rows = rows.filter(detail__contains=word)
    return rows


# --- the acts -----------------------------------------------------------------------------------------
def login_ok(ctx):
    user = ctx.user("jinghu")
    return lambda: ctx.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    ), Row(A.LOGIN, "", "jinghu")


def login_failed(ctx):
    return lambda: ctx.post(
        reverse("accounts:login"), {"username": "t-jinghu", "password": "错误的密码"}
    ), Row(A.LOGIN_FAILED, "", None, ("t-jinghu",))


def login_locked(ctx):
    def act():
        for _ in range(5):
            ctx.post(reverse("accounts:login"), {"username": "t-jinghu", "password": "错误的密码"})

    return act, Row(A.LOGIN_LOCKED, "", None, ("t-jinghu",))


def logout(ctx):
    ctx.login("jinghu")
    return lambda: ctx.post(reverse("accounts:logout")), Row(A.LOGOUT, "", "jinghu")


def reveal(ctx):
    ctx.login("jiujiang")
    member = ctx.registry.members["jiujiang_1"]
    return lambda: ctx.post(reverse("members:member-reveal", args=[member.pk])), Row(
        A.REVEAL, "members.member", "jiujiang", ("身份证号",)
    )


def export_masked(ctx):
    ctx.login("jiujiang")
    return lambda: b"".join(ctx.get(reverse("members:member-list") + "?export=csv").streaming_content), Row(
        A.EXPORT, "", "jiujiang", ("导出会员", "已脱敏", "共 2 行")
    )


def export_full(ctx):
    ctx.login("jiujiang")
    url = reverse("members:member-list") + "?export=xlsx&full=1"
    return lambda: b"".join(ctx.get(url).streaming_content), Row(
        A.EXPORT_SENSITIVE, "", "jiujiang", ("导出会员", "含完整身份证号", "共 2 行")
    )


def export_download(ctx, monkeypatch):
    from gonghui.core import exports

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 1)  # two rows: a background export
    ctx.login("jiujiang")
    ctx.get(reverse("members:member-list") + "?export=xlsx")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    return lambda: ctx.get(reverse("imports:export-download", args=[job.pk])), Row(
        A.DOWNLOAD, "imports.exportjob", "jiujiang", ("导出文件", "共 2 行", job.sha256)
    )


def _previewed_import(ctx, name="台账.xlsx") -> ImportJob:
    ctx.login("jiujiang")
    rows = [
        [
            "审计一",
            make_id("340207", dt.date(1994, 4, 4), 55),
            "",
            "鸠江乙公司工会委员会",
            "2023-05-01",
            "否",
            "",
        ],
        ["审计二", "340207199404040000", "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""],
    ]
    path = write_xlsx(ctx.tmp_path / name, MEMBER_HEADER, rows)
    with open(path, "rb") as handle:
        ctx.post(reverse("imports:upload-members"), {"file": handle})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEWED and job.errors == 1
    return job


def import_report_download(ctx):
    job = _previewed_import(ctx)
    return lambda: ctx.get(reverse("imports:job-report", args=[job.pk])), Row(
        A.DOWNLOAD, "imports.importjob", "jiujiang", ("错误报告",)
    )


def import_file_download(ctx):
    job = _previewed_import(ctx)
    return lambda: ctx.get(reverse("imports:job-file", args=[job.pk])), Row(
        A.DOWNLOAD, "imports.importjob", "jiujiang", ("原始台账",)
    )


def import_commit(ctx):
    job = _previewed_import(ctx, "鸠江会员台账.xlsx")
    url = reverse("imports:job-confirm", args=[job.pk])
    # Written by the background task in the commit's transaction: the importer, no address.
    return lambda: ctx.post(url, {"skip_invalid": "1"}), Row(
        A.IMPORT,
        "imports.importjob",
        "jiujiang",
        ("鸠江会员台账.xlsx", job.sha256, "共 2 行", "新增 1 行", "有错误未导入 1 行"),
        ip=None,
    )


def _application(ctx) -> JoinApplication:
    app = joining.submit(
        joining.ApplicationInput(
            name="钱快递",
            resident_id=normalize_resident_id(make_id("340207", dt.date(1992, 2, 2), 88)),
            phone="13955556666",
            new_form_group=ctx.registry.groups["courier"],
            district=ctx.registry.unions["jiujiang"].region,
            consent_constitution=True,
            consent_personal_data=True,
        )
    )
    assert app.routed_union == ctx.registry.unions["jiujiang"]
    ctx.login("jiujiang")
    return app


def join_approve(ctx):
    app = _application(ctx)
    url = reverse("joining:application-detail", args=[app.pk])
    return lambda: ctx.post(url, {"action": "approve"}), Row(
        A.UPDATE, "joining.joinapplication", "jiujiang", ("批准入会申请", app.number)
    )


def join_reject(ctx):
    app = _application(ctx)
    url = reverse("joining:application-detail", args=[app.pk])
    return lambda: ctx.post(url, {"action": "reject", "reason": "不在本区工作"}), Row(
        A.UPDATE, "joining.joinapplication", "jiujiang", ("未通过", "不在本区工作")
    )


def join_forward(ctx):
    app = _application(ctx)
    url = reverse("joining:application-detail", args=[app.pk])
    zone = ctx.registry.unions["zone"]
    data = {"action": "forward", "to_union": zone.pk, "note": "工作地点在经开区"}
    return lambda: ctx.post(url, data), Row(
        A.UPDATE, "joining.joinapplication", "jiujiang", ("转交", zone.name, "工作地点在经开区")
    )


def member_transfer(ctx):
    ctx.login("wuhu")
    member = ctx.registry.members["jinghu_1"]
    data = {"to_union": ctx.registry.unions["jiujiang_b"].pk, "date": "2024-05-01", "reason": "job_change"}
    return lambda: ctx.post(reverse("members:member-transfer", args=[member.pk]), data), Row(
        A.UPDATE, "members.member", "wuhu", ("会籍转接", "鸠江乙公司工会委员会")
    )


def transfer_request_confirm(ctx):
    tr = joining.request_transfer(
        ctx.registry.members["jiujiang_1"], ctx.registry.unions["jinghu_a"], actor=ctx.user("jinghu")
    )
    ctx.login("jiujiang")
    url = reverse("joining:transfer-detail", args=[tr.pk])
    return lambda: ctx.post(url, {"action": "confirm"}), Row(
        A.UPDATE, "joining.transferrequest", "jiujiang", ("确认会籍转接",)
    )


def member_exit(ctx):
    ctx.login("jinghu")
    member = ctx.registry.members["jinghu_2"]
    data = {"date": "2024-05-01", "reason": "voluntary"}
    return lambda: ctx.post(reverse("members:member-leave", args=[member.pk]), data), Row(
        A.UPDATE, "members.member", "jinghu", ("退会",)
    )


def member_transfer_province(ctx):
    ctx.login("wuhu")
    member = ctx.registry.members["jinghu_1"]
    data = {"province": "32", "date": "2024-05-01", "reason": "job_change"}
    return lambda: ctx.post(reverse("members:member-transfer-province", args=[member.pk]), data), Row(
        A.UPDATE, "members.member", "wuhu", ("转出至外省", "江苏省")
    )


def routing_rule_add(ctx):
    ctx.login("jiujiang")
    data = {
        "region": ctx.registry.unions["jiujiang"].region.pk,
        "new_form_group": ctx.registry.groups["courier"].pk,
        "union": ctx.registry.unions["jiujiang_b"].pk,
        "is_active": "on",
    }
    return lambda: ctx.post(reverse("joining:rule-add"), data), Row(
        A.CREATE, "joining.routingrule", "jiujiang", ("新就业形态",)
    )


def _rule(ctx) -> RoutingRule:
    ctx.login("jiujiang")
    return RoutingRule.objects.create(
        region=ctx.registry.unions["jiujiang"].region,
        new_form_group=ctx.registry.groups["courier"],
        union=ctx.registry.unions["jiujiang_b"],
    )


def routing_rule_edit(ctx):
    rule = _rule(ctx)
    data = {
        "region": rule.region_id,
        "new_form_group": rule.new_form_group_id,
        "union": ctx.registry.unions["jiujiang_joint"].pk,
        "is_active": "on",
    }
    label = str(RoutingRule._meta.get_field("union").verbose_name)
    return lambda: ctx.post(reverse("joining:rule-edit", args=[rule.pk]), data), Row(
        A.UPDATE, "joining.routingrule", "jiujiang", (label,)
    )


def routing_rule_delete(ctx):
    rule = _rule(ctx)
    return lambda: ctx.post(reverse("joining:rule-delete", args=[rule.pk])), Row(
        A.DELETE, "joining.routingrule", "jiujiang", ("删除",)
    )


def _user_form(ctx, **extra) -> dict:
    data = {
        "username": "new-user",
        "full_name": "新用户",
        "union": ctx.registry.unions["jinghu_street"].pk,
        "role": Role.COUNTY_ADMIN,
        "is_active": "on",
        "password1": "",
        "password2": "",
    }
    return {**data, **extra}


def _managed_user(ctx) -> User:
    ctx.login("jinghu")
    return User.objects.create_user(
        "new-user", password=PASSWORD, union=ctx.registry.unions["jinghu_street"], role=Role.COUNTY_ADMIN
    )


def user_create(ctx):
    ctx.login("jinghu")
    data = _user_form(ctx, password1="Anhui-2024-strong", password2="Anhui-2024-strong")
    return lambda: ctx.post(reverse("accounts:user-add"), data), Row(A.CREATE, "accounts.user", "jinghu")


def user_edit(ctx):
    target = _managed_user(ctx)
    data = _user_form(ctx, full_name="改过的姓名")
    return lambda: ctx.post(reverse("accounts:user-edit", args=[target.pk]), data), Row(
        A.UPDATE, "accounts.user", "jinghu", ("姓名",)
    )


def role_change(ctx):
    target = _managed_user(ctx)
    data = _user_form(ctx, role=Role.READONLY)
    return lambda: ctx.post(reverse("accounts:user-edit", args=[target.pk]), data), Row(
        A.UPDATE, "accounts.user", "jinghu", ("角色：县级管理员 → 只读",)
    )


def user_reset(ctx):
    target = _managed_user(ctx)
    data = _user_form(ctx, password1="Reset-2024-strong!", password2="Reset-2024-strong!")
    return lambda: ctx.post(reverse("accounts:user-edit", args=[target.pk]), data), Row(
        A.UPDATE, "accounts.user", "jinghu", ("重置密码",)
    )


def user_deactivate(ctx):
    target = _managed_user(ctx)
    return lambda: ctx.post(reverse("accounts:user-delete", args=[target.pk])), Row(
        A.DELETE, "accounts.user", "jinghu", ("停用",)
    )


def token_issue(ctx):
    # No page issues tokens yet: the command (no user, no address) is the way.
    return lambda: call_command("issue_token", "t-jinghu", "数据同步"), Row(
        A.CREATE, "accounts.apitoken", None, ("签发", "数据同步", "t-jinghu"), ip=None
    )


def token_revoke(ctx):
    token, _key = ApiToken.issue(ctx.user("jinghu"), "数据同步")
    ctx.login("jinghu")
    return lambda: ctx.post(reverse("accounts:token-revoke", args=[token.pk])), Row(
        A.UPDATE, "accounts.apitoken", "jinghu", ("吊销", "数据同步")
    )


def bulletin_generate(ctx):
    plan = make_plan(ctx.registry)
    ctx.login("wuhu")
    url = reverse("reports:bulletin", args=[plan.pk])
    return lambda: ctx.post(url, {"as_of": "2023-06-30"}), Row(
        A.GENERATE, "targets.snapshot", "wuhu", ("通报", plan.title, "截至 2023-06-30")
    )


def bulletin_download(ctx):
    plan = make_plan(ctx.registry)
    snap = snapshot(plan, dt.date(2023, 6, 30))
    ctx.login("wuhu")
    url = reverse("reports:bulletin-download", args=[snap.pk, "xlsx"])
    return lambda: ctx.get(url), Row(
        A.DOWNLOAD_REPORT, "targets.snapshot", "wuhu", ("下载通报", "XLSX", "截至 2023-06-30")
    )


def api_list(ctx):
    _token, key = ApiToken.issue(ctx.user("jiujiang"), "同步")
    api = "/api/v1/members"
    # A token, no session: the row names the token's user.
    return lambda: ctx.get(api, HTTP_AUTHORIZATION=f"Bearer {key}"), Row(
        A.API_READ, "", "jiujiang", ("API 读取会员", api, "返回 2 条", "已脱敏")
    )


def api_detail(ctx):
    ctx.login("jiujiang")
    member = ctx.registry.members["jiujiang_1"]
    api = f"/api/v1/members/{member.pk}"
    return lambda: ctx.get(api), Row(A.API_READ, "members.member", "jiujiang", (api, "返回 1 条"))


def forbidden(ctx):
    ctx.login("viewer")
    url = reverse("members:member-list") + "?export=csv&full=1"
    return lambda: ctx.get(url), Row(A.FORBIDDEN, "", "viewer", ("拒绝访问", "full=1"))


def audit_log_export(ctx):
    auditor = User.objects.create_user(
        "t-auditor", password=PASSWORD, union=ctx.registry.unions["jiujiang"], role=Role.AUDITOR
    )
    ctx.registry.users["auditor"] = auditor
    accounts.save_user(ctx.user("jiujiang"), actor=ctx.user("jiujiang"), changed=["姓名"])
    ctx.login("auditor")
    url = reverse("accounts:audit-list") + "?export=csv"
    return lambda: b"".join(ctx.get(url).streaming_content), Row(
        A.EXPORT, "", "auditor", ("导出审计日志（csv）", "行")
    )


CASES: dict[str, Callable] = {
    "登录成功": login_ok,
    "登录失败": login_failed,
    "登录被锁定": login_locked,
    "退出登录": logout,
    "查看完整身份证号": reveal,
    "脱敏导出（含行数）": export_masked,
    "完整导出（含行数）": export_full,
    "下载后台导出文件": export_download,
    "下载导入错误报告": import_report_download,
    "下载导入的原始台账": import_file_download,
    "导入提交（文件名、SHA-256、行数）": import_commit,
    "批准入会申请": join_approve,
    "退回入会申请": join_reject,
    "转交入会申请": join_forward,
    "会籍转接（会员页面）": member_transfer,
    "确认会籍转接申请": transfer_request_confirm,
    "退会": member_exit,
    "转出至外省": member_transfer_province,
    "新增入会分配规则": routing_rule_add,
    "修改入会分配规则": routing_rule_edit,
    "删除入会分配规则": routing_rule_delete,
    "新增用户": user_create,
    "修改用户": user_edit,
    "变更角色": role_change,
    "重置密码": user_reset,
    "停用用户": user_deactivate,
    "签发 API 令牌": token_issue,
    "吊销 API 令牌": token_revoke,
    "生成通报": bulletin_generate,
    "下载通报": bulletin_download,
    "API 读取会员列表": api_list,
    "API 读取会员详情": api_detail,
    "敏感页面拒绝访问": forbidden,
    "导出审计日志": audit_log_export,
}


def _field_names() -> set[str]:
    """The code names of the project's model fields an English description would leak (``id_number``,
    ``union_id``, ``is_active`` …); short ones (``id``, ``ip``) are too common inside words to test."""
    names: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("gonghui."):
            continue
        for f in model._meta.concrete_fields:
            # An encrypted value's field (id_number_enc) stands for the name code reads (id_number).
            stem = f.name.removesuffix("_enc").removesuffix("_hash")
            names.update(n for n in (f.name, f.attname, stem) if len(n) >= 4)
    return names


FIELD_NAMES = _field_names()


def english_field_names(detail: str) -> list[str]:
    # URLs (a refused page, an API route) are addresses, not descriptions: left out of the check.
    text = re.sub(r"\S*/\S*", " ", detail)
    return sorted(
        n for n in FIELD_NAMES if re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", text)
    )


@pytest.mark.parametrize("act_name", list(CASES), ids=[case.__name__ for case in CASES.values()])
def test_the_act_leaves_its_audit_row(act_name, registry, client, tmp_path, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    ctx = Ctx(registry, client, tmp_path)
    case = CASES[act_name]
    act, row = case(ctx, monkeypatch) if case is export_download else case(ctx)
    assert not _matching(ctx, row).exists(), "动作之前不应已有这条审计记录"
    act()
    found = list(_matching(ctx, row))
    assert len(found) == row.count, (
        f"「{act_name}」应留下 {row.count} 条审计记录，实有 {len(found)} 条；"
        f"最近的记录：{list(AuditEvent.objects.order_by('-pk').values_list('action', 'object_type', 'detail')[:5])}"
    )
    event = found[0]
    assert event.ip == row.ip
    if row.actor:
        assert event.username == ctx.user(row.actor).username
    assert english_field_names(event.detail) == [], event.detail
    assert event.get_action_display() != event.action  # a Chinese label for every action


def test_the_table_covers_every_act_the_issue_lists():
    """The 18 kinds of act of issue 11's audit paragraph, each with at least one case above."""
    listed = {
        "登录成功", "登录失败", "登录被锁定", "退出登录", "查看完整身份证号", "脱敏导出（含行数）",
        "完整导出（含行数）", "下载导入错误报告", "导入提交（文件名、SHA-256、行数）", "批准入会申请",
        "退回入会申请", "转交入会申请", "会籍转接（会员页面）", "退会", "修改入会分配规则", "变更角色",
        "新增用户", "签发 API 令牌", "生成通报", "API 读取会员列表", "敏感页面拒绝访问",
    }  # fmt: skip
    assert listed <= set(CASES)


def test_the_field_name_check_catches_an_english_description():
    assert english_field_names("id_number、union_id") == ["id_number", "union_id"]
    assert english_field_names("修改：姓名、所属工会；GET /api/v1/members?union_id=3") == []


def test_an_audit_row_names_api_searches_by_id_masked(registry, client):
    """A search by resident ID through the API is logged with the ID masked, never in clear."""
    full = Member.objects.get(pk=registry.members["jiujiang_1"].pk).id_number
    assert client.login(username="t-jiujiang", password=PASSWORD)
    client.get("/api/v1/members", {"q": full})
    event = AuditEvent.objects.get(action=A.API_READ)
    assert full not in event.detail and full[:6] in event.detail
