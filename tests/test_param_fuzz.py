"""Malformed-parameter sweep: every URL pattern and API route, GET with a fixed list of malformed values
for every query parameter its view reads (and for its path parameters): a 400 or 404 with a Chinese
message, never a 500.

Which query parameters a page reads is recorded, not listed by hand: a first GET of each page runs with
``request.GET`` instrumented, and the API's parameters come from its OpenAPI schema. New routes and
new parameters are covered automatically.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.http import QueryDict

from tests.factories import PASSWORD
from tests.scope_objects import all_routes, outside_url

pytestmark = pytest.mark.django_db

MALFORMED = [
    "\x00",  # PostgreSQL text and .docx XML cannot hold NUL
    "1111111111111111111111",  # past bigint: an SQL OFFSET or id that overflows
    "abc",
    "-1",
    "0",
    "2024-13-45",
    "1.5",
    "x" * 300,
]
# Read by many pages; fuzzed everywhere so that a page reading one only under some condition is covered.
COMMON = ["page", "sort", "q", "node", "as_of", "plan", "union", "year", "limit", "offset", "kind", "source"]
SKIP_ROUTES = {"accounts:logout"}
# Path values: a number too large for any integer column, zero, and a hostile slug.
PATH_VALUES = {"int": ["0", "99999999999999999999"], "slug": ["abc", "x" * 300], "str": ["%00", "x" * 300]}
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


class _Recorder:
    """Collects the keys a view asks ``request.GET`` for."""

    def __init__(self):
        self.keys: set[str] = set()

    def __enter__(self):
        self.saved = {
            name: getattr(QueryDict, name) for name in ("get", "__getitem__", "getlist", "__contains__")
        }
        keys = self.keys

        def wrap(method):
            def recording(qd, key, *args, **kwargs):
                keys.add(key)
                return method(qd, key, *args, **kwargs)

            return recording

        for name, method in self.saved.items():
            setattr(QueryDict, name, wrap(method))
        return self

    def __exit__(self, *exc):
        for name, method in self.saved.items():
            setattr(QueryDict, name, method)


def _api_query_params(client) -> dict[str, set[str]]:
    """Path template → its query parameter names, from the OpenAPI schema."""
    schema = client.get("/api/v1/openapi.json").json()
    params = {}
    for path, ops in schema["paths"].items():
        names = set()
        for op in ops.values():
            names |= {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        params[re.sub(r"\{\w+\}", "{}", path)] = names
    return params


def _is_chinese(response) -> bool:
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(response.json(), ensure_ascii=False)
    return re.search(r"[\u4e00-\u9fff]", body) is not None


def test_no_malformed_parameter_gives_500(client, registry):
    assert client.login(username=registry.users["wuhu"].username, password=PASSWORD)
    api_params = _api_query_params(client)
    problems: list[str] = []
    fuzzed = 0

    def check(route, url):
        nonlocal fuzzed
        fuzzed += 1
        try:
            with transaction.atomic():  # a savepoint: on PostgreSQL a failed query must not poison the rest
                response = client.get(url)
        except Exception as exc:  # the test client re-raises what the handler would turn into a 500
            problems.append(f"{route.name} {url!r}：异常 {type(exc).__name__}: {str(exc)[:120]}")
            return
        if response.status_code >= 500:
            problems.append(f"{route.name} {url!r}：{response.status_code}")
        elif response.status_code in (400, 404) and not _is_chinese(response):
            problems.append(f"{route.name} {url!r}：{response.status_code} 没有中文说明")

    for route in all_routes():
        if route.name in SKIP_ROUTES:
            continue
        base = outside_url(route, registry)  # 鸠江区 objects: inside 芜湖市, so the user sees them
        with _Recorder() as rec:
            first = client.get(base)
        if first.status_code >= 500:
            problems.append(f"{route.name} {base}：{first.status_code}")
            continue
        read = set(rec.keys)
        if route.is_api:
            read |= api_params.get("/" + _PARAM.sub("{}", route.route).removeprefix("api/v1/"), set())
        for name in sorted(read | set(COMMON)):
            # Every value for what the view reads; the worst three for the rest (read only sometimes).
            for value in MALFORMED if name in read else MALFORMED[:3]:
                check(route, f"{base}?{urlencode({name: value})}")
        # Path parameters (each a whole segment): replaced in turn by malformed values of their kind.
        template, real = route.route.split("/"), base.lstrip("/").split("/")
        for i, part in enumerate(template):
            m = _PARAM.fullmatch(part)
            if m is None or len(real) != len(template):
                continue
            for value in PATH_VALUES.get(m.group("converter") or "str", []):
                check(route, "/" + "/".join([*real[:i], quote(value, safe="%"), *real[i + 1 :]]))
    print(f"{fuzzed} 个畸形参数请求，{len(problems)} 个问题")
    assert not problems, f"{len(problems)} / {fuzzed}:\n" + "\n".join(problems)
    assert fuzzed > 1000


def test_the_named_cases_are_400_or_404_in_chinese(client, registry):
    assert client.login(username=registry.users["wuhu"].username, password=PASSWORD)
    cases = {
        "/targets/indicators/?node=abc": (400, "参数 node（组织编号）应为整数，收到「abc」"),
        "/targets/indicators/?node=-3": (400, "参数 node（组织编号）应在 1 到"),
        "/targets/indicators/?node=99999999": (404, "找不到该页面或记录"),
        "/targets/indicators/?as_of=2024-13-45": (400, "日期「2024-13-45」不存在"),
        "/members/?page=1111111111111111111111": (400, "参数 page（页码）应在 1 到 1000000 之间"),
        "/members/?page=abc": (400, "参数 page（页码）应为整数"),
        "/members/?q=%00": (400, "含有不允许的控制字符"),
        "/reports/?plan=1.5": (400, "参数 plan（目标任务编号）应为整数"),
        "/orgs/unions/99999999999999999999/": (404, "找不到该页面或记录"),
    }
    for url, (status, message) in cases.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert message in response.content.decode(), url
    api = client.get("/api/v1/members?offset=1111111111111111111111")
    assert api.status_code == 422 and api.json()["message"] == "请求参数不合法：offset"
    assert client.get("/api/v1/members?q=%00").json() == {"detail": "参数 q 中含有不允许的控制字符（如 %00）"}
