"""A real headless Chromium logs an administrator in with the second factor on (issue 11): the enrolment
page shows the QR code (an <img> with a data: URI, allowed by the Content-Security-Policy), the first code
confirms it, the browser lands on the home page; the next login asks for the code."""

import os

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_otp import code, wrong_code
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")  # a folder: the pages are saved there to be looked at


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def _login(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "t-wuhu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@override_settings(GONGHUI_ADMIN_OTP=True)
def test_admin_enrols_with_the_qr_code_and_is_asked_at_the_next_login(page, live_server, registry):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _login(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/accounts/otp/enrol/**")
    qr = page.locator("#otp-qr")
    qr.wait_for()
    assert qr.is_visible()
    # The image really decoded (a blocked or broken data: URI has no natural size).
    assert page.evaluate("document.getElementById('otp-qr').naturalWidth") > 100
    device = TOTPDevice.objects.get(user=registry.users["wuhu"], confirmed=False)
    assert page.input_value("#otp-secret").replace(" ", "") and "管理员账号" in page.inner_text("body")
    _shot(page, "otp-enrol.png")
    page.fill("#id_code", code(device))
    page.click("button:has-text('确认绑定')")
    page.wait_for_url(f"{live_server.url}/")
    assert "已绑定动态验证码" in page.inner_text("body")
    assert not violations, violations

    page.click("#user-menu")  # 退出 sits in the user menu under the name
    page.click("button:has-text('退出')")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    _login(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/accounts/otp/verify/**")
    page.fill("#id_code", wrong_code(device))
    page.click("button:has-text('验证')")
    page.wait_for_selector("text=动态验证码不正确")
    _shot(page, "otp-verify.png")
    page.fill("#id_code", code(device))
    page.click("button:has-text('验证')")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/")
    assert registry.members["jiujiang_1"].name in page.inner_text("table")
