"""A real headless Chromium closes a task (对账销号): the county user uploads an evidence file and submits
it, the city user accepts it, the task is closed on both sides and the board (挂图作战) moves it from
待销号 to 已完成."""

import os

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, base: str, username: str, next_url: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, base, username, next_url)
    return page


def test_county_closes_a_task_with_evidence_and_the_city_accepts(live_server, registry, tmp_path):
    from playwright.sync_api import sync_playwright

    from gonghui.supervision.models import TaskEvent, TaskStatus
    from tests.supervision.tasks_helpers import PDF, build_sup

    task = build_sup(registry).tasks["jiujiang"]
    evidence = tmp_path / "鸠江区落实情况.pdf"
    evidence.write_bytes(PDF)
    url = f"/supervision/tasks/{task.pk}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        county = _login(browser, live_server.url, "t-jiujiang", url)
        county.set_input_files("#evidence-form input[type=file]", str(evidence))
        county.click("#evidence-form button")
        county.wait_for_selector("#evidence >> text=鸠江区落实情况.pdf")
        county.click("#submit-form button")
        county.wait_for_selector("#task-status >> text=待销号")

        city = _login(browser, live_server.url, "t-wuhu", "/supervision/board/")
        row = f'#board tr[data-union="{task.assignee_id}"] td'
        before = city.locator(row).all_inner_texts()
        city.goto(f"{live_server.url}{url}")
        city.click("#accept-form button")
        city.wait_for_selector("#task-status >> text=已完成")
        city_events = city.inner_text("#events")
        city.goto(f"{live_server.url}/supervision/board/")
        after = city.locator(row).all_inner_texts()

        county.reload()
        county_status = county.inner_text("#task-status")
        county_forms = county.locator("#evidence-form, #submit-form").count()
        browser.close()

    # Board columns: 整改中, 已销号, 含逾期任务 | 未开始, 推进中, 待销号, 已完成, 逾期.
    assert (before[5], before[6]) == ("1", "0") and (after[5], after[6]) == ("0", "1")
    assert "提交销号" in city_events and "验收销号" in city_events
    assert county_status == "已完成" and county_forms == 0  # closed: read-only for the county
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.evidence.get().name == "鸠江区落实情况.pdf"
    assert TaskEvent.objects.filter(task=task, action="验收销号", actor__username="t-wuhu").exists()
