"""No English in the UI (issue 9 point 16): every page, every form posted with bad input, and every API
error body, read as the user reads them (visible text, placeholders, titles; JSON messages), holds no
Latin word beyond a short list of names users know (API, Excel, PDF …)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from gonghui.orgs.models import Workplace
from tests.factories import PASSWORD, Registry
from tests.scope_objects import all_routes, outside_url

pytestmark = pytest.mark.django_db

# Names, formats and codes a Chinese user reads as they are.
ALLOWED = {
    "API", "PDF", "Excel", "Word", "CSV", "csv", "xlsx", "xls", "docx", "pdf", "USCC", "ID", "JSON", "IP",
    "true", "false", "GB", "GBK", "UTF", "MB", "KB", "SHA",
}  # fmt: skip
# Codes with digits (file hashes, application numbers RH2026…) are data, not words.
_CODE = re.compile(r"[0-9A-Za-z]*\d[0-9A-Za-z]*")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Developer pages made by third-party tools (Swagger UI); the schema is for programs.
SKIPPED = {"api:openapi-view", "api:openapi-json", "accounts:logout"}


class _Visible(HTMLParser):
    """Text a user sees: text nodes outside script/style, plus placeholder/title/aria-label/alt."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.depth += 1
        for key in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(key):
                self.parts.append(attrs[key])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            kind = attrs.get("type", "")
            if kind == "file":
                return
            if kind == "hidden" or tag == "button" or kind in ("radio", "checkbox"):
                value = attrs.get("value") or "on"
            else:
                value = "x"
            self.forms[-1]["fields"].setdefault(attrs["name"], value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def _parse(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    return parser


def english_words(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """Latin words in ``text``, leaving out allowed names, codes and the given data values (user
    names are data a user typed, not the interface's language)."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = _CODE.sub(" ", text)
    return sorted({w for w in _WORD.findall(text) if w not in ALLOWED})


def _data_values() -> tuple[str, ...]:
    from gonghui.accounts.models import User

    return tuple(User.objects.values_list("username", flat=True))


def _json_messages(payload) -> list[str]:
    """The human-readable strings of an API body: ``detail`` and each error's ``msg``; a parameter's
    name quoted in 「」 is what the caller typed, not prose."""
    detail = payload.get("detail") if isinstance(payload, dict) else None
    if isinstance(detail, str):
        messages = [detail]
    elif isinstance(detail, list):
        messages = [e.get("msg", "") for e in detail if isinstance(e, dict)]
    else:
        messages = []
    return [re.sub(r"「[^」]*」", "「」", m) for m in messages]


def _check(response, where: str, problems: list[str]) -> _Visible | None:
    if response.status_code >= 500:
        problems.append(f"{where}：{response.status_code}")
        return None
    kind = response.get("Content-Type", "")
    if response.streaming or "attachment" in response.get("Content-Disposition", ""):
        return None
    if kind.startswith("application/json"):
        words = english_words(" ".join(_json_messages(response.json())))
        if words:
            problems.append(f"{where}：接口返回的说明含英文 {words}")
        return None
    if "html" not in kind:
        return None
    page = _parse(response.content.decode(errors="replace"))
    words = english_words(" ".join(page.parts), _data_values())
    if words:
        problems.append(f"{where}：页面含英文 {words}")
    return page


def _walk(client, reg: Registry, post_forms: bool, only=None) -> tuple[list[str], int]:
    problems: list[str] = []
    forms_posted = 0
    # Delete pages last: their confirmation form really deletes the object other routes still point at.
    for route in sorted(all_routes(), key=lambda r: r.name.endswith("-delete")):
        if route.name in SKIPPED or (only is not None and route.name not in only):
            continue
        url = outside_url(route, reg)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        page = _check(response, f"{route.name} GET {url}", problems)
        if not (post_forms and page):
            continue
        for form in page.forms:
            if form["method"] != "post" or form["action"] not in ("", url):
                continue
            response = client.post(url, form["fields"])
            forms_posted += 1
            _check(response, f"{route.name} POST {url} {sorted(form['fields'])}", problems)
    return problems, forms_posted


def test_english_is_found_where_it_leaks():
    """Control: the check sees English in text and attributes, not in scripts or allowed names."""
    page = _parse('<p>导出 Excel</p><input placeholder="Search"><script>var x = "hidden";</script>')
    assert english_words(" ".join(page.parts)) == ["Search"]
    assert english_words("This password is too short. It must contain at least 8 characters.")
    assert english_words("t-wuhu 文件 SHA-256 3ecafcae09 RH20261130000001", ("t-wuhu",)) == []


def test_pages_and_forms_with_bad_input_speak_chinese(client, registry):
    assert client.login(username="t-wuhu", password=PASSWORD)  # city admin with 查看敏感信息
    problems, posted = _walk(client, registry, post_forms=True)
    assert not problems, "\n".join(problems)
    assert posted >= 10


def test_public_pages_and_their_forms_speak_chinese(client, registry):
    """Not logged in: the login page, the joining pages, with bad input."""
    from tests.scope_objects import PUBLIC_URLS

    problems, posted = _walk(client, registry, post_forms=True, only=PUBLIC_URLS)
    assert not problems, "\n".join(problems)
    assert posted >= 3
    login = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    assert login.status_code == 200
    assert not english_words(" ".join(_parse(login.content.decode()).parts), _data_values())


def test_read_only_users_forbidden_pages_speak_chinese(client, registry):
    assert client.login(username="t-viewer", password=PASSWORD)
    problems, _ = _walk(client, registry, post_forms=False)
    assert not problems, "\n".join(problems)


def test_duplicate_credit_code_is_explained_in_chinese(client, registry):
    existing = registry.workplaces["jiujiang_b"]
    assert client.login(username="t-wuhu", password=PASSWORD)
    page = client.get("/orgs/workplaces/add/")
    fields = _parse(page.content.decode()).forms
    form = next(f for f in fields if f["method"] == "post")["fields"]
    form.update(
        name="另一家公司",
        uscc=existing.uscc,
        employee_count="10",
        region=existing.region_id,
        governing_union=registry.unions["jiujiang"].pk,
    )
    response = client.post("/orgs/workplaces/add/", form)
    body = response.content.decode()
    assert "该统一社会信用代码已登记为另一家单位" in body
    assert "具有" not in body
    assert Workplace.objects.filter(uscc=existing.uscc).count() == 1


def test_a_too_short_password_is_refused_in_chinese(client, registry):
    assert client.login(username="t-wuhu", password=PASSWORD)
    response = client.post(
        "/accounts/users/add/",
        {
            "username": "new-user",
            "full_name": "新用户",
            "union": registry.unions["jiujiang"].pk,
            "role": "readonly",
            "is_active": "on",
            "password1": "a1b2",
            "password2": "a1b2",
        },
    )
    body = response.content.decode()
    assert "密码太短：至少需要 10 个字符" in body  # issue 11: the minimum is 10
    assert not english_words(" ".join(_parse(body).parts), _data_values())


def test_api_error_bodies_speak_chinese(client, registry):
    assert client.get("/api/v1/members").json()["detail"].startswith("未登录")
    assert client.login(username="t-viewer", password=PASSWORD)
    missing = client.get("/api/v1/members/999999")
    assert missing.status_code == 404 and "未找到" in missing.json()["detail"]
    invalid = client.get("/api/v1/members?limit=abc")
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["msg"] == "查询参数「limit」：应为整数"
    assert invalid.json()["detail"][0]["loc"] == ["query", "limit"]  # machine-readable parts stay
    too_many = client.get("/api/v1/members?limit=100000")
    assert too_many.json()["detail"][0]["msg"] == "查询参数「limit」：不能大于 500"
    for response in (missing, invalid, too_many):
        assert not english_words(" ".join(_json_messages(response.json())))


def test_every_unique_field_and_constraint_has_its_own_chinese_message():
    """Django's defaults read 「具有 统一社会信用代码 的 单位 已存在。」 or 「约束 “…” 是无效的」: a new model
    must say in its own words what is duplicated."""
    from django.apps import apps
    from django.db.models import Field, UniqueConstraint
    from django.db.models.constraints import BaseConstraint

    default_unique = str(Field.default_error_messages["unique"])
    default_constraint = str(BaseConstraint.default_violation_error_message)
    problems = []
    for model in apps.get_models():
        if not model.__module__.startswith("gonghui."):
            continue
        for field in model._meta.fields:
            if field.unique and not field.primary_key and model._meta.label != "accounts.User":
                message = str(field.error_messages["unique"])
                if message == default_unique or english_words(message):
                    problems.append(f"{model._meta.label}.{field.name}")
        for constraint in model._meta.constraints:
            message = str(constraint.violation_error_message)
            if isinstance(constraint, UniqueConstraint | BaseConstraint) and message == default_constraint:
                problems.append(f"{model._meta.label} {constraint.name}")
    assert not problems, (
        "请在字段的 error_messages['unique'] 或约束的 violation_error_message 中写明中文说明："
        + "、".join(problems)
    )
