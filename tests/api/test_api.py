"""The API: tokens from the management command, 401s, scope, masking and a valid OpenAPI schema."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate as validate_openapi

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def issue(username: str, name: str = "测试", **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", username, name, stdout=out, stderr=err, **options)
    assert "不会再次显示" in err.getvalue()
    return out.getvalue().strip()


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_issue_token_prints_the_key_once_and_stores_only_its_hash(registry):
    key = issue("t-jinghu", "区数据同步")
    assert key.startswith("gh_") and len(key) > 40
    token = ApiToken.objects.get(user=registry.users["jinghu"])
    assert token.name == "区数据同步" and token.prefix == key[:8]
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert bearer(key).get("/api/v1/members").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_issue_token_refuses_unknown_user(db):
    with pytest.raises(CommandError, match="不存在"):
        issue("nobody")


@pytest.mark.parametrize(
    "headers", [{}, {"HTTP_AUTHORIZATION": "Bearer gh_wrong"}, {"HTTP_AUTHORIZATION": "Basic x"}]
)
def test_401_without_or_with_a_bad_token(registry, headers):
    for url in ("/api/v1/members", "/api/v1/unions", f"/api/v1/members/{registry.members['jinghu_1'].pk}"):
        response = Client(**headers).get(url)
        assert response.status_code == 401, url
        assert "张镜一" not in response.content.decode()


def test_expired_token_and_inactive_user_are_refused(registry):
    key = issue("t-jinghu", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert bearer(key).get("/api/v1/members").status_code == 401
    other = issue("t-jiujiang")
    registry.users["jiujiang"].is_active = False
    registry.users["jiujiang"].save()
    assert bearer(other).get("/api/v1/members").status_code == 401


def test_token_sees_only_its_users_subtree(registry):
    client = bearer(issue("t-jinghu"))
    members = client.get("/api/v1/members?limit=500").json()
    assert {m["name"] for m in members["items"]} == {"张镜一", "李镜二"}
    assert members["has_more"] is False
    unions = {u["name"] for u in client.get("/api/v1/unions?limit=500").json()["items"]}
    assert "镜湖甲公司工会委员会" in unions and not any("鸠江" in n for n in unions)
    workplaces = {w["name"] for w in client.get("/api/v1/workplaces").json()["items"]}
    assert workplaces == {"镜湖甲公司"}
    regions = client.get("/api/v1/regions/?limit=500").json()["items"]
    assert regions and all(r["code"].startswith("340202") for r in regions)
    outside = registry.members["jiujiang_1"].pk
    assert client.get(f"/api/v1/members/{outside}").status_code == 404
    assert client.get(f"/api/v1/unions/{registry.unions['jiujiang'].pk}").status_code == 404


def test_token_responses_are_masked_and_reveal_is_audited(registry):
    from gonghui.core.models import AuditEvent

    member = registry.members["jinghu_1"]
    viewer = bearer(issue("t-viewer"))
    body = viewer.get(f"/api/v1/members/{member.pk}").json()
    assert body["id_number"] == member.id_masked and body["phone"] == "138****5678"
    assert member.id_number not in viewer.get("/api/v1/members?limit=500").content.decode()
    assert viewer.post(f"/api/v1/members/{member.pk}/reveal").status_code == 403

    # Reveal is a POST: a token needs the write scope the security administrator grants (issue 11).
    key = issue("t-jinghu")
    assert bearer(key).post(f"/api/v1/members/{member.pk}/reveal").status_code == 403
    services.set_token_write(ApiToken.objects.get(key_hash=ApiToken.hash_key(key)), True)
    admin = bearer(key)
    revealed = admin.post(f"/api/v1/members/{member.pk}/reveal").json()
    assert revealed["id_number"] == member.id_number and revealed["phone"] == "13812345678"
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert event.username == "t-jinghu" and event.object_id == str(member.pk)


def test_pagination_has_more_without_count(registry):
    client = bearer(issue("t-wuhu"))
    first = client.get("/api/v1/members?limit=3").json()
    assert len(first["items"]) == 3 and first["has_more"] is True
    rest = client.get("/api/v1/members?limit=3&offset=3").json()
    assert len(rest["items"]) == 1 and rest["has_more"] is False
    ids = [m["id"] for m in first["items"] + rest["items"]]
    assert len(set(ids)) == 4
    assert client.get("/api/v1/members?limit=100000").status_code == 422


def test_filters_work_as_query_parameters(registry):
    client = bearer(issue("t-wuhu"))
    migrant = client.get("/api/v1/members?is_migrant_worker=true").json()["items"]
    assert [m["name"] for m in migrant] == ["李镜二"]


def test_counts_endpoint(registry):
    client = bearer(issue("t-wuhu"))
    counts = client.get(f"/api/v1/unions/{registry.unions['jiujiang'].pk}/counts").json()
    assert counts["members"] == 2 and counts["new_form_members"] == 1
    assert counts["workplaces"] == 5 and counts["covered_workplaces"] == 4


def test_openapi_schema_is_valid_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate_openapi(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/regions/",
        "/api/v1/regions/{pk}",
        "/api/v1/workplaces",
        "/api/v1/workplaces/{pk}",
        "/api/v1/unions",
        "/api/v1/unions/{pk}",
        "/api/v1/unions/{pk}/counts",
        "/api/v1/members",
        "/api/v1/members/{pk}",
        "/api/v1/members/{pk}/reveal",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/members/{pk}/reveal"]
    assert any(
        "Bearer" in str(s) or "bearer" in str(s) for s in schema["components"]["securitySchemes"].values()
    )


def test_a_members_page_is_audited_once_whatever_its_length(registry, django_assert_max_num_queries):
    """One audit row per request, not per record: the statement count of a page does not grow with the
    records on it (session, user, scope, the page; the audit row's lock, chain head and insert)."""
    from gonghui.core.models import AuditEvent

    client = bearer(issue("t-wuhu"))
    for limit in (1, 4):
        with django_assert_max_num_queries(10):
            body = client.get(f"/api/v1/members?limit={limit}").json()
        assert len(body["items"]) == limit
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).order_by("pk")
    assert [r.detail.split("；")[-1] for r in rows] == [
        "返回 1 条（身份证号、手机号已脱敏）",
        "返回 4 条（身份证号、手机号已脱敏）",
    ]
    assert all(r.username == "t-wuhu" for r in rows)
