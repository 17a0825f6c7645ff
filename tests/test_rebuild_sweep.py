"""Rebuild-the-ID sweep (issue 9 point 1): the masked ID ``340207********0313`` hides exactly the birth
date, so a page, export or API payload that shows the birth date beside it gives the full ID back.

As a read-only user without 查看敏感信息, every URL pattern (pages and API, lists with ``limit=500``)
and every list's export (CSV and Excel, the quick download and the background job) is fetched, and an
attacker's rebuild is tried on each body: every masked ID with every date in the body (YYYY-MM-DD,
YYYY年M月D日, YYYY/M/D, YYYYMMDD, Excel date cells), and every year-month with each of its days.
A rebuild counts when the check digit leaves at most ``GUESSES`` candidates and the person's real ID is
among them (a birth year alone leaves ≈ 33). None may rebuild. With the permission, the reveal shows the
full date and is audited.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import json
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from gonghui.core import exports
from gonghui.core.models import AuditEvent
from gonghui.joining.models import JoinApplication
from gonghui.members.models import Member
from tests.factories import PASSWORD, Registry
from tests.scope_objects import all_routes, outside_url

pytestmark = pytest.mark.django_db

GUESSES = 3
_MASKED = re.compile(r"(?<![0-9A-Za-z])(\d{6})\*{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_DATE = re.compile(r"(?<!\d)(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})|(\d{2})(\d{2}))(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})(?!\d)")


def _check_ok(number: str) -> bool:
    return ric.calc_check_digit(number) == number[17].upper()  # stdnum: pass all 18


def _dates(text: str) -> set[dt.date]:
    found = set()
    for m in _DATE.finditer(text):
        year, month, day = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        try:
            found.add(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def _year_months(text: str) -> set[tuple[int, int]]:
    return {
        (int(y), int(m)) for y, m in _YEAR_MONTH.findall(text) if 1900 <= int(y) <= 2100 and 1 <= int(m) <= 12
    }


def rebuild(text: str, real_ids: set[str]) -> set[str]:
    """The real IDs an attacker gets back from ``text``: masked IDs combined with the dates in it."""
    masked = set(_MASKED.findall(text))
    if not masked:
        return set()
    dates, months = _dates(text), _year_months(text)
    rebuilt = set()
    for (address, tail), day in itertools.product(masked, dates):
        candidate = f"{address}{day:%Y%m%d}{tail.upper()}"
        if _check_ok(candidate) and candidate in real_ids:
            rebuilt.add(candidate)
    for (address, tail), (year, month) in itertools.product(masked, months):
        days = calendar.monthrange(year, month)[1]
        valid = [
            c
            for c in (f"{address}{year:04d}{month:02d}{d:02d}{tail.upper()}" for d in range(1, days + 1))
            if _check_ok(c)
        ]
        if len(valid) <= GUESSES:
            rebuilt.update(set(valid) & real_ids)
    return rebuilt


def _real_ids() -> set[str]:
    ids = {m.id_number for m in Member.objects.all()}
    ids |= {a.id_number for a in JoinApplication.objects.all()}
    return ids


def _body_text(response) -> str:
    """What the user receives, as text: JSON unescaped, CSV and Excel files read cell by cell."""
    content_type = response.get("Content-Type", "")
    # Not response.close(): it sends request_finished, which would close the test's connection.
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(raw), ensure_ascii=False)
    if raw[:2] == b"PK" and "spreadsheet" not in content_type:  # .docx and other Office files
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            xml = " ".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
        return re.sub(r"<[^>]+>", "", xml)
    if raw[:2] == b"PK":
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        cells = []
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python():
                cells += [v.isoformat() if isinstance(v, dt.date | dt.datetime) else str(v) for v in row]
        return "\t".join(cells)
    text = raw.decode("utf-8-sig", errors="replace")
    if "csv" in content_type:
        return "\t".join(itertools.chain.from_iterable(csv.reader(io.StringIO(text))))
    return text


def _get(client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _sweep(client, reg: Registry) -> tuple[list[str], dict[str, int]]:
    real = _real_ids()
    problems: list[str] = []
    seen = {"bodies": 0, "with_masked_ids": 0, "exports": 0, "api": 0}
    urls: list[tuple[str, str]] = []
    for route in all_routes():
        if route.name == "accounts:logout":  # POSTing to it would end the sweep's session
            continue
        url = outside_url(route, reg)
        urls.append((route.name, url))
        if route.is_api:
            urls.append((route.name, f"{url}?limit=500"))
        elif not route.params:
            urls += [(route.name, f"{url}?export=csv"), (route.name, f"{url}?export=xlsx")]
    for name, url in urls:
        response = _get(client, url)
        if response.status_code >= 500:
            problems.append(f"{name} {url}：{response.status_code}")
            continue
        if response.status_code != 200:
            continue
        text = _body_text(response)
        seen["bodies"] += 1
        if _MASKED.search(text):
            seen["with_masked_ids"] += 1
            seen["exports"] += "export=" in url and "attachment" in response.get("Content-Disposition", "")
            seen["api"] += url.startswith("/api/")
        rebuilt = rebuild(text, real)
        if rebuilt:
            problems.append(f"{name} {url}：可由脱敏证件号和旁边的日期还原出 {sorted(rebuilt)}")
    return problems, seen


def test_the_rebuild_finds_ids_in_an_unmasked_payload(registry):
    """Control: the attacker's method works, so the sweep can fail."""
    member = registry.members["jiujiang_1"]
    real = _real_ids()
    old_api = json.dumps({"id_number": member.id_masked, "birth_date": member.birth_date.isoformat()})
    assert rebuild(old_api, real) == {member.id_number}
    old_export = f"王鸠一\t{member.id_masked}\t男\t{member.birth_date:%Y/%m/%d}"
    assert rebuild(old_export, real) == {member.id_number}
    assert rebuild(f"{member.id_masked} {member.birth_date:%Y年%-m月%-d日}", real) == {member.id_number}
    # A year alone leaves dozens of candidates: not a rebuild.
    assert rebuild(f"{member.id_masked} {member.birth_date.year} 年", real) == set()


def test_read_only_user_can_rebuild_no_id_from_any_page_export_or_api(client, registry, monkeypatch):
    assert not registry.users["viewer"].can_view_sensitive
    assert client.login(username="t-viewer", password=PASSWORD)
    problems, seen = _sweep(client, registry)
    # Background exports (above EXPORT_SYNC_MAX_ROWS) write the same rows through the export job.
    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 0)
    from django.test import override_settings

    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        for fmt in ("csv", "xlsx"):
            page = client.get(f"/members/?export={fmt}", follow=True)
            assert page.status_code == 200
            download = re.search(r'href="(/imports/exports/\d+/download/)"', page.content.decode())
            assert download, "后台导出任务页面没有下载链接"
            response = client.get(download.group(1))
            text = _body_text(response)
            assert _MASKED.search(text)
            seen["exports"] += 1
            if rebuild(text, _real_ids()):
                problems.append(f"后台导出（{fmt}）：可还原证件号")
    assert not problems, "\n".join(problems)
    # Not vacuous: masked IDs were there to combine, in pages, exports and the API.
    assert seen["bodies"] >= 40 and seen["with_masked_ids"] >= 8, seen
    assert seen["exports"] >= 4 and seen["api"] >= 2, seen


def test_member_export_and_api_give_only_the_birth_year_without_the_right(client, registry):
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-viewer", password=PASSWORD)
    api = client.get(f"/api/v1/members/{member.pk}").json()
    assert api["birth_year"] == 1992 and "birth_date" not in api
    text = _body_text(client.get("/members/?export=csv"))
    assert "出生年份" in text and "出生日期" not in text and "1992-02-02" not in text
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "1992 年" in page and "1992-02" not in page


def test_with_the_right_the_full_date_is_revealed_and_audited(client, registry):
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-wuhu", password=PASSWORD)
    # Without asking, even this user sees the year only.
    assert "1992-02-02" not in client.get(f"/members/{member.pk}/").content.decode()
    page = client.post(f"/members/{member.pk}/reveal/")
    assert page.status_code == 200 and "1992-02-02" in page.content.decode()
    api = client.post(f"/api/v1/members/{member.pk}/reveal").json()
    assert api["birth_date"] == "1992-02-02" and api["id_number"] == member.id_number
    full = _body_text(client.get("/members/?export=csv&full=1"))
    assert "1992-02-02" in full and member.id_number in full
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count(AuditEvent.Action.REVEAL) == 2
    assert actions.count(AuditEvent.Action.EXPORT_SENSITIVE) == 1
