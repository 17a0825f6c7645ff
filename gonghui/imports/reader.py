"""Reading a ledger file into a header and raw rows, refusing what must not be parsed.

Cells keep the type the file gave them (a float stays a float) because the ID column must be able to
tell "Excel stored this number and lost digits" from text. Formulas are never evaluated: calamine
returns the value Excel cached when it saved the file.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.conf import settings

log = logging.getLogger("gonghui.imports")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An honest xlsx compresses about 5–10×; text-heavy sheets up to ≈ 30×. Far beyond that is a bomb.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 16 * 1024 * 1024  # a small file inflating 300× is harmless (and still within the budget)
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
# What the streaming scan of the decompressed XML looks for (see _SheetScan).
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})\d')
_LONG_TEXT = 200_000  # bytes between two tags: no Excel cell (32,767 characters) needs more
_LONG_RUN = re.compile(rb"<[^<]{%d}" % _LONG_TEXT)
_MAX_ROW_BYTES = 16 * 1024 * 1024  # one <row> of a worksheet, decompressed
_MAX_LINE_BYTES = 1024 * 1024  # one physical line of a CSV file
_CSV_LONG_LINE = re.compile(rb"[\r\n][^\r\n]{%d}" % _MAX_LINE_BYTES)
_CSV_LONG_FIRST_LINE = re.compile(rb"[^\r\n]{%d}" % _MAX_LINE_BYTES)
MAX_ZIP_MEMBERS = 5000
_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


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


def max_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", 30_000_000)


def max_columns() -> int:
    return getattr(settings, "IMPORT_MAX_COLUMNS", 500)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


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
    """Look at the declared sizes in the zip directory, then decompress every member as a stream with a
    byte budget (the declared sizes can lie and a padded bomb keeps its overall ratio low), checking each
    member's CRC and scanning the worksheets for the area calamine would allocate. Memory stays at about
    one block whatever the file holds; calamine only sees a file that passed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise UnreadableFile(
                    f"文件「{name}」包含 {len(infos):,} 个部件，不是正常的 Excel 文件，已拒绝"
                )
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise UnreadableFile(f"文件「{name}」是压缩包，但不是 Excel 工作簿（.xlsx）")
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            ratio_suspect = total > RATIO_CHECK_FROM and total / packed > MAX_COMPRESSION_RATIO
            if total > max_uncompressed_bytes() or ratio_suspect:
                raise UnreadableFile(
                    f"文件「{name}」解压后达 {total / 1024 / 1024:.0f} MB（压缩比 {total / packed:.0f} 倍），"
                    "超出允许范围，疑为恶意文件，已拒绝"
                )
            _check_declared_rows(archive, name)
            _inflate_within_budget(archive, infos, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise UnreadableFile(f"文件「{name}」已损坏，无法作为 Excel 文件打开") from None
    except (NotImplementedError, RuntimeError):  # an unknown compression method, an encrypted member
        raise UnreadableFile(
            f"文件「{name}」使用了不支持的压缩或加密方式，请用 Excel 另存为 .xlsx 后导入"
        ) from None


def _inflate_within_budget(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    budget = max_uncompressed_bytes()
    used = 0
    for info in infos:
        if info.is_dir():
            continue
        is_xml = info.filename.endswith((".xml", ".rels"))
        scan = (
            _SheetScan(name, info.filename) if info.filename.startswith("xl/worksheets/") and is_xml else None
        )
        tail = b"<"  # the start of a member counts as a tag boundary
        for block in _inflate(archive, info, name):
            used += len(block)
            if used > budget:
                raise UnreadableFile(
                    f"文件「{name}」解压后超过 {budget / 1024 / 1024:.0f} MB，超出允许范围，疑为恶意文件，已拒绝"
                )
            if is_xml:
                if _LONG_RUN.search(tail + block):
                    raise UnreadableFile(
                        f"文件「{name}」含有超长的单元格内容（超过 Excel 单元格上限 32,767 个字符），"
                        "疑为恶意文件，已拒绝"
                    )
                cut = block.rfind(b"<")
                tail = block[cut:] if cut >= 0 else tail + block
            if scan is not None:
                scan.feed(block)
        if scan is not None:
            scan.finish()


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str):
    """The member's bytes as the whole compressed stream gives them, block by block — not as zipfile
    gives them, which stops at the declared size: a stream that goes on past it (what calamine's
    reader would decompress) is refused as soon as it does, and the CRC must match."""
    damaged = UnreadableFile(
        f"文件「{name}」已损坏（「{info.filename}」的内容与压缩目录不符），无法作为 Excel 文件打开"
    )
    if info.flag_bits & 0x1:
        raise RuntimeError("encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotImplementedError(info.compress_type)
    handle = archive.fp
    if handle is None:  # the archive was closed under us
        raise damaged
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise damaged
    name_length, extra_length = (
        int.from_bytes(header[26:28], "little"),
        int.from_bytes(header[28:30], "little"),
    )
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced = crc = 0
    pending = b""
    while left > 0 or pending:
        if not pending:
            pending = handle.read(min(left, 1 << 16))
            if not pending:
                raise damaged  # the file ends inside the member
            left -= len(pending)
        if inflater is None:
            block, pending = pending, b""
        else:
            block = inflater.decompress(pending, 1 << 20)
            pending = inflater.unconsumed_tail
            if inflater.eof and (pending or left):
                raise damaged  # bytes after the end of the stream
        produced += len(block)
        if produced > info.file_size:
            raise damaged  # more than the directory declares: what a lying bomb does
        crc = zlib.crc32(block, crc)
        if block:
            yield block
    if inflater is not None and not inflater.eof:
        raise damaged
    if produced != info.file_size or crc != info.CRC:
        raise damaged


class _SheetScan:
    """Counts rows and cells of a worksheet's XML as it streams past and works out the area calamine
    would allocate (it stores a sheet as a dense grid from its first to its last cell: one cell at
    A1 and one at ZZ1000000 make 700 million), refusing before calamine sees the file."""

    def __init__(self, name: str, member: str):
        self.name, self.member = name, member
        self.tail = b""
        self.max_row = self.implicit_rows = self.max_col = self.widest = self.cells = 0
        self.implicit = False  # cells without an r="A1" reference

    def feed(self, block: bytes) -> None:
        data = self.tail + block
        cut = data.rfind(b"<row")
        if cut <= 0:
            if len(data) > _MAX_ROW_BYTES:
                raise UnreadableFile(f"文件「{self.name}」中有一行内容异常庞大，疑为恶意文件，已拒绝")
            self.tail = data
            return
        self.count(data[:cut])
        self.tail = data[cut:]

    def finish(self) -> None:
        self.count(self.tail)
        self.tail = b""
        rows = self.max_row + self.implicit_rows
        width = self.max_col + (self.widest if self.implicit else 0)
        area = rows * width
        self.check_rows(rows)
        if width > max_columns():
            raise UnreadableFile(
                f"文件「{self.name}」的表格宽达 {width:,} 列，超过上限 {max_columns():,} 列，"
                "请删除多余的列后导入"
            )
        if area > max_cells():
            raise UnreadableFile(
                f"文件「{self.name}」的表格区域达 {rows:,} 行 × {width:,} 列，"
                f"超过单次导入上限 {max_cells():,} 个单元格，请删除空白区域或拆分后导入"
            )

    def check_rows(self, rows: int) -> None:
        if rows - 1 > settings.IMPORT_MAX_ROWS:
            raise UnreadableFile(
                f"文件「{self.name}」有 {rows - 1:,} 行，超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入"
            )
        if self.cells > max_cells():
            raise UnreadableFile(
                f"文件「{self.name}」有 {self.cells:,} 个以上单元格，超过单次导入上限 {max_cells():,} 个，请拆分后导入"
            )

    def count(self, data: bytes) -> None:
        numbers = _ROW_NUMBER.findall(data)
        if numbers:
            self.max_row = max(self.max_row, max(map(int, numbers)))
        self.implicit_rows += data.count(b"<row ") + data.count(b"<row>") - len(numbers)
        cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        self.cells += cells
        refs = _CELL_REF.findall(data)
        if refs:
            self.max_col = max(self.max_col, max(_column_number(r) for r in set(refs)))
        if len(refs) < cells:  # a cell without a reference takes the next column: count the widest row
            self.implicit = True
            self.widest = max(
                self.widest,
                max(
                    seg.count(b"<c ") + seg.count(b"<c>") + seg.count(b"<c/>") for seg in data.split(b"<row")
                ),
            )
        self.check_rows(
            self.max_row + self.implicit_rows
        )  # as soon as it is over: a bomb is not read to its end


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
    """A ledger's header and data rows (.xlsx, .xls or .csv), or UnreadableFile with the reason."""
    return _guarded(_read_table, Path(path), name)


def read_sheet(path: Path | str, name: str | None = None) -> list[list[object]]:
    """The first worksheet of an Excel file (.xlsx / .xls) as raw rows from cell A1, title lines and
    blank rows included, for a reader that finds its own header (the target table): the same refusals
    as :func:`read_table` (size, zip bomb, grid area, password, damage), the same Chinese reasons."""
    return _guarded(_read_sheet, Path(path), name)


def _guarded(read, path: Path, name: str | None):
    name = name or path.name
    try:
        return read(path, name)
    except UnreadableFile:
        raise
    except MemoryError:
        raise UnreadableFile(f"文件「{name}」读取时超出内存上限，请拆分后导入") from None
    except Exception as exc:  # a reader's own error on a file it could not make sense of
        log.warning("reading %s failed: %r", name, exc)
        raise UnreadableFile(
            f"文件「{name}」无法读取，请确认文件完好，或用 Excel 另存为 .xlsx 后导入"
        ) from None


def _checked_kind(path: Path, name: str) -> str:
    """The file's format (xlsx / xls / csv) once it passed the checks every reader relies on: it exists,
    is not empty, is within IMPORT_MAX_BYTES and, for an xlsx, within the decompressed budget."""
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
    return kind


def _read_sheet(path: Path, name: str) -> list[list[object]]:
    if _checked_kind(path, name) == "csv":
        raise UnreadableFile(f"文件「{name}」不是 Excel 文件，请上传 .xlsx 文件")
    data, _start, _merged = _excel_grid(path, name, skip_empty_area=False)
    return data


def _read_table(path: Path, name: str) -> Table:
    kind = _checked_kind(path, name)
    table = _read_csv(path, name) if kind == "csv" else _read_excel(path, name, kind)
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(
            f"文件「{name}」有 {len(table.rows):,} 行，超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入"
        )
    if not table.rows:
        raise UnreadableFile(f"文件「{name}」只有表头，没有数据行")
    if len(table.header) > max_columns():
        raise UnreadableFile(
            f"文件「{name}」有 {len(table.header):,} 列，超过上限 {max_columns():,} 列，请删除多余的列后导入"
        )
    return table


def _excel_grid(path: Path, name: str, skip_empty_area: bool = True):
    """The first sheet's cells (from its first used cell, or from A1), its first used row, its merged
    ranges; refused before calamine builds a grid larger than IMPORT_MAX_CELLS."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        # An .xls is not scanned beforehand (its cells are not compressed: the file size bounds them);
        # the grid's size is known before any of it becomes Python objects, the larger part by far.
        height, width = sheet.height, sheet.width
        if not skip_empty_area and sheet.start:
            height, width = height + sheet.start[0], width + sheet.start[1]
        if height * width > max_cells():
            raise UnreadableFile(
                f"文件「{name}」的表格区域达 {height:,} 行 × {width:,} 列，"
                f"超过单次导入上限 {max_cells():,} 个单元格，请删除空白区域或拆分后导入"
            )
        merged = sheet.merged_cell_ranges or []
        data = sheet.to_python(skip_empty_area=skip_empty_area)
    except python_calamine.PasswordError:
        raise UnreadableFile(f"文件「{name}」设置了打开密码，请去掉密码后导入") from None
    except (KeyboardInterrupt, SystemExit, UnreadableFile):
        raise
    except BaseException as exc:  # calamine raises several error types, a Rust panic among them
        raise UnreadableFile(
            f"文件「{name}」无法读取（{_calamine_reason(exc)}），请确认是有效的 Excel 文件"
        ) from None
    return data, (sheet.start[0] if sheet.start else 0), merged


def _read_excel(path: Path, name: str, kind: str) -> Table:
    data, start_row, merged = _excel_grid(path, name)
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
    # Cells as read (numbers, text, dates …): the table's rows hold any value.
    return Table(header=header, rows=cast(list[list[object]], rows), header_row=header_row0 + 1, format=kind)


def _calamine_reason(exc: BaseException) -> str:
    import python_calamine

    if isinstance(exc, python_calamine.XmlError):
        return "工作表内容格式错误"
    if isinstance(exc, python_calamine.ZipError):
        return "压缩结构损坏"
    if isinstance(exc, python_calamine.WorksheetNotFound):
        return "找不到工作表"
    if isinstance(exc, python_calamine.CalamineError):
        return "文件结构损坏或格式无法识别"
    return "解析程序无法处理该文件"


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


_CSV_ERRORS = {
    "unexpected end of data": "引号没有配对：从第 {start} 行起直到文件末尾都在一对引号里",
    "field larger than field limit": "第 {start} 行起有单元格超过 131,072 个字符（常见原因：引号没有配对）",
    "',' expected after '\"'": "第 {line} 行引号用法有误：引号括起的内容之后应紧跟分隔符",
}


def _read_csv(path: Path, name: str) -> Table:
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            f"文件「{name}」是 UTF-16 编码（Excel「Unicode 文本」），请另存为 UTF-8 或 GBK 编码的 CSV"
        )
    if b"\x00" in raw:
        raise UnreadableFile(f"文件「{name}」不是表格文件（支持 .xlsx、.xls、.csv）")
    encoding = detect_encoding(raw)
    if not encoding:
        raise UnreadableFile(f"文件「{name}」的文字编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    # Count lines on the bytes before building any row objects (old Mac files end lines with CR alone).
    if max(raw.count(b"\n"), raw.count(b"\r")) - 1 > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(f"文件「{name}」超过单次导入上限 {settings.IMPORT_MAX_ROWS:,} 行，请拆分后导入")
    if len(raw) > _MAX_LINE_BYTES and (_CSV_LONG_FIRST_LINE.match(raw) or _CSV_LONG_LINE.search(raw)):
        raise UnreadableFile(
            f"文件「{name}」有一行超过 {_MAX_LINE_BYTES // 1024 // 1024} MB，不是正常的台账，请检查分隔符和换行"
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:  # a UTF-8 BOM in front of a body in another encoding
        start = exc.start + (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)
        line = raw.count(b"\n", 0, start) + 1
        raise UnreadableFile(
            f"文件「{name}」开头标明是 UTF-8 编码，但第 {line} 行不是 UTF-8 文字（可能混有 GBK 编码），"
            "请整个文件另存为 UTF-8 或 GBK 编码的 CSV"
        ) from None
    del raw
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # The lines as io.StringIO(text, newline="") gives them (ending CR LF, LF or CR alone, kept), sliced
    # from the text: StringIO would first copy the whole text at 4 bytes a character (≈ 300 MB for a
    # million-row ledger), the largest allocation of an import.
    lines = (match.group() for match in _CSV_LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for row in reader:
            if len(row) > max_columns():
                raise UnreadableFile(
                    f"文件「{name}」第 {reader.line_num} 行有 {len(row):,} 列，超过上限 {max_columns():,} 列，"
                    "请检查分隔符"
                )
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = next((reason for key, reason in _CSV_ERRORS.items() if str(exc).startswith(key)), None)
        reason = (reason or "第 {line} 行格式有误").format(start=start, line=reader.line_num)
        raise UnreadableFile(
            f"文件「{name}」无法按 CSV 读取：{reason}，请在 Excel 中打开检查后另存"
        ) from None
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
    return Table(
        header=header,
        rows=cast(list[list[object]], data),
        header_row=header_index + 1,
        format="csv",
        encoding=encoding,
    )
