"""A real headless Chromium works an item off the unorganised list: claims it, then closes it by
founding a union (the workplace entered from the directory entry in the same step)."""

import os

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.factories import make_uscc

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_claim_an_item_and_close_it_by_founding_a_union(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.directories import worklist
    from gonghui.directories.models import ListItem
    from gonghui.orgs.models import UnionOrg, Workplace
    from tests.directories.worklist_helpers import make_entry

    entry = make_entry(registry, "鸠江浏览器测试有限公司", uscc=make_uscc(901, "340207"), employees=150)
    worklist.refresh_list()
    item = ListItem.objects.get(entry=entry)

    # The database is read before and after the browser runs, not while its event loop runs in this
    # thread (Django would open a second connection there, left open at teardown).
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        sign_in(page, live_server.url, "t-jiujiang", "/worklist/")
        page.click("text=鸠江浏览器测试有限公司")
        page.wait_for_url(f"{live_server.url}/worklist/items/{item.pk}/")

        page.click("#claim-form button")
        page.wait_for_selector("text=已领单")
        claimed = page.inner_text("#item-status")

        page.select_option("#close-form select[name=outcome]", "founded")
        page.click("#close-form button")
        page.wait_for_selector("text=已销号")
        closed = page.inner_text("#item-status")
        events = page.inner_text("#events")
        browser.close()

    assert "已领取" in claimed and "已建会" in closed
    assert "领单" in events and "销号" in events
    item.refresh_from_db()
    workplace = Workplace.objects.get(uscc=entry.uscc)
    assert item.status == ListItem.Status.CLOSED and item.founded_union.workplaces.get() == workplace
    assert UnionOrg.objects.filter(name="鸠江浏览器测试有限公司工会委员会", founded_on__isnull=False).exists()


def test_import_a_directory_confirm_a_match_claim_and_found(live_server, registry, settings, tmp_path):
    """The whole loop in the browser, as a county user: upload a small directory with its 来源 and
    截至日期, preview and confirm the import, answer the one uncertain match 是同一单位, then claim the
    item that answer put on the list and close it by founding a union."""
    from django.db import connection
    from playwright.sync_api import expect, sync_playwright

    from gonghui.directories.models import (
        DirectoryEdition,
        DirectoryEntry,
        DirectorySource,
        ListItem,
        MatchMethod,
    )
    from gonghui.imports.jobs import run_job
    from gonghui.imports.models import ImportJob
    from gonghui.orgs.models import UnionOrg, Workplace

    # Tasks are queued, not run: the test plays the worker while the page polls (as tests/imports does).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A transactional test starts after a flush of the migration's seeded sources.
    DirectorySource.objects.get_or_create(code="market", defaults={"name": "市场监管"})
    county = registry.workplaces["jiujiang_none"].region
    # Two registry workplaces whose names normalise alike: the directory's name matches both, a question.
    target = Workplace.objects.create(
        name="鸠江浏览器确认有限公司", region=county, governing_union=registry.unions["jiujiang"]
    )
    Workplace.objects.create(
        name="芜湖鸠江浏览器确认有限责任公司", region=county, governing_union=registry.unions["jiujiang"]
    )
    path = tmp_path / "市场监管名录.csv"
    path.write_text(
        "统一社会信用代码,企业名称,登记状态,从业人数,所属区县\n"
        ",鸠江浏览器确认股份有限公司,存续,160,鸠江区\n"
        f"{make_uscc(902, '340207')},鸠江浏览器新登记有限公司,存续,40,鸠江区\n",
        encoding="utf-8",
    )

    def work_off(dry_run: bool) -> None:
        job = ImportJob.objects.get(kind="directory")
        run_job(job, dry_run=dry_run)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        sign_in(page, live_server.url, "t-jiujiang", "/imports/upload/directory/")
        page.select_option("#id_source", label="市场监管")
        page.fill("#id_as_of", "2026-06-30")
        page.set_input_files("#id_file", str(path))
        page.click("text=上传并预检")
        page.wait_for_selector("#job-progress")
        work_off(dry_run=True)  # the worker's preview; the page polls and reloads itself
        page.wait_for_selector("#confirm-button", timeout=15000)
        assert not DirectoryEntry.objects.exists()  # a preview writes nothing
        page.click("#confirm-button")
        page.wait_for_selector("#job-progress")
        work_off(dry_run=False)
        expect(page.locator("#job-status")).to_contain_text("已完成", timeout=15000)

        edition = DirectoryEdition.objects.get()
        asked = DirectoryEntry.objects.get(name="鸠江浏览器确认股份有限公司")
        assert (edition.source.name, edition.as_of.isoformat(), edition.file_name) == (
            "市场监管",
            "2026-06-30",
            "市场监管名录.csv",
        )
        assert asked.match_method == MatchMethod.UNCERTAIN and asked.candidates.count() >= 2
        assert not ListItem.objects.filter(entry=asked).exists()  # a question is not listed yet

        page.goto(f"{live_server.url}/directories/confirm/")
        card = page.locator(f"#entry-{asked.pk}")
        card.locator("tr", has_text="鸠江浏览器确认有限公司").get_by_role("button", name="是同一单位").click()
        expect(page.locator(f"#entry-{asked.pk}")).to_have_count(0)
        asked.refresh_from_db()
        assert asked.workplace == target and asked.match_method == MatchMethod.MANUAL
        item = ListItem.objects.get(entry=asked)  # the answer listed it at once
        assert item.status == ListItem.Status.OPEN and item.territory == registry.unions["jiujiang"]

        page.goto(f"{live_server.url}/worklist/")
        page.click("text=鸠江浏览器确认股份有限公司")
        page.wait_for_url(f"{live_server.url}/worklist/items/{item.pk}/")
        page.click("#claim-form button")
        page.wait_for_selector("text=已领单")
        item.refresh_from_db()
        assert item.status == ListItem.Status.CLAIMED and item.claimed_by == registry.unions["jiujiang"]
        page.select_option("#close-form select[name=outcome]", "founded")
        page.click("#close-form button")
        page.wait_for_selector("text=已销号")
        closed = page.inner_text("#item-status")
        browser.close()
        # The queries above ran while playwright's loop runs in this thread, on a connection of their
        # own: closed here, or the test database cannot be dropped at teardown.
        connection.close()

    assert "已建会" in closed
    item.refresh_from_db()
    assert item.status == ListItem.Status.CLOSED and item.outcome == ListItem.Outcome.FOUNDED
    assert list(item.founded_union.workplaces.all()) == [target]  # the confirmed workplace, not a new one
    assert UnionOrg.objects.filter(workplaces=target, founded_on__isnull=False).count() == 1
    assert Workplace.objects.filter(name__contains="浏览器确认").count() == 2  # none entered anew
