"""A hostile file through the target-table upload (issue 10 point 4): it goes through the import engine's
reader, so a zip bomb or a damaged workbook gets the same Chinese refusal as a ledger import, before
calamine ever sees it, and nothing is saved."""

from __future__ import annotations

import io

import pytest

from gonghui.imports.reader import UnreadableFile, read_table
from gonghui.targets.importer import parse
from gonghui.targets.models import TargetPlan
from tests.factories import PASSWORD
from tests.imports.hostile import lying_bomb, many_parts, padded_bomb
from tests.targets.helpers import complete_wuhu

HOSTILE = {
    "padded.xlsx": lambda p: padded_bomb(p, sheet_mb=24, padding_mb=1),
    "lying.xlsx": lying_bomb,
    "parts.xlsx": many_parts,
}


@pytest.fixture
def limits(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
    settings.IMPORT_MAX_CELLS = 1_000_000
    settings.IMPORT_MAX_ROWS = 50_000


@pytest.fixture
def calamine_calls(monkeypatch):
    import python_calamine

    calls = []
    original_path = python_calamine.CalamineWorkbook.from_path
    original_filelike = python_calamine.CalamineWorkbook.from_filelike

    def from_path(*args, **kwargs):
        calls.append(args)
        return original_path(*args, **kwargs)

    def from_filelike(*args, **kwargs):
        calls.append(args)
        return original_filelike(*args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", from_path)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", from_filelike)
    return calls


def _refusal(path) -> str:
    """What a ledger import says of the same file."""
    with pytest.raises(UnreadableFile) as exc:
        read_table(path)
    return str(exc.value)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_upload_page_refuses_a_hostile_file_as_the_ledger_import_does(
    name, tmp_path, limits, calamine_calls, registry, client
):
    path = tmp_path / name
    HOSTILE[name](path)
    refusal = _refusal(path)
    assert refusal.startswith(f"文件「{name}」")  # a Chinese reason naming the file
    complete_wuhu(registry)
    assert client.login(username="t-wuhu", password=PASSWORD)
    upload = io.BytesIO(path.read_bytes())
    upload.name = name
    response = client.post(
        "/targets/upload/", {"issuer": registry.unions["wuhu"].pk, "year": 2023, "file": upload}
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not TargetPlan.objects.exists()
    assert calamine_calls == []  # refused before calamine allocated anything


def test_parse_of_a_bomb_on_disk_gives_the_engine_reason(tmp_path, limits, calamine_calls, registry):
    path = lying_bomb(tmp_path / "目标.xlsx")
    refusal = _refusal(path)
    table = parse(str(path), registry.unions["wuhu"])
    assert table.errors == [refusal] and not table.rows
    assert calamine_calls == []
