import pytest

from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def do_import():
    def run(user, path, kind="members", dry_run=False, default_union=None):
        job = create_job(user, kind, path, path.name, default_union)
        result = run_job(job, dry_run=dry_run)
        job.refresh_from_db()
        return job, result

    return run
