"""Browser-facing defaults (issue 11): cookies, security headers, a Content-Security-Policy with no inline
script, and no inline script or event handler left in any template."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.factories import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_pages_carry_the_security_headers_and_a_csp_without_inline_script(db, client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe-eval" in v for values in csp.values() for v in values)
    # The public joining pages too.
    assert "script-src 'self'" in client.get("/join/")["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_httponly_and_samesite(registry, client):
    login = client.get("/accounts/login/")
    csrf = login.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/", {"username": "t-wuhu", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["secure"]  # plain HTTP unless GONGHUI_HTTPS says otherwise (next test)


def test_behind_tls_the_deploy_checks_pass(tmp_path):
    """GONGHUI_HTTPS=1 turns on Secure cookies, the SSL redirect and HSTS: Django's deployment checks
    (`check --deploy`) then report nothing, at warning level included."""
    # A deployment's environment: none of this process's settings, nor the browser tests' async switch.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GONGHUI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="gonghui.settings",
        DATABASE_URL="",
        GONGHUI_VAR_DIR=str(tmp_path),
        GONGHUI_STATIC_ROOT=str(tmp_path / "static"),
        GONGHUI_SECRET_KEY="k" * 60 + "-Aa9#",
        GONGHUI_FIELD_KEYS="rvIYQ4GHESl6esc3pZt42yYQHlgz5VonBFVrUw73MBY=",
        GONGHUI_HASH_KEY="h" * 64,
        GONGHUI_AUDIT_ARCHIVE_KEY="a" * 64,
        GONGHUI_ALLOWED_HOSTS="gonghui.example.cn",
        GONGHUI_HTTPS="1",
        GONGHUI_TRUSTED_PROXIES="10.0.0.1",
        GONGHUI_HSTS_SUBDOMAINS="1",
        GONGHUI_HSTS_PRELOAD="1",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']|\shx-on[:-]""", re.IGNORECASE)


def test_no_template_holds_inline_script_or_event_handlers():
    offenders = []
    for path in sorted((PROJECT / "gonghui").glob("**/templates/**/*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER):
            for match in pattern.finditer(text):
                if 'type="application/json"' in match.group(0):
                    continue
                offenders.append(f"{path.relative_to(PROJECT)}: {match.group(0)}")
    assert offenders == []
