"""Under the Content-Security-Policy (scripts from this site only, no inline script, no eval) the pages
that run JavaScript still work in a real headless Chromium, and the browser reports no violation: the
dashboard's charts, htmx (home panels, tree expand, import progress polling, the reveal button),
autocomplete, and the public joining form's workplace search."""

import os

import pytest
from playwright.sync_api import expect

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records every violation the page reports, before any of the page's own scripts run.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page whose CSP violations (reported events and console messages) and script errors are kept."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.script_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda e: self.script_errors.append(str(e)))

    def errors(self) -> list[str]:
        """CSP violations reported on the current page, CSP messages on the console of any page, and
        uncaught script errors of any page."""
        reported = list(self.page.evaluate("window.__csp || []"))
        csp_console = [t for t in self.console if "Content Security Policy" in t or "Refused to" in t]
        return reported + csp_console + self.script_errors


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    yield Watched(context.new_page())
    context.close()


def test_the_policy_is_sent_and_blocks_an_inline_script(watched, live_server, registry):
    page = watched.page
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The policy is live: a script injected inline is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; "
        "document.body.appendChild(s); }"
    )
    for _ in range(50):
        if page.evaluate("window.__csp.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__csp.length") == 1
    assert page.evaluate("window.__ran") is None


def test_home_dashboard_and_tree_work_without_violations(watched, live_server, registry):
    from tests.targets.conftest_helpers import make_plan

    plan = make_plan(registry)
    page, base = watched.page, live_server.url
    sign_in(page, base, "t-wuhu", "/")
    # Home panels load through htmx (hx-trigger=load).
    page.wait_for_load_state("networkidle")
    # The dashboard: ECharts draws every chart as SVG from static/js/dashboard.js.
    page.goto(f"{base}/reports/?plan={plan.pk}&as_of=2023-06-30")
    page.wait_for_selector("#bar svg")
    page.wait_for_selector("#line svg")
    assert page.locator(".gauge svg").count() == page.locator(".gauge").count()
    # The union tree: expanding a node loads its children and removes the caret (data-remove-after-request).
    page.goto(f"{base}/orgs/unions/tree/")
    # (Waits use Playwright's own locators: wait_for_function evaluates a string, which the policy refuses.)
    caret = page.locator("a[data-remove-after-request]").first
    target = caret.get_attribute("hx-target")
    rows_before = page.locator("[id^=tree-]").count()
    caret.click()
    expect(page.locator(f'a[hx-target="{target}"]')).to_have_count(0)
    expect(page.locator("[id^=tree-]")).not_to_have_count(rows_before)
    assert page.locator("[id^=tree-]").count() > rows_before
    assert watched.errors() == []


def test_reveal_progress_and_autocomplete_work_without_violations(watched, live_server, registry):
    from gonghui.imports.models import ImportJob

    page, base = watched.page, live_server.url
    member = registry.members["jinghu_1"]
    sign_in(page, base, "t-wuhu", f"/members/{member.pk}/")
    page.click("text=显示完整信息")  # htmx POST with the CSRF header from base.html
    page.wait_for_selector("#sensitive:has-text('已记录审计日志')")
    # An import job's progress box polls through htmx every second.
    job = ImportJob.objects.create(
        kind="members",
        user=registry.users["wuhu"],
        scope=registry.unions["wuhu"],
        file_name="会员表.xlsx",
        sha256="ab" * 32,
    )
    page.goto(f"{base}/imports/{job.pk}/")
    with page.expect_response(lambda r: f"/{job.pk}/progress" in r.url, timeout=5000) as polled:
        pass
    assert polled.value.status == 200
    # Autocomplete (tom-select loaded by static/js/autocomplete.js).
    page.goto(f"{base}/members/add/")
    page.click("#id_union-ts-control")
    page.keyboard.type("镜湖甲")
    page.locator(".ts-dropdown .option", has_text="镜湖甲公司工会委员会").wait_for()
    assert watched.errors() == []


def test_joining_form_searches_workplaces_without_violations(watched, live_server, registry):
    page, base = watched.page, live_server.url
    page.goto(f"{base}/join/")
    page.check("input[name=mode][value=none]")
    assert page.is_hidden("#employer-box")
    page.check("input[name=mode][value=employer]")
    assert page.is_visible("#employer-box")
    page.fill("#wp-search", "镜湖甲")
    button = page.locator("#wp-results button", has_text="镜湖甲公司")
    button.wait_for()
    button.click()
    assert page.input_value("#id_workplace") == str(registry.workplaces["jinghu_a"].pk)
    assert "已选择：镜湖甲公司" in page.inner_text("#wp-chosen")
    assert watched.errors() == []
