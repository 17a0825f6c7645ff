"""Masking sweep: every page and every API GET, rendered for users without 查看敏感信息, shows no full ID
number and no full phone number; revealing is POST-only, needs the permission and is audited."""

from __future__ import annotations

import re

import pytest
from stdnum.cn import ric

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD, Registry
from tests.scope_objects import OUTSIDE_OBJECTS, all_routes, outside_url

pytestmark = pytest.mark.django_db

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _secrets(reg: Registry) -> list[str]:
    values = []
    for member in reg.members.values():
        values.append(member.id_number)
        if member.phone:
            values.append(member.phone)
    assert len(values) == 8
    # 工会工作者 (issue 16): the same rules for the union-staff register.
    worker = OUTSIDE_OBJECTS["people.unionworker"](reg)
    values += [worker.id_number, worker.phone]
    return values


def _leaks(body: str, secrets: list[str]) -> list[str]:
    found = [s for s in secrets if s in body]
    # Any other valid resident ID in the page is a leak too (members made by other apps' fixtures).
    found += [m for m in _ID_LIKE.findall(body) if ric.is_valid(m.upper())]
    return found


def _sweep(client, reg: Registry) -> tuple[list[str], int]:
    secrets = _secrets(reg)
    problems: list[str] = []
    pages = 0
    for route in all_routes():
        try:
            url = outside_url(route, reg)  # 鸠江区 objects: inside 芜湖市, so the user sees them
        except pytest.fail.Exception as exc:
            problems.append(str(exc))
            continue
        for candidate in {url, f"{url}?limit=500" if route.is_api else url}:
            response = client.get(candidate)
            if response.status_code == 405:
                response = client.post(candidate, {})
            if response.status_code >= 500:
                problems.append(f"{route.name} {candidate}：{response.status_code}")
                continue
            leaked = _leaks(response.content.decode(errors="replace"), secrets)
            if leaked:
                problems.append(f"{route.name} {candidate}：出现完整证件号/手机号 {leaked}")
            pages += 1
    return problems, pages


def test_viewer_sees_no_full_id_or_phone_anywhere(client, registry):
    assert not registry.users["viewer"].can_view_sensitive
    assert client.login(username="t-viewer", password=PASSWORD)
    problems, pages = _sweep(client, registry)
    assert not problems, "\n".join(problems)
    assert pages >= 30
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_editor_without_permission_sees_masked_forms_too(client, registry):
    """An administrator without 查看敏感信息 opens the edit forms the read-only viewer cannot."""
    User.objects.create_user(
        "t-editor", password=PASSWORD, union=registry.unions["wuhu"], role=Role.CITY_ADMIN
    )
    assert client.login(username="t-editor", password=PASSWORD)
    member = registry.members["jiujiang_1"]
    page = client.get(f"/members/{member.pk}/edit/")
    assert page.status_code == 200 and member.phone_masked in page.content.decode()
    problems, _ = _sweep(client, registry)
    assert not problems, "\n".join(problems)


def test_list_shows_masked_values(client, registry):
    assert client.login(username="t-viewer", password=PASSWORD)
    body = client.get("/members/").content.decode()
    member = registry.members["jiujiang_1"]
    assert member.id_masked in body and member.phone_masked in body
    api = client.get(f"/api/v1/members/{member.pk}").json()
    assert api["id_number"] == member.id_masked and api["phone"] == member.phone_masked


def test_reveal_with_permission_shows_full_id_and_is_audited(client, registry):
    member = registry.members["jiujiang_1"]
    user = registry.users["wuhu"]
    assert user.can_view_sensitive
    assert client.login(username=user.username, password=PASSWORD)
    # GET never reveals: it would end up in browser history and proxies.
    assert client.get(f"/members/{member.pk}/reveal/").status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()

    response = client.post(f"/members/{member.pk}/reveal/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    body = response.content.decode()
    assert member.id_number in body and member.phone in body
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert (event.user, event.username) == (user, "t-wuhu")
    assert (event.object_type, event.object_id) == ("members.member", str(member.pk))
    assert event.ip == "10.1.2.3"

    api = client.post(f"/api/v1/members/{member.pk}/reveal", REMOTE_ADDR="10.1.2.4")
    assert api.status_code == 200 and api.json()["id_number"] == member.id_number
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, ip="10.1.2.4").count() == 1


def test_reveal_without_permission_is_403_and_not_audited(client, registry):
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-viewer", password=PASSWORD)
    response = client.post(f"/members/{member.pk}/reveal/")
    assert response.status_code == 403
    assert member.id_number not in response.content.decode()
    api = client.post(f"/api/v1/members/{member.pk}/reveal")
    assert api.status_code == 403
    assert member.id_number not in api.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_reveal_outside_scope_is_404_and_not_audited(client, registry):
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-jinghu", password=PASSWORD)  # holds the permission, wrong county
    assert client.post(f"/members/{member.pk}/reveal/").status_code == 404
    assert client.post(f"/api/v1/members/{member.pk}/reveal").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def _export_text(response) -> str:
    """A CSV as text, an .xlsx as the text of every cell (IDs typed as text stay whole)."""
    import io

    from python_calamine import CalamineWorkbook

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("text/csv"):
        return content.decode("utf-8-sig", errors="replace")
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return "\n".join(
        ",".join(str(cell) for cell in row)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
    )


def test_every_export_is_masked_without_the_right(client, registry):
    """Every list page's export, CSV and Excel, as the read-only viewer: no full ID or phone; asking for
    the full export is refused and writes no audit row. Control: the same export with the right holds
    the full numbers, so a sweep over empty exports would fail."""
    secrets = _secrets(registry)
    viewer, wuhu = client.__class__(), client.__class__()
    assert viewer.login(username="t-viewer", password=PASSWORD)
    assert wuhu.login(username="t-wuhu", password=PASSWORD)
    problems: list[str] = []
    exports = 0
    for route in all_routes():
        if route.params or route.is_api or route.name.startswith("imports:template-"):
            continue  # the blank templates carry a made-up example row, not anyone's data
        for fmt in ("csv", "xlsx"):
            response = viewer.get(f"{route.url()}?export={fmt}")
            if response.status_code != 200 or "attachment" not in response.get("Content-Disposition", ""):
                continue
            exports += 1
            leaked = _leaks(_export_text(response), secrets)
            if leaked:
                problems.append(f"{route.name} ?export={fmt}：导出含完整证件号/手机号 {leaked}")
            full = viewer.get(f"{route.url()}?export={fmt}&full=1")
            if full.status_code == 200 and _leaks(_export_text(full), secrets):
                problems.append(f"{route.name} ?export={fmt}&full=1：无权限却导出了完整号码")
    assert not problems, "\n".join(problems)
    assert exports >= 6  # members, workplaces, unions … in both formats
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_SENSITIVE).exists()
    control = wuhu.get("/members/?export=csv&full=1")
    assert _leaks(_export_text(control), secrets)
