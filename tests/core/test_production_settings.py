"""Production defaults (issue 11): without GONGHUI_DEBUG the settings refuse to start on missing keys or a
wildcard host, and never write a generated key next to the data. Each case is a fresh interpreter running
``django.setup()`` with a controlled environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
KEYS = {
    "GONGHUI_SECRET_KEY": "s" * 50,
    "GONGHUI_FIELD_KEYS": "rvIYQ4GHESl6esc3pZt42yYQHlgz5VonBFVrUw73MBY=",
    "GONGHUI_HASH_KEY": "h" * 64,
    "GONGHUI_AUDIT_ARCHIVE_KEY": "a" * 64,
}
PROBE = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def _setup(tmp_path, **env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("GONGHUI_") and k != "DJANGO_SETTINGS_MODULE"
    }
    base.update(
        DJANGO_SETTINGS_MODULE="gonghui.settings",
        DATABASE_URL="",
        GONGHUI_VAR_DIR=str(tmp_path / "var"),
        GONGHUI_STATIC_ROOT=str(tmp_path / "static"),
    )
    base.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT, env=base, capture_output=True, text=True
    )


def test_all_keys_given_starts_with_debug_off(tmp_path):
    done = _setup(tmp_path, **KEYS)
    assert done.returncode == 0, done.stderr
    assert "DEBUG False" in done.stdout
    assert not any((tmp_path / "var").glob(".gonghui_*"))


@pytest.mark.parametrize("missing", sorted(KEYS))
def test_a_missing_key_refuses_to_start_and_generates_nothing(tmp_path, missing):
    done = _setup(tmp_path, **{**KEYS, missing: None})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert f"未设置环境变量 {missing}" in done.stderr and "不会自动生成" in done.stderr
    assert not any((tmp_path / "var").glob(".gonghui_*")), "a key was generated next to the data"


@pytest.mark.parametrize("hosts", ["*", "gonghui.example.cn,*", "*.example.cn"])
def test_a_wildcard_host_refuses_to_start(tmp_path, hosts):
    done = _setup(tmp_path, **KEYS, GONGHUI_ALLOWED_HOSTS=hosts)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "通配符" in done.stderr


def test_explicit_hosts_start(tmp_path):
    done = _setup(tmp_path, **KEYS, GONGHUI_ALLOWED_HOSTS="gonghui.example.cn,.ah.example.cn")
    assert done.returncode == 0, done.stderr


def test_debug_mode_generates_local_keys_for_the_demo(tmp_path):
    done = _setup(tmp_path, GONGHUI_DEBUG="1", GONGHUI_ALLOWED_HOSTS="*")
    assert done.returncode == 0, done.stderr
    assert "DEBUG True" in done.stdout
    assert {p.name for p in (tmp_path / "var").glob(".gonghui_*")} == {
        ".gonghui_secret_key",
        ".gonghui_field_keys",
        ".gonghui_hash_key",
        ".gonghui_audit_archive_key",
    }
