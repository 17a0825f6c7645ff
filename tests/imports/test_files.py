"""Files refused as a whole, before or while parsing, with a Chinese reason naming the file."""

import zipfile

import pytest

from gonghui.imports.reader import UnreadableFile, read_table
from tests.imports.helpers import MEMBER_HEADER, write_csv, write_xlsx


def refused(path) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    return str(caught.value)


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "空文件" in refused(path)


def test_header_only(tmp_path):
    assert "没有数据行" in refused(write_xlsx(tmp_path / "h.xlsx", MEMBER_HEADER, []))


def test_not_a_spreadsheet(tmp_path):
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "不是 Excel 文件" in refused(png)
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    assert "不是表格文件" in refused(binary)
    other_zip = tmp_path / "docs.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "不是 Excel 工作簿" in refused(other_zip)


def test_merged_header_cells(tmp_path):
    path = write_xlsx(tmp_path / "merged.xlsx", MEMBER_HEADER, [["a"] * 7], merge_header=True)
    message = refused(path)
    assert "合并单元格" in message and "merged.xlsx" in message


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    path = write_csv(tmp_path / "big.csv", MEMBER_HEADER, [["某人"] * 7] * 100)
    assert "超过上限" in refused(path)


def test_too_many_rows_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 10
    assert "超过单次导入上限" in refused(write_csv(tmp_path / "rows.csv", MEMBER_HEADER, [["某人"] * 7] * 11))
    # xlsx: the sheet's declared dimension is read without parsing the sheet.
    assert "超过单次导入上限" in refused(
        write_xlsx(tmp_path / "rows.xlsx", MEMBER_HEADER, [["某人"] * 7] * 11)
    )


def test_zip_bomb_disguised_as_xlsx_is_refused_without_inflating_it(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        # 256 MB of zeros in a member: it compresses to about 250 KB, written in blocks.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1 << 24)
            for _ in range(16):
                member.write(block)
    assert path.stat().st_size < 5 * 1024 * 1024

    # Any decompression of the sheet would call ZipExtFile.read: forbid it.
    def no_inflate(*args, **kwargs):
        raise AssertionError("读取了压缩内容")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", no_inflate)
    assert "疑为恶意文件" in refused(path)


def test_broken_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "g.xlsx", MEMBER_HEADER, [["a"] * 7]).read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good[: len(good) // 2])
    assert "损坏" in refused(broken) or "无法读取" in refused(broken)


def test_gbk_csv_is_detected(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", MEMBER_HEADER, [["张三"] * 7], "gbk")
    table = read_table(path)
    assert table.encoding == "gb18030" and table.header == MEMBER_HEADER and table.rows[0][0] == "张三"


def test_excel_number_keeps_its_type(tmp_path):
    table = read_table(write_xlsx(tmp_path / "n.xlsx", ["身份证号"], [[340207199001011234]]))
    assert isinstance(table.rows[0][0], float)


def test_csv_with_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff姓名,身份证号\n张三,1\n".encode())
    assert read_table(path).header == ["姓名", "身份证号"]
