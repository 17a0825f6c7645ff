"""The system administrator's console (issue 11, 三员分立): settings, reference data, routing rules,
background tasks — for that role alone, every change audited (old → new), no member's personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.accounts.models import Role, User
from gonghui.core import console
from gonghui.core.models import AuditEvent, Setting
from gonghui.imports.models import ImportJob
from gonghui.joining import workdays
from gonghui.joining.models import RoutingRule
from gonghui.members.models import NewFormGroup
from gonghui.regions.models import Region
from gonghui.targets.models import Metric
from gonghui.targets.services import seed_metrics
from tests.factories import PASSWORD
from tests.scope_objects import _import_job_jiujiang
from tests.test_no_english import _parse, english_words

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("core:system-settings")
REFERENCE_URL = reverse("core:system-reference")
EDIT_URL = reverse("core:system-reference-edit")
JOBS_URL = reverse("core:system-jobs")
REVIEW = workdays.REVIEW_KEY


def _user(registry, key: str, role: str, union: str = "province") -> User:
    user = User.objects.create_user(f"t-{key}", password=PASSWORD, union=registry.unions[union], role=role)
    registry.users[key] = user
    return user


@pytest.fixture
def admins(registry):
    _user(registry, "sysadmin", Role.SYSTEM_ADMIN)
    _user(registry, "secadmin", Role.SECURITY_ADMIN)
    _user(registry, "auditor", Role.AUDITOR)
    seed_metrics()
    return registry


def _changes() -> int:
    return AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE]
    ).count()


def _visible_text(response) -> str:
    return " ".join(_parse(response.content.decode()).parts)


def _console_pages() -> list[str]:
    metric = Metric.objects.get(code="members")
    group = NewFormGroup.objects.order_by("pk").first()
    return [
        SETTINGS_URL,
        REFERENCE_URL,
        f"{EDIT_URL}?kind=metrics&pk={metric.pk}",
        f"{EDIT_URL}?kind=new-form-groups&pk={group.pk}",
        f"{EDIT_URL}?kind=new-form-groups",
        JOBS_URL,
        reverse("joining:rule-list"),
        reverse("joining:rule-add"),
    ]


def test_system_admin_opens_every_page_from_its_menu_in_chinese(client, admins, as_user):
    as_user("sysadmin")
    home = client.get("/")
    labels = {e["label"] for e in home.context["nav_items"]}
    assert {"系统设置", "参考数据", "入会分配规则", "后台任务"} <= labels
    data = tuple(User.objects.values_list("username", flat=True))
    for url in _console_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(_visible_text(response), data) == [], url
    # The business menus of the other roles do not list the console.
    as_user("province")
    assert not {"系统设置", "参考数据", "后台任务"} & {
        e["label"] for e in client.get("/").context["nav_items"]
    }


def test_settings_page_lists_every_registered_setting_and_the_security_panel(client, admins, as_user):
    as_user("sysadmin")
    body = client.get(SETTINGS_URL).content.decode()
    for spec in console.setting_specs():
        assert spec.label in body
    assert {REVIEW, workdays.TRANSFER_KEY} <= {s.key for s in console.setting_specs()}
    for label in (
        "登录失败锁定",
        "密码规则",
        "会话空闲超时",
        "接口令牌有效期",
        "审计日志保留",
        "可信代理",
        "后台管理界面",
    ):
        assert label in body
    # The panel shows no secret: no key of the deployment appears in the page.
    from django.conf import settings

    for secret in (settings.SECRET_KEY, settings.LOOKUP_HASH_KEY, *settings.FIELD_ENCRYPTION_KEYS):
        assert str(secret) not in body


def test_system_admin_changes_a_setting_audited_old_to_new(
    client, admins, as_user, django_capture_on_commit_callbacks
):
    as_user("sysadmin")
    union = admins.unions["jiujiang_b"]
    assert (
        workdays.configured_days(union, REVIEW, workdays.DEFAULT_REVIEW_DAYS) == 15
    )  # cached in the process
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETTINGS_URL, {"key": REVIEW, "action": "set", "value": "10"})
    assert response.status_code == 302
    assert Setting.get(REVIEW) == 10
    first = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="core.setting")
    assert first.user == admins.users["sysadmin"]
    assert first.detail == "入会申请审核期限：默认值 → 10 个工作日"
    assert first.object_repr == "入会申请审核期限"
    # The change takes effect at once in this process (the cached value was dropped).
    assert workdays.configured_days(union, REVIEW, workdays.DEFAULT_REVIEW_DAYS) == 10
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETTINGS_URL, {"key": REVIEW, "action": "set", "value": "12"})
    second = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="core.setting")
    assert second.detail == "入会申请审核期限：10 个工作日 → 12 个工作日"
    # Back to the default: the row goes, audited.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETTINGS_URL, {"key": REVIEW, "action": "reset"})
    assert Setting.get(REVIEW) is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_type="core.setting").exists()
    assert workdays.configured_days(union, REVIEW, workdays.DEFAULT_REVIEW_DAYS) == 15


@pytest.mark.parametrize(
    "value,reason",
    [
        ("0", "须在 1 至 60 个工作日之间"),
        ("61", "须在 1 至 60 个工作日之间"),
        ("abc", "须为整数"),
        ("1.5", "须为整数"),
        ("", "请填写"),
    ],
)
def test_a_setting_out_of_bounds_is_refused_in_chinese_and_nothing_stored(
    client, admins, as_user, value, reason
):
    as_user("sysadmin")
    before = AuditEvent.objects.count()
    response = client.post(SETTINGS_URL, {"key": REVIEW, "action": "set", "value": value})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Setting.objects.filter(key__startswith=REVIEW).exists()
    assert AuditEvent.objects.count() == before


def test_unknown_setting_key_and_action_are_refused(client, admins, as_user):
    as_user("sysadmin")
    assert client.post(SETTINGS_URL, {"key": "demo.loaded", "action": "set", "value": "1"}).status_code == 404
    assert (
        client.post(SETTINGS_URL, {"key": REVIEW, "action": "drop", "target": "demo.loaded"}).status_code
        == 400
    )
    assert client.post(SETTINGS_URL, {"key": REVIEW, "action": "explode", "value": "1"}).status_code == 400
    assert not Setting.objects.exists()


def test_a_union_of_its_own_gets_its_value_and_its_subtree_follows(
    client, admins, as_user, django_capture_on_commit_callbacks
):
    as_user("sysadmin")
    jiujiang = admins.unions["jiujiang"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SETTINGS_URL, {"key": REVIEW, "action": "override", "union": jiujiang.pk, "value": "5"}
        )
    assert response.status_code == 302
    key = f"{REVIEW}.{jiujiang.pk}"
    assert Setting.get(key) == 5
    event = AuditEvent.objects.get(object_type="core.setting", action=AuditEvent.Action.CREATE)
    assert "鸠江区总工会" in event.detail and "→ 5 个工作日" in event.detail
    assert workdays.configured_days(admins.unions["jiujiang_b"], REVIEW, 15) == 5  # below it
    assert workdays.configured_days(admins.unions["jinghu"], REVIEW, 15) == 15  # beside it
    assert "鸠江区总工会" in client.get(SETTINGS_URL).content.decode()
    # Out of bounds for a union too: refused, nothing changed.
    bad = client.post(
        SETTINGS_URL, {"key": REVIEW, "action": "override", "union": jiujiang.pk, "value": "99"}
    )
    assert bad.status_code == 400 and "须在 1 至 60" in bad.content.decode()
    assert Setting.get(key) == 5
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETTINGS_URL, {"key": REVIEW, "action": "drop", "target": key})
    assert Setting.get(key) is None
    assert workdays.configured_days(admins.unions["jiujiang_b"], REVIEW, 15) == 15


@pytest.mark.parametrize("who", ["secadmin", "auditor", "province", "jinghu", "viewer"])
def test_other_roles_get_403_and_change_nothing(client, admins, as_user, who):
    as_user(who)
    metric = Metric.objects.get(code="members")
    group = NewFormGroup.objects.order_by("pk").first()
    for url in [SETTINGS_URL, REFERENCE_URL, f"{EDIT_URL}?kind=metrics&pk={metric.pk}", JOBS_URL]:
        assert client.get(url).status_code == 403, (who, url)
    tasks_before = DBTaskResult.objects.count()
    posts = [
        (SETTINGS_URL, {"key": REVIEW, "action": "set", "value": "3"}),
        (
            SETTINGS_URL,
            {"key": REVIEW, "action": "override", "union": admins.unions["jinghu"].pk, "value": "3"},
        ),
        (f"{EDIT_URL}?kind=metrics&pk={metric.pk}", {"name": "被改的名称", "aliases": "", "order": "1"}),
        (f"{EDIT_URL}?kind=new-form-groups&pk={group.pk}", {"name": "被改的群体", "order": "1"}),
        (f"{EDIT_URL}?kind=new-form-groups", {"code": "x_new", "name": "新群体", "order": "1"}),
        (JOBS_URL, {"action": "run", "task": "gonghui.joining.tasks.auto_confirm_transfers_task"}),
        (JOBS_URL, {"action": "imports:reap"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, (who, url)
    assert not Setting.objects.filter(key__startswith=REVIEW).exists()
    metric.refresh_from_db()
    group.refresh_from_db()
    assert metric.name == "会员数" and group.name != "被改的群体"
    assert not NewFormGroup.objects.filter(code="x_new").exists()
    assert DBTaskResult.objects.count() == tasks_before
    assert _changes() == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.OTHER).exists()


def test_new_form_groups_are_added_and_edited_with_their_code_kept(client, admins, as_user):
    as_user("sysadmin")
    response = client.post(
        f"{EDIT_URL}?kind=new-form-groups",
        {"code": "live_streamer", "name": "网络主播", "order": "20", "is_active": "on"},
    )
    assert response.status_code == 302
    group = NewFormGroup.objects.get(code="live_streamer")
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="members.newformgroup")
    assert created.user == admins.users["sysadmin"] and "名称：（空） → 网络主播" in created.detail
    # Editing: the code cannot change (the seeding command finds groups by it); the name can.
    client.post(
        f"{EDIT_URL}?kind=new-form-groups&pk={group.pk}",
        {"code": "changed", "name": "网络主播员", "order": "20"},
    )
    group.refresh_from_db()
    assert group.code == "live_streamer" and group.name == "网络主播员" and not group.is_active
    updated = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="members.newformgroup")
    assert "名称：网络主播 → 网络主播员" in updated.detail and "启用：是 → 否" in updated.detail
    # A name already taken: refused in Chinese, nothing written.
    before = _changes()
    taken = NewFormGroup.objects.exclude(pk=group.pk).first().name
    dup = client.post(f"{EDIT_URL}?kind=new-form-groups&pk={group.pk}", {"name": taken, "order": "1"})
    assert dup.status_code == 400 and "已有同名的群体" in dup.content.decode()
    assert _changes() == before
    bad_code = client.post(
        f"{EDIT_URL}?kind=new-form-groups", {"code": "网络", "name": "某群体", "order": "1"}
    )
    assert bad_code.status_code == 400 and "代码只能由英文字母" in bad_code.content.decode()


def test_metric_code_and_source_stay_name_and_aliases_change_without_clashes(client, admins, as_user):
    as_user("sysadmin")
    metric = Metric.objects.get(code="members")
    url = f"{EDIT_URL}?kind=metrics&pk={metric.pk}"
    # The clash: 「其中农民工会员数」 belongs to another metric; refused with the reason, nothing changed.
    clash = client.post(url, {"name": "会员数", "aliases": "其中农民工会员数", "order": "1"})
    assert clash.status_code == 400 and "导入时将无法区分" in clash.content.decode()
    ok = client.post(
        url,
        {
            "name": "会员发展数",
            "aliases": "会员数，新增会员数",
            "order": "5",
            "code": "hacked",
            "source": "manual",
        },
    )
    assert ok.status_code == 302
    metric.refresh_from_db()
    assert metric.code == "members" and metric.source == Metric.Source.MEMBERS_NET  # not editable here
    assert metric.name == "会员发展数" and metric.aliases == ["会员数", "新增会员数"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="targets.metric")
    assert (
        "名称：会员数 → 会员发展数" in event.detail
        and "表头别名：发展会员数、新增会员数、会员 → 会员数、新增会员数" in event.detail
    )
    # Metrics are not added here.
    assert client.get(f"{EDIT_URL}?kind=metrics").status_code == 403
    assert client.get(f"{EDIT_URL}?kind=nothing").status_code == 404
    assert client.get(f"{EDIT_URL}?kind=metrics&pk=abc").status_code == 400
    assert client.get(f"{EDIT_URL}?kind=metrics&pk=99999999").status_code == 404


def test_system_admin_manages_every_routing_rule_audited(client, admins, as_user):
    county = Region.objects.get(code="340202")
    RoutingRule.objects.create(region=Region.objects.get(code="340207"), union=admins.unions["jiujiang"])
    as_user("sysadmin")
    listing = client.get(reverse("joining:rule-list")).content.decode()
    assert "鸠江区总工会" in listing and reverse("joining:rule-add") in listing
    response = client.post(
        reverse("joining:rule-add"),
        {"region": county.pk, "union": admins.unions["jinghu"].pk, "is_active": "on"},
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(region=county)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        object_type="joining.routingrule",
        object_id=str(rule.pk),
        user=admins.users["sysadmin"],
    ).exists()
    # Business administrators keep their own subtree's rules; the security administrator has none.
    as_user("jinghu")
    own = client.get(reverse("joining:rule-list")).content.decode()
    assert "镜湖区总工会" in own and "鸠江区总工会" not in own
    as_user("secadmin")
    assert client.post(reverse("joining:rule-edit", args=[rule.pk]), {"region": county.pk}).status_code == 403


def _task_row(**fields) -> DBTaskResult:
    now = timezone.now()
    defaults = dict(
        task_path="gonghui.imports.tasks.run_import",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=now,
        status="READY",
    )
    defaults.update(fields)
    return DBTaskResult.objects.create(**defaults)


def test_jobs_page_shows_metadata_and_no_personal_data(client, admins, as_user):
    job = _import_job_jiujiang(admins)  # its file, report and row errors name a resident ID
    member = admins.members["jiujiang_1"]
    secret_args = {"args": [member.name, member.id_number], "kwargs": {"phone": member.phone}}
    _task_row(
        args_kwargs=secret_args,
        status="FAILED",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1", "w2"],
        exception_class_path="django.db.utils.OperationalError",
        traceback=f"Traceback … {member.name}",
        return_value={"name": member.name},
    )
    as_user("sysadmin")
    body = client.get(JOBS_URL).content.decode()
    assert "导入" in body and "数据库错误" in body and "失败" in body
    assert "自动确认逾期的会籍转接" in body and "每天 01:00" in body  # the periodic schedule
    assert f"<td>{job.pk}</td>" in body and "会员" in body
    for m in admins.members.values():
        for value in (m.name, m.id_number, m.phone, m.id_masked):
            assert value and value not in body, value
    assert "340207199001010000" not in body and job.file_name not in body
    assert "Traceback" not in body


def test_run_a_periodic_task_now_is_enqueued_and_audited(
    client, admins, as_user, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    as_user("sysadmin")
    path = "gonghui.joining.tasks.auto_confirm_transfers_task"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS_URL, {"action": "run", "task": path})
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.OTHER)
    assert (
        event.detail == "立即运行定时任务「自动确认逾期的会籍转接」"
        and event.user == admins.users["sysadmin"]
    )
    assert client.post(JOBS_URL, {"action": "run", "task": "os.system"}).status_code == 400
    assert client.post(JOBS_URL, {"action": "nothing:here"}).status_code == 400
    assert DBTaskResult.objects.count() == 1


def test_a_dead_import_is_marked_failed_from_the_console(client, admins, as_user):
    job = _import_job_jiujiang(admins)
    stale = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, heartbeat_at=stale)
    alive = _import_job_jiujiang(admins)
    ImportJob.objects.filter(pk=alive.pk).update(status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now())
    as_user("sysadmin")
    response = client.post(JOBS_URL, {"action": "imports:reap"}, follow=True)
    assert f"#{job.pk}" in response.content.decode()
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and alive.status == ImportJob.Status.RUNNING
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="imports.importjob", object_id=str(job.pk)
    ).exists()
    assert not AuditEvent.objects.filter(object_type="imports.importjob", object_id=str(alive.pk)).exists()


def test_the_system_admin_reads_no_member_anywhere(client, admins, as_user):
    """Every page and API route, with and without an object (the 鸠江区 objects of the sweeps): no member's
    name, ID or phone — masked or not — reaches the system administrator (三员分立)."""
    from tests.scope_objects import PUBLIC_URLS, all_routes, outside_url
    from tests.test_scope_sweep import _request, _text

    strings = []
    for m in admins.members.values():
        strings += [m.name, m.id_number, m.phone, m.id_masked, m.phone_masked]
    as_user("sysadmin")
    problems = []
    for route in all_routes():
        if route.name in PUBLIC_URLS or route.name.endswith("-delete"):
            continue
        url = outside_url(route, admins) if route.params else route.url()
        response = _request(client, url)
        if response.status_code >= 500:
            problems.append(f"{route.name} {url}：{response.status_code}")
            continue
        if response.streaming:
            problems.append(f"{route.name} {url}：下载了文件")
            continue
        leaked = [s for s in strings if s and s in _text(response)]
        if leaked:
            problems.append(f"{route.name} {url}：{response.status_code} {leaked}")
    assert not problems, "\n".join(problems)


def test_the_schedule_reads_in_seconds_minutes_hours_or_a_time_of_day():
    from gonghui.core import schedule

    assert schedule.describe(dt.timedelta(seconds=15)) == "每 15 秒"
    assert schedule.describe(dt.timedelta(minutes=30)) == "每 30 分钟"
    assert schedule.describe(dt.timedelta(hours=6)) == "每 6 小时"
    assert schedule.describe(dt.time(1, 0)) == "每天 01:00"


def test_every_periodic_task_has_a_chinese_label():
    """The jobs page names each scheduled task in Chinese: an app that schedules a task registers its label
    (core.console.register_task_label) — 「未登记名称的任务」 on the page is a forgotten registration."""
    from gonghui.core import console, schedule

    unnamed = [path for path in schedule.registered() if console.task_label(path) == "未登记名称的任务"]
    assert not unnamed, unnamed
