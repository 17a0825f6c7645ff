import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from gonghui.accounts.models import User
from tests.factories import PASSWORD, build_registry


def pytest_sessionstart(session):
    # CI must really test on PostgreSQL: never fall back to SQLite quietly.
    if (
        os.environ.get("CI")
        and not os.environ.get("CI_SQLITE")
        and "postgres" not in os.environ.get("DATABASE_URL", "")
    ):
        pytest.exit("CI 必须在 PostgreSQL 上运行测试：请设置 DATABASE_URL=postgres://…", returncode=3)


# Tests that need instances started by make (issue 17): tests/cluster the province cluster of
# `make cluster`, tests/multi_instance the two provinces and the national instance of `make national-demo`.
ON_DEMAND_TESTS = [Path(__file__).resolve().parent / name for name in ("cluster", "multi_instance")]


def pytest_ignore_collect(collection_path, config):
    """Those folders are collected only when named on the command line (`make test-cluster`,
    `make test-national`), never by `make test`/CI's plain run of tests/."""
    path = Path(collection_path).resolve()
    folder = next((f for f in ON_DEMAND_TESTS if path == f or f in path.parents), None)
    if folder is None:
        return None
    base = Path(config.invocation_params.dir)
    for arg in config.args:
        asked = (base / arg.split("::")[0]).resolve()
        if asked == folder or folder in asked.parents:
            return None
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    in_ci = bool(os.environ.get("CI"))
    for item in items:
        # A test that needs PostgreSQL is marked so, whether or not its author wrote the marker: the
        # SQLite pass deselects it (-m 'not postgres') instead of skipping it. tryfirst: before -m.
        if "on_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("browser") and not shutil.which("chromium"):
            if in_ci:
                raise pytest.UsageError("浏览器测试需要 Debian 的 chromium（make system-deps 会安装）")
            item.add_marker(pytest.mark.skip(reason="本机未安装 chromium（make system-deps）"))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2 at Django's 1 M iterations costs ≈ 1.8 s per password on this machine; tests need no such
    strength, so they hash with MD5 (the hasher Django's own test suite uses for speed)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _private_files_in_a_temporary_folder(tmp_path_factory):
    """Sealed uploads, reports and exports made by any test go to a temporary folder, not var/private."""
    with override_settings(PRIVATE_FILES_ROOT=tmp_path_factory.mktemp("private")):
        yield


@pytest.fixture
def registry(db):
    return build_registry()


@pytest.fixture
def as_user(db, client):
    """Log a test client in, the one way every test does: ``as_user("wuhu")`` (a registry key: user
    ``t-wuhu``), ``as_user("street-admin")`` (a username) or ``as_user(user)``. It logs in the test's
    ``client`` unless another is given (``as_user("jinghu", Client())``) and returns that client."""

    def login(who, on: Client | None = None) -> Client:
        target = client if on is None else on
        username = getattr(who, "username", who)
        if not User.objects.filter(username=username).exists():
            username = f"t-{username}"
        assert target.login(username=username, password=PASSWORD), f"无法以 {username} 登录"
        return target

    return login


@pytest.fixture
def on_postgres(db):
    """For tests that only make sense on PostgreSQL (row locks, COPY). CI always runs them."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI") and not os.environ.get("CI_SQLITE"):
            pytest.fail("此测试需要 PostgreSQL，CI 中不应跳过")
        pytest.skip("需要 PostgreSQL（设置 DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui）")
    return True
