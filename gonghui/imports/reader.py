"""Reading a ledger file into a header and raw rows, refusing what must not be parsed.

Cells keep the type the file gave them (a float stays a float) because the ID column must be able to
tell "Excel stored this number and lost digits" from text. Formulas are never evaluated: calamine
returns the value Excel cached when it saved the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An honest xlsx compresses about 5–10×; text-heavy sheets up to ≈ 30×. Far beyond that is a bomb.
MAX_COMPRESSION_RATIO = 200
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; ``str(exc)`` is the Chinese reason."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[object]]  # raw cell values, row by row, header excluded
    header_row: int = 1  # 1-based row number of the header as Excel shows it
    format: str = ""  # xlsx / xls / csv
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)

    def excel_row(self, index: int) -> int:
        """The row number the user sees in Excel for ``rows[index]``."""
        return self.header_row + 1 + index


def max_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", settings.IMPORT_MAX_BYTES * 20)


def sniff(path: Path, name: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile(
            f"文件「{name}」扩展名是 Excel，但内容不是 Excel 文件（可能已损坏或被改了扩展名）"
        )
    return "csv"


def check_zip(path: Path, name: str) -> None:
    """Look at the declared sizes in the zip directory before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise UnreadableFile(f"文件「{name}」是压缩包，但不是 Excel 工作簿（.xlsx）")
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > max_uncompressed_bytes() or total / packed > MAX_COMPRESSION_RATIO:
                raise UnreadableFile(
                    f"文件「{name}」解压后达 {total / 1024 / 1024:.0f} MB（压缩比 {total / packed:.0f} 倍），"
                    "超出允许范围，疑为恶意文件，已拒绝"
                )
            _check_declared_rows(archive, name)
    except zipfile.BadZipFile:
        raise UnreadableFile(f"文件「{name}」已损坏，无法作为 Excel 文件打开") from None


def _check_declared_rows(archive: zipfile.ZipFile, name: str) -> None:
    """xlsx writers put <dimension ref="A1:N1000001"/> near the start of each sheet: read only that."""
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
            with archive.open(info) as sheet:
                head = sheet.read(4096)
            match = _DIMENSION.search(head)
            if match and int(match.group(1)) - 1 > settings.IMPORT_MAX_ROWS:
                raise UnreadableFile(
                    f"文件「{name}」有 {int(match.group(1)) - 1:,} 行，超过单次导入上限 "
                    f"{settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入"
                )
            return


def read_table(path: Path | str, name: str | None = None) -> Table:
    path = Path(path)
    name = name or path.name
    if not path.exists():
        raise UnreadableFile(f"找不到文件「{name}」")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"文件「{name}」是空文件")
    if size > settings.IMPORT_MAX_BYTES:
        raise UnreadableFile(
            f"文件「{name}」大小 {size / 1024 / 1024:.1f} MB，超过上限 "
            f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB"
        )
    kind = sniff(path, name)
    if kind == "xlsx":
        check_zip(path, name)
    table = _read_csv(path, name) if kind == "csv" else _read_excel(path, name, kind)
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(
            f"文件「{name}」有 {len(table.rows):,} 行，超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入"
        )
    if not table.rows:
        raise UnreadableFile(f"文件「{name}」只有表头，没有数据行")
    return table


def _read_excel(path: Path, name: str, kind: str) -> Table:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
        data = sheet.to_python(skip_empty_area=True)
    except python_calamine.PasswordError:
        raise UnreadableFile(f"文件「{name}」设置了打开密码，请去掉密码后导入") from None
    except Exception as exc:  # calamine raises several error types for broken files
        raise UnreadableFile(
            f"文件「{name}」无法读取（{type(exc).__name__}），请确认是有效的 Excel 文件"
        ) from None
    start_row = sheet.start[0] if sheet.start else 0
    header_index = next((i for i, row in enumerate(data) if any(_present(c) for c in row)), None)
    if header_index is None:
        raise UnreadableFile(f"文件「{name}」第一个工作表是空的")
    header_row0 = start_row + header_index  # 0-based sheet row of the header
    for (r1, _c1), (r2, _c2) in merged:
        if r1 <= header_row0 <= r2:
            raise UnreadableFile(
                f"文件「{name}」表头（第 {header_row0 + 1} 行）含有合并单元格，请取消合并，每列只保留一个列名"
            )
    if len(data) - header_index - 1 > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(
            f"文件「{name}」数据行超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入"
        )
    header = [_header_text(c) for c in data[header_index]]
    rows = data[header_index + 1 :]
    while rows and not any(_present(c) for c in rows[-1]):
        rows.pop()
    return Table(header=header, rows=rows, header_row=header_row0 + 1, format=kind)


def _present(value: object) -> bool:
    return value is not None and value != ""


def _header_text(value: object) -> str:
    return re.sub(r"\s+", "", str(value or "")).replace("*", "").replace("＊", "")


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")  # a superset of GBK and GB2312: what Excel "CSV" saves on Chinese Windows
        return "gb18030"
    except UnicodeDecodeError:
        return ""


def _read_csv(path: Path, name: str) -> Table:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(f"文件「{name}」不是表格文件（支持 .xlsx、.xls、.csv）")
    encoding = detect_encoding(raw)
    if not encoding:
        raise UnreadableFile(f"文件「{name}」的文字编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    # Count lines on the bytes before building any row objects.
    if raw.count(b"\n") - 1 > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(f"文件「{name}」超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入")
    text = raw.decode(encoding)
    del raw
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [row for row in reader]
    del text
    header_index = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header_index is None:
        raise UnreadableFile(f"文件「{name}」没有内容")
    header = [_header_text(c) for c in rows[header_index]]
    # One column whose "name" is binary junk means this was never a table.
    if len(header) < 2 and not any(ch.isalpha() for ch in "".join(header)):
        raise UnreadableFile(f"文件「{name}」不是表格文件（支持 .xlsx、.xls、.csv）")
    data = rows[header_index + 1 :]
    del rows
    while data and not any(c.strip() for c in data[-1]):
        data.pop()
    return Table(header=header, rows=data, header_row=header_index + 1, format="csv", encoding=encoding)
