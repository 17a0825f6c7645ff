"""mypy over the services and the import engine (the paths and overrides are pyproject.toml's
[tool.mypy]); `make typecheck` runs the same before the suite."""

from mypy import api


def test_services_and_import_engine_type_check(tmp_path):
    stdout, stderr, status = api.run(["--cache-dir", str(tmp_path / "mypy-cache")])
    assert status == 0, stdout + stderr
