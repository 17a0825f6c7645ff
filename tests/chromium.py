"""How every browser test starts Debian's Chromium (headless, no network chatter)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page, base: str, username: str, next_url: str) -> None:
    """Through the login form with the test users' password, landing on ``next_url`` (a path)."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")
