"""Shared set-up of the pairing tests: the provincial federation's departments, the county unions the
provincial table names (created from the region data), the table imported for 2022."""

from __future__ import annotations

from pathlib import Path

from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.supervision import pairings_fixture, plans
from tests.factories import Registry

YEAR = 2022


def prepare_province(reg: Registry) -> None:
    plans.seed_departments(reg.unions["province"])
    pairings_fixture.ensure_county_unions(reg.unions["province"])


def import_table(reg: Registry, tmp_path: Path, rows=None, dry_run: bool = False, who: str = "province"):
    path = tmp_path / "对口联系.xlsx"
    pairings_fixture.write_xlsx(path, rows)
    options = {"year": YEAR, "campaign": ""}
    job = create_job(reg.users[who], "pairings", path, path.name, options=options)
    return job, run_job(job, dry_run=dry_run)
