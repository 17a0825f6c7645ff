"""Autocomplete sources are registered by their apps in ``AppConfig.ready()``, not as a side effect of
importing a forms module: a fresh process that only sets Django up has every source, and has imported no
domain forms module to get them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
import django
django.setup()
from gonghui.core.forms import autocomplete_source
names = ["unions", "active-unions", "federations", "workplaces", "regions"]
print(json.dumps({
    "sources": [n for n in names if autocomplete_source(n) is not None],
    "forms_imported": sorted(m for m in sys.modules if m.startswith("gonghui.") and m.endswith(".forms")
                             and m != "gonghui.core.forms"),
}))
"""


def test_every_source_exists_once_the_apps_are_ready():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": ""}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["sources"] == ["unions", "active-unions", "federations", "workplaces", "regions"]
    assert found["forms_imported"] == []
