"""Issue 10 point 5: every list, edit and delete page is core's generic view with a few attributes.

Delete pages (ObjectDeleteView): a union is revoked (撤销), a workplace or a routing rule deleted; the
object is re-read in scope inside the transaction; rows that still refer to it refuse the deletion in
Chinese; an audit DELETE row is written with the change, and nothing at all when refused."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import gonghui
from gonghui.core.models import AuditEvent
from gonghui.core.views import ObjectDeleteView, ObjectListView
from gonghui.imports.models import ImportJob
from gonghui.joining.models import RoutingRule, TransferRequest, TransferStatus
from gonghui.orgs.models import UnionOrg, Workplace, WorkplaceState

pytestmark = pytest.mark.django_db


def _deletes(obj) -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


def test_an_unreferenced_workplace_is_deleted_with_its_states_and_audited(client, registry, as_user):
    workplace = registry.workplaces["jiujiang_none"]
    as_user("jiujiang", client)
    url = reverse("orgs:workplace-delete", args=[workplace.pk])
    page = client.get(url).content.decode()
    assert "确定要删除单位「鸠江未建会公司」吗" in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:workplace-list")
    assert not Workplace.objects.filter(pk=workplace.pk).exists()
    assert not WorkplaceState.objects.filter(workplace_id=workplace.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(workplace.pk))
    assert event.object_type == "orgs.workplace" and event.object_repr == "鸠江未建会公司"
    assert event.username == "t-jiujiang" and event.detail == "删除"


def test_a_workplace_members_and_unions_name_is_not_deleted(client, registry, as_user):
    workplace = registry.workplaces["jiujiang_b"]
    as_user("jiujiang", client)
    url = reverse("orgs:workplace-delete", args=[workplace.pk])
    assert "确认删除" not in client.get(url).content.decode()
    response = client.post(url)
    body = response.content.decode()
    assert response.status_code == 409
    assert "不能删除「鸠江乙公司」" in body and "王鸠一" in body and "鸠江乙公司工会委员会" in body
    assert Workplace.objects.filter(pk=workplace.pk).exists() and _deletes(workplace) == 0


def test_delete_pages_refuse_other_subtrees_and_read_only_roles(client, registry, as_user):
    workplace = registry.workplaces["jiujiang_none"]
    url = reverse("orgs:workplace-delete", args=[workplace.pk])
    as_user("jinghu", client)  # the county beside
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.logout()
    as_user("viewer", client)  # read-only, Wuhu: in scope but not an editor
    response = client.post(url)
    assert response.status_code == 403 and "您的角色只能查看，不能修改" in response.content.decode()
    client.logout()
    assert client.post(url).status_code == 302  # anonymous: to the login page
    assert Workplace.objects.filter(pk=workplace.pk).exists() and _deletes(workplace) == 0


def test_a_union_is_revoked_not_deleted_and_only_when_empty(client, registry, as_user):
    zone = registry.unions["zone"]  # no sub-union, no member
    as_user("wuhu", client)
    url = reverse("orgs:union-delete", args=[zone.pk])
    assert "确认撤销" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    zone.refresh_from_db()
    assert zone.status == UnionOrg.Status.REVOKED and zone.status_changed_on is not None
    assert _deletes(zone) == 1
    assert AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(zone.pk)).detail == "撤销"
    again = client.post(url)
    assert again.status_code == 409 and "已是「撤销」" in again.content.decode() and _deletes(zone) == 1

    jiujiang = registry.unions["jiujiang"]  # sub-unions and members
    response = client.post(reverse("orgs:union-delete", args=[jiujiang.pk]))
    assert response.status_code == 409 and "下级工会未撤销" in response.content.decode()
    committee = registry.unions["jiujiang_b"]  # one member
    response = client.post(reverse("orgs:union-delete", args=[committee.pk]))
    assert response.status_code == 409 and "1 名会员" in response.content.decode()
    for union in (jiujiang, committee):
        union.refresh_from_db()
        assert union.status == UnionOrg.Status.ACTIVE and _deletes(union) == 0


def test_a_routing_rule_is_deleted_by_an_administrator_only(client, registry, as_user):
    rule = RoutingRule.objects.create(
        region=registry.workplaces["jiujiang_b"].region, union=registry.unions["jiujiang"]
    )
    url = reverse("joining:rule-delete", args=[rule.pk])
    as_user("jinghu", client)
    assert client.post(url).status_code == 404
    client.logout()
    as_user("jiujiang", client)
    assert (
        reverse("joining:rule-delete", args=[rule.pk])
        in client.get(reverse("joining:rule-list")).content.decode()
    )
    assert client.post(url).status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists() and _deletes(rule) == 1


def test_protect_refusal_names_the_referring_rows(registry):
    view = ObjectDeleteView(model=UnionOrg)
    refusal = view.refusal(registry.unions["jiujiang"])
    assert refusal.startswith("不能删除「鸠江区总工会」：仍有")
    assert "鸠江乙公司" in refusal and "请先修改或删除这些记录" in refusal
    assert view.refusal(registry.unions["zone"]) == ""  # nothing PROTECTs it


def test_transfer_list_is_generic_pending_first_filterable(client, registry, as_user):
    from gonghui.joining import services

    pending = services.request_transfer(registry.members["jiujiang_1"], registry.unions["jiujiang_joint"])
    as_user("jiujiang", client)
    page = client.get(reverse("joining:transfer-list")).content.decode()
    assert "王鸠一" in page and 'id="transfers"' in page and "共 1 条" in page
    TransferRequest.objects.filter(pk=pending.pk).update(status=TransferStatus.REFUSED)
    assert "没有转接申请" in client.get(reverse("joining:transfer-list")).content.decode()
    assert "王鸠一" in client.get(reverse("joining:transfer-list") + "?status=all").content.decode()
    assert "王鸠一" in client.get(reverse("joining:transfer-list") + "?status=refused").content.decode()
    client.logout()
    as_user("jinghu", client)
    assert "王鸠一" not in client.get(reverse("joining:transfer-list") + "?status=all").content.decode()


def test_review_queue_is_generic_and_keeps_its_filters(client, registry, as_user):
    import datetime as dt

    from gonghui.joining.models import JoinApplication
    from tests.scope_objects import _join_application_jiujiang

    app = _join_application_jiujiang(registry)
    as_user("jiujiang", client)
    queue = reverse("joining:queue")

    def shown(query: str = "", url: str = queue) -> bool:
        return app.number in client.get(url + query).content.decode()

    assert shown() and shown("?status=all") and shown("?kind=employer") and shown("?q=鸠江申请人")
    assert not shown("?status=approved") and not shown("?kind=new_form") and not shown("?q=别人")
    assert not shown("?due=overdue") and not shown(url=reverse("joining:overdue"))
    JoinApplication.objects.filter(pk=app.pk).update(deadline=dt.date(2020, 1, 2))
    assert shown("?due=overdue")
    page = client.get(reverse("joining:overdue") + "?status=approved").content.decode()  # no filters here
    assert app.number in page and "table-danger" in page and "按受理工会" in page
    client.logout()
    as_user("jinghu", client)
    assert not shown("?status=all")


def test_import_history_is_generic_and_filters_by_kind(client, registry, as_user):
    for kind, name in (("members", "会员表.xlsx"), ("unions", "工会表.xlsx")):
        ImportJob.objects.create(
            kind=kind,
            user=registry.users["jiujiang"],
            scope=registry.unions["jiujiang"],
            file_name=name,
            sha256="ab" * 32,
        )
    as_user("jiujiang", client)
    page = client.get(reverse("imports:job-list")).content.decode()
    assert "会员表.xlsx" in page and "工会表.xlsx" in page and "导入会员" in page and "共 2 条" in page
    page = client.get(reverse("imports:job-list") + "?kind=unions").content.decode()
    assert "会员表.xlsx" not in page and "工会表.xlsx" in page


def test_plan_list_and_bulletin_list_are_generic_and_filter(client, registry, as_user):
    import datetime as dt

    from gonghui.targets import services
    from tests.targets.conftest_helpers import make_plan

    plan = make_plan(registry)
    services.snapshot(plan, dt.date(2023, 6, 30))
    services.snapshot(plan, dt.date(2023, 9, 30))
    as_user("jinghu", client)  # a county ranked in the city's plan
    plans = reverse("targets:plan-list")
    assert plan.title in client.get(plans).content.decode()
    assert "暂无目标任务" in client.get(plans + "?year=2022").content.decode()
    assert "手工填报" in client.get(plans).content.decode()
    bulletins = reverse("reports:bulletin-list")
    page = client.get(bulletins).content.decode()
    assert "2023-06-30" in page and "2023-09-30" in page and "共 2 条" in page
    page = client.get(bulletins + "?as_of_from=2023-07-01").content.decode()
    assert "2023-06-30" not in page and "2023-09-30" in page
    client.logout()
    as_user("viewer", client)
    assert "手工填报" not in client.get(plans).content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:user-list",
        "accounts:audit-list",
        "imports:job-list",
        "joining:queue",
        "joining:overdue",
        "targets:plan-list",
        "reports:bulletin-list",
        "joining:transfer-list",
        "joining:rule-list",
    ],
)
def test_list_pages_are_the_generic_list_view(url_name):
    from django.urls import resolve

    view = resolve(reverse(url_name)).func.view_class
    assert issubclass(view, ObjectListView) and view.filterset_class and view.table_class


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_app_imports_another_apps_views():
    """Shared helpers live in the module that owns them (targets.params, targets.display), not in views;
    core's generic views are the one exception (they are the base every app builds on)."""
    root = Path(gonghui.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        for name in _imported_modules(path):
            bits = name.split(".")
            if (
                len(bits) >= 3
                and bits[0] == "gonghui"
                and bits[2] == "views"
                and bits[1] not in (app, "core")
            ):
                offenders.append(f"{path.relative_to(root)} → {name}")
    assert not offenders, offenders


def test_a_user_is_disabled_never_deleted_and_never_above_the_granter(client, registry, as_user):
    from gonghui.accounts.models import User

    jinghu, wuhu = registry.users["jinghu"], registry.users["wuhu"]
    as_user("jinghu", client)
    url = reverse("accounts:user-delete", args=[jinghu.pk])
    response = client.post(url)  # oneself
    assert response.status_code == 409 and "不能停用自己的账号" in response.content.decode()
    assert client.post(reverse("accounts:user-delete", args=[wuhu.pk])).status_code == 404  # above: not seen
    client.logout()
    as_user("wuhu", client)
    assert (
        client.post(reverse("accounts:user-delete", args=[registry.users["province"].pk])).status_code == 404
    )
    assert "停用" in client.get(reverse("accounts:user-list")).content.decode()
    assert client.post(url).status_code == 302
    jinghu.refresh_from_db()
    assert not jinghu.is_active and User.objects.filter(pk=jinghu.pk).exists() and _deletes(jinghu) == 1
    assert AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(jinghu.pk)).detail == "停用"
    for user in (wuhu, registry.users["province"]):
        user.refresh_from_db()
        assert user.is_active and _deletes(user) == 0
