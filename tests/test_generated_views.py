"""Generated view tests (issue 10 point 7, after NetBox's ViewTestCases).

Every model with generic pages (core's ObjectListView / ObjectDetailView / ObjectEditView /
ObjectDeleteView, found by walking the URL patterns, not listed by hand) is tried by every persona ×
list / detail / edit / delete / export. The expectation is computed, never typed per case:

- anonymous → the login page; a user with no node → 403 (deny by default);
- a role the view does not admit (``required_role``) → 403;
- an object outside the user's subtree (``Model.objects.visible_to(user)``) → 404;
- otherwise the page; a POST writes the row *and* its audit event, and every refused POST writes
  neither (the row is unchanged, no AuditEvent).

The personas are built once for the module (one registry in a transaction rolled back at the end);
each test runs in its own savepoint on top of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import models, transaction
from django.test import Client

from gonghui.accounts.models import Role, User
from gonghui.accounts.roles import may_open
from gonghui.core.models import AuditEvent
from gonghui.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from gonghui.orgs.models import UnionKind, UnionOrg
from tests.factories import PASSWORD, add_personas, build_registry
from tests.scope_objects import OUTSIDE_OBJECTS, Route, _routing_rule_jiujiang, all_routes

# anonymous, read-only (芜湖市, above the object), another subtree (镜湖区 beside 鸠江区), own subtree
# (鸠江区), reviewer, auditor, grassroots administrator (鸠江乙公司工会委员会), union-less administrator.
PERSONAS = ["anonymous", "viewer", "jinghu", "jiujiang", "reviewer", "auditor", "grassroots", "nounion"]


def _meeting_to_delete(reg):
    from gonghui.supervision import meetings

    data = meetings.MeetingInput(kind="openness", held_on=dt.date(2026, 4, 1), title="鸠江区厂务公开会议")
    return meetings.record_meeting(reg.unions["jiujiang"], data)


# An object of 鸠江区 that may really be deleted (the OUTSIDE_OBJECTS one is still referred to).
DELETABLE = {
    "orgs.workplace": lambda reg: reg.workplaces["jiujiang_none"],
    "orgs.unionorg": lambda reg: UnionOrg.objects.create(
        name="鸠江待撤销工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=reg.unions["jiujiang"],
        region=reg.unions["jiujiang"].region,
    ),
    "joining.routingrule": _routing_rule_jiujiang,
    "supervision.meeting": lambda reg: _meeting_to_delete(reg),
    "accounts.user": lambda reg: User.objects.create_user(
        "p-disable-me", password=PASSWORD, union=reg.unions["jiujiang_b"], role=Role.READONLY
    ),
}


# Edit pages whose form refuses the object as it stands for a persona who may open them: the form's
# choices are scoped, and the object names something above the persona's node. Found by these tests,
# kept as they are (issue 10 changes no behaviour); listed so that a new case fails.
FORM_REFUSES_AS_IT_STANDS = {
    # 鸠江乙公司's workplace is governed by 鸠江区总工会, above the grassroots administrator.
    ("members:member-edit", "grassroots"),
    # The grassroots union's parent (鸠江区总工会) is not among the administrator's choices.
    ("orgs:union-edit", "grassroots"),
}


@dataclass
class Pages:
    label: str
    model: type[models.Model]
    routes: dict[str, Route]  # action → route


def _action(route: Route) -> str | None:
    view = getattr(route.callback, "view_class", None)
    if view is None or getattr(view, "model", None) is None:
        return None
    if issubclass(view, ObjectListView):
        return "list"
    if issubclass(view, ObjectDeleteView):
        return "delete"
    if issubclass(view, ObjectEditView):
        if route.params and "pk" not in route.params:
            return None  # an add page under a parent (plans/<plan_pk>/points/add/): the scope sweep covers it
        return "edit" if "pk" in route.params else "add"
    if issubclass(view, ObjectDetailView):
        return "detail"
    return None


def generic_pages() -> list[Pages]:
    found: dict[str, Pages] = {}
    for route in all_routes():
        action = _action(route)
        if action is None:
            continue
        model = route.callback.view_class.model
        pages = found.setdefault(model._meta.label_lower, Pages(model._meta.label_lower, model, {}))
        pages.routes.setdefault(action, route)
    return sorted(found.values(), key=lambda p: p.label)


PAGES = generic_pages()


def _cases(action: str) -> list:
    return [
        pytest.param(p, who, id=f"{p.label}-{who}") for p in PAGES if action in p.routes for who in PERSONAS
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The registry and the extra personas, once for the module; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        reg = add_personas(build_registry())
        yield reg
        transaction.set_rollback(True)


def _client(world, who: str) -> tuple[Client, object]:
    client = Client()
    if who == "anonymous":
        return client, None
    user = world.users[who]
    assert client.login(username=user.username, password=PASSWORD)
    return client, user


def _expected(route: Route, user, obj) -> int:
    """The status a GET (or a refused POST) answers with, from scope and role alone."""
    view = route.callback.view_class
    if user is None:
        return 302
    if user.union_id is None:
        return 403
    if not may_open(user, route.name):
        return 403  # 三员分立 (issue 11): the three administrators open only their own tools
    role = getattr(view, "required_role", "")
    if role and not getattr(user, role):
        return 403
    if obj is not None and not type(obj).objects.visible_to(user).filter(pk=obj.pk).exists():
        return 404
    return 200


def _audits(obj, action) -> int:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


def test_every_model_with_generic_pages_is_generated():
    labels = {p.label for p in PAGES}
    assert {"members.member", "orgs.workplace", "orgs.unionorg", "joining.routingrule"} <= labels
    assert {"accounts.user", "core.auditevent", "imports.importjob", "joining.transferrequest"} <= labels
    for p in PAGES:
        for action in ("detail", "edit", "delete"):
            if action in p.routes:
                assert p.label in OUTSIDE_OBJECTS, f"{p.label}: tests/scope_objects.py OUTSIDE_OBJECTS"


def test_the_personas_are_what_their_names_say(world, db):
    jiujiang_b = world.workplaces["jiujiang_b"]
    visible = type(jiujiang_b).objects.visible_to
    assert visible(world.users["jiujiang"]).filter(pk=jiujiang_b.pk).exists()
    assert not visible(world.users["jinghu"]).filter(pk=jiujiang_b.pk).exists()
    assert world.users["viewer"].can_edit is False and world.users["reviewer"].can_review
    assert world.users["auditor"].can_audit and not world.users["auditor"].can_edit
    assert world.users["grassroots"].can_edit and world.users["nounion"].union_id is None


@pytest.mark.parametrize("pages,who", _cases("list"))
def test_list(world, db, pages, who):
    client, user = _client(world, who)
    route = pages.routes["list"]
    response = client.get(route.url())
    expected = _expected(route, user, None)
    assert response.status_code == expected, (route.name, who)
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("pages,who", _cases("detail"))
def test_detail(world, db, pages, who):
    client, user = _client(world, who)
    obj = OUTSIDE_OBJECTS[pages.label](world)
    route = pages.routes["detail"]
    assert client.get(route.url(pk=obj.pk)).status_code == _expected(route, user, obj), (route.name, who)


def _unchanged_form_data(view, obj, user) -> dict:
    """What the edit form posts back when nothing is changed."""
    form = view.form_class(instance=obj, user=user)
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [v.pk if isinstance(v, models.Model) else v for v in value]
        elif isinstance(value, models.Model):
            data[name] = value.pk
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


@pytest.mark.parametrize("pages,who", _cases("edit"))
def test_edit(world, db, pages, who):
    client, user = _client(world, who)
    obj = OUTSIDE_OBJECTS[pages.label](world)
    route = pages.routes["edit"]
    url = route.url(pk=obj.pk)
    expected = _expected(route, user, obj)
    assert client.get(url).status_code == expected, (route.name, who)
    view = route.callback.view_class
    obj.refresh_from_db()  # the registry's instance may hold an earlier test's (rolled back) change
    editor = user if expected == 200 else world.users["jiujiang"]  # the form as an editor fills it
    data = _unchanged_form_data(view, obj, editor)
    if "name" in data:
        data["name"] = f"{data['name']}改"
    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    valid = view.form_class(data, instance=type(obj).objects.get(pk=obj.pk), user=editor).is_valid()
    # Whoever may open the edit page can save the object as it stands, except the known cases.
    if expected == 200:
        assert valid == ((route.name, who) not in FORM_REFUSES_AS_IT_STANDS), (route.name, who, valid)
    response = client.post(url, data)
    obj.refresh_from_db()
    after = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    if expected == 200 and valid:
        assert response.status_code == 302, (route.name, who, response.content.decode()[:2000])
        assert _audits(obj, AuditEvent.Action.UPDATE) == 1
        assert "name" not in data or after["name"] == data["name"]
    elif expected == 200:  # the form refuses the values as they stand for this persona: nothing written
        body = response.content.decode()
        assert response.status_code == 200 and ("invalid-feedback" in body or "alert-danger" in body)
        assert after == before and _audits(obj, AuditEvent.Action.UPDATE) == 0
    else:
        assert response.status_code == expected, (route.name, who)
        assert after == before and _audits(obj, AuditEvent.Action.UPDATE) == 0


@pytest.mark.parametrize("pages,who", _cases("add"))
def test_add_page(world, db, pages, who):
    client, user = _client(world, who)
    route = pages.routes["add"]
    before = (
        pages.model._base_manager.count(),
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count(),
    )
    assert client.get(route.url()).status_code == _expected(route, user, None), (route.name, who)
    response = client.post(route.url(), {})  # an empty form: refused, or invalid; never a row
    assert response.status_code in (_expected(route, user, None),), (route.name, who)
    after = (
        pages.model._base_manager.count(),
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count(),
    )
    assert after == before


@pytest.mark.parametrize("pages,who", _cases("delete"))
def test_delete(world, db, pages, who):
    client, user = _client(world, who)
    obj = DELETABLE[pages.label](world)
    obj.refresh_from_db()
    route = pages.routes["delete"]
    url = route.url(pk=obj.pk)
    expected = _expected(route, user, obj)
    assert client.get(url).status_code == expected, (route.name, who)
    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    response = client.post(url)
    gone = not pages.model._base_manager.filter(pk=obj.pk).exists()
    if expected == 200:
        assert response.status_code == 302, (route.name, who)
        assert _audits(obj, AuditEvent.Action.DELETE) == 1
        view = route.callback.view_class
        if view.soft_label:
            obj.refresh_from_db()
            assert (
                not gone and {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields} != before
            )
        else:
            assert gone
    else:
        assert response.status_code == expected, (route.name, who)
        assert not gone and _audits(obj, AuditEvent.Action.DELETE) == 0
        obj.refresh_from_db()
        assert {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields} == before


def test_every_delete_page_has_a_deletable_object():
    assert {p.label for p in PAGES if "delete" in p.routes} == set(DELETABLE)


@pytest.mark.parametrize("pages,who", _cases("list"))
def test_export(world, db, pages, who):
    """?export=csv&full=1: the rows the persona may see, full values only with 查看敏感信息 (then an
    EXPORT_SENSITIVE audit row), a refusal writes nothing."""
    client, user = _client(world, who)
    route = pages.routes["list"]
    expected = _expected(route, user, None)
    page = client.get(route.url())
    if expected != 200 or 'id="export-menu"' not in page.content.decode():
        # No export on this page, or not for this persona: the export URL answers as the page does.
        response = client.get(route.url() + "?export=csv")
        assert response.status_code == expected or (expected == 200 and response.status_code == 200)
        if expected == 200:
            assert response.get("Content-Type", "").startswith("text/html")
        return
    sensitive = "身份证号、手机号脱敏" in page.content.decode()
    # The 鸠江区 object exists before the export is asked for (some are made on demand).
    obj = OUTSIDE_OBJECTS.get(pages.label)
    obj = obj(world) if obj is not None else None
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_SENSITIVE).count
    before = events()
    response = client.get(route.url() + "?export=csv&full=1")
    if sensitive and not user.can_view_sensitive:
        assert response.status_code == 403 and events() == before
        return
    assert response.status_code == 200, (route.name, who)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert events() == before + (1 if sensitive else 0)
    if obj is not None:
        seen = type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()
        shown = getattr(obj, "name", None) or str(obj)  # a member's str() adds the masked ID
        assert (shown in body) == seen, (route.name, who)
