"""Bad files never crash or hang an import (issue 9 point 8): a generated corpus of a few hundred hostile
files goes through the reader, the three import commands and the web upload. Every one ends cleanly: a
refused file exits 2 with a Chinese reason (and a JSON last line with --json), its job is 失败 with that
reason, nothing is left 运行中 or 排队中, and no traceback is printed."""

from __future__ import annotations

import json
import re
import time
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from gonghui.imports import reader
from gonghui.imports.models import ImportJob
from gonghui.imports.reader import UnreadableFile, read_table
from gonghui.members.models import Member
from tests.factories import PASSWORD
from tests.imports.hostile import build_corpus, lying_bomb, padded_bomb

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Small budgets so that the bombs stay cheap to build; the defaults are in settings.py.
LIMITS = {
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 64 * 1024 * 1024,
    "IMPORT_MAX_CELLS": 1_000_000,
    "IMPORT_MAX_ROWS": 50_000,
}
FAMILIES = {
    "csv-field-limit", "csv-unterminated-quote", "csv-bare-cr", "csv-bom-gbk", "csv-nul", "xlsx-bit-flip",
    "xlsx-truncated", "xlsx-bad-shared-strings", "xlsx-bad-sheet-xml", "empty", "wrong-extension",
    "xls-renamed", "huge-cell", "zip-bomb",
}  # fmt: skip


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, build_corpus(folder)


@pytest.fixture
def limits(settings):
    for key, value in LIMITS.items():
        setattr(settings, key, value)


def test_the_corpus_has_a_few_hundred_files_of_every_kind_the_issue_names(corpus):
    _folder, cases = corpus
    assert len(cases) >= 250
    assert {case.family for case in cases} >= FAMILIES
    assert len({case.name for case in cases}) == len(cases)


def test_the_reader_refuses_each_file_with_a_chinese_reason_and_nothing_else(corpus, limits):
    folder, cases = corpus
    problems = []
    for case in cases:
        started = time.perf_counter()
        try:
            read_table(folder / case.name)
        except UnreadableFile as exc:
            if not CJK.search(str(exc)) or case.name not in str(exc):
                problems.append(f"{case.name}: 原因不是中文或没有写出文件名：{exc}")
        except BaseException as exc:
            problems.append(f"{case.name}: {type(exc).__name__}: {exc}")
        if time.perf_counter() - started > 10:
            problems.append(f"{case.name}: 读取超过 10 秒")
    assert not problems, "\n".join(problems)


def _command(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command(*args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def test_every_command_exits_2_with_chinese_json_and_a_failed_job(corpus, limits, registry, capsys):
    folder, cases = corpus
    members = Member.objects.count()
    problems = []
    for number, case in enumerate(cases):
        commands = ["import_members"] + (["import_workplaces", "import_unions"] if number % 9 == 0 else [])
        for command in commands:
            extra = ["--dry-run"] if number % 2 else []
            code, out, err = _command(
                capsys, command, str(folder / case.name), "--user", "t-jiujiang", "--json", *extra
            )
            where = f"{command} {case.name}"
            lines = out.strip().splitlines()
            try:
                payload = json.loads(lines[-1])
            except (IndexError, ValueError):
                problems.append(f"{where}: 最后一行不是 JSON：{out[-200:]!r}")
                continue
            if "Traceback" in out + err:
                problems.append(f"{where}: 输出了 Traceback")
            job = ImportJob.objects.latest("pk")
            if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
                problems.append(f"{where}: 导入记录停留在「{job.get_status_display()}」")
            if case.expect == "refuse" or code == 2:
                if code != 2:
                    problems.append(f"{where}: 退出码 {code}，应为 2")
                if payload.get("committed") is not False or not CJK.search(payload.get("error", "")):
                    problems.append(f"{where}: JSON 应含中文 error 且 committed 为 false：{payload}")
                if job.status != ImportJob.Status.FAILED or not CJK.search(job.message):
                    problems.append(f"{where}: 导入记录应为失败并写明中文原因：{job.status} {job.message!r}")
                if job.message not in err:
                    problems.append(f"{where}: 标准错误输出中没有原因")
            elif code not in (0, 1):
                problems.append(f"{where}: 退出码 {code}")
    assert not problems, "\n".join(problems[:40])
    assert Member.objects.count() == members  # nothing from a hostile file was written


@override_settings(TASKS=IMMEDIATE)
def test_every_web_upload_ends_failed_with_a_chinese_message(corpus, limits, registry, client):
    folder, cases = corpus
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)
    problems = []
    for case in cases:
        before = ImportJob.objects.count()
        with open(folder / case.name, "rb") as handle:
            response = client.post(reverse("imports:upload-members"), {"file": handle})
        if ImportJob.objects.count() == before:
            # The form refused the upload itself (an empty file): a Chinese error on the page.
            page = response.content.decode()
            if response.status_code != 200 or "空文件" not in page:
                problems.append(f"{case.name}: 未创建导入记录，也没有中文错误提示（{response.status_code}）")
            continue
        job = ImportJob.objects.latest("pk")
        if response.status_code != 302:
            problems.append(f"{case.name}: 上传返回 {response.status_code}")
        if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            problems.append(f"{case.name}: 停留在「{job.get_status_display()}」")
        if case.expect == "refuse":
            if job.status != ImportJob.Status.FAILED or not CJK.search(job.message):
                problems.append(f"{case.name}: 应为失败并写明中文原因：{job.status} {job.message!r}")
            page = client.get(job.get_absolute_url()).content.decode()
            if "失败" not in page or "Traceback" in page:
                problems.append(f"{case.name}: 导入页面没有显示失败")
    assert not problems, "\n".join(problems[:40])


# ---------------------------------------------------------------- the budgets, one by one
def _calamine_calls(monkeypatch) -> list:
    import python_calamine

    calls = []
    original = python_calamine.CalamineWorkbook.from_path

    def spy(path, *args, **kwargs):
        calls.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", spy)
    return calls


def test_a_padded_bomb_without_dimension_is_refused_before_calamine_allocates(
    tmp_path, settings, monkeypatch
):
    """The padding keeps the overall ratio and the declared size harmless: only the rows counted while
    streaming through the decompressed sheet tell (the old reader handed it to calamine)."""
    settings.IMPORT_MAX_ROWS = 50_000
    path = padded_bomb(tmp_path / "padded.xlsx", sheet_mb=24, padding_mb=1)
    with zipfile.ZipFile(path) as archive:
        total = sum(i.file_size for i in archive.infolist())
        packed = sum(i.compress_size for i in archive.infolist())
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")[:4096]
    assert total / packed < 100  # looks like an ordinary xlsx
    calls = _calamine_calls(monkeypatch)
    with pytest.raises(UnreadableFile, match="超过单次导入上限 50,000 行"):
        read_table(path)
    assert calls == []


def test_the_sparse_area_calamine_would_allocate_is_bounded(tmp_path, settings, monkeypatch):
    from tests.imports.hostile import _sheet, raw_xlsx

    settings.IMPORT_MAX_CELLS = 1_000_000
    path = tmp_path / "sparse.xlsx"
    # 2 cells, 40,000 rows × 702 columns = 28 million cells of dense grid.
    raw_xlsx(
        path,
        _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="40000"><c r="ZZ40000"><v>1</v></c></row>'),
    )
    settings.IMPORT_MAX_COLUMNS = 1000
    calls = _calamine_calls(monkeypatch)
    with pytest.raises(UnreadableFile, match="表格区域达 40,000 行 × 702 列"):
        read_table(path)
    assert calls == []


def test_actual_decompressed_bytes_are_budgeted_not_the_declared_sizes(tmp_path, settings, monkeypatch):
    """A deflate stream that goes on past the size its zip directory declares (with the CRC of just the
    declared bytes) passes zipfile; the reader inflates the stream itself and refuses it."""
    path = lying_bomb(tmp_path / "lying.xlsx", sheet_mb=8, declared=8192)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.read("xl/worksheets/sheet1.xml")) == 8192  # zipfile sees nothing wrong
    calls = _calamine_calls(monkeypatch)
    with pytest.raises(UnreadableFile, match="内容与压缩目录不符"):
        read_table(path)
    assert calls == []
    # And the byte budget itself, counted on the inflated stream (the declared-size check bypassed).
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024
    honest = padded_bomb(tmp_path / "honest.xlsx", sheet_mb=24, padding_mb=0)
    with zipfile.ZipFile(honest) as archive, pytest.raises(UnreadableFile, match="解压后超过 16 MB"):
        reader._inflate_within_budget(archive, archive.infolist(), "honest.xlsx")


def test_bare_cr_line_ends_are_read_as_lines(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes("姓名,身份证号\r张三,1\r李四,2\r".encode())
    table = read_table(path)
    assert table.header == ["姓名", "身份证号"] and [r[0] for r in table.rows] == ["张三", "李四"]


def test_line_ends_inside_quoted_cells_and_unicode_separators_stay_in_their_cell(tmp_path):
    """The reader slices lines itself (not io.StringIO): a CR LF inside quotes is part of the cell, and
    U+2028 or a form feed, which str.splitlines would break on, is not a line end in a CSV."""
    path = tmp_path / "mixed-ends.csv"
    path.write_bytes('姓名,备注\r\n张三,"第一行\r\n第二行"\n李四,甲\u2028乙\x0c丙\r王五,末行'.encode())
    table = read_table(path)
    assert table.rows == [["张三", "第一行\r\n第二行"], ["李四", "甲\u2028乙\x0c丙"], ["王五", "末行"]]


def test_utf8_bom_then_gbk_names_the_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "姓名,身份证号\n张三,1\n".encode() + "李四,2\n".encode("gbk"))
    with pytest.raises(UnreadableFile, match="第 3 行不是 UTF-8 文字"):
        read_table(path)


def test_an_xls_grid_over_the_cell_budget_is_refused_before_it_becomes_python_objects(tmp_path, settings):
    from tests.imports.helpers import write_xls

    settings.IMPORT_MAX_CELLS = 500
    path = write_xls(
        tmp_path / "old.xls", ["姓名", "身份证号"] + [f"列{i}" for i in range(8)], [["某"] * 10] * 60
    )
    with pytest.raises(UnreadableFile, match="表格区域达 61 行 × 10 列"):
        read_table(path)
