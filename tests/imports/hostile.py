"""A generated corpus of hostile ledger files (issue 9 point 8), written to a folder at test time.

Every file is one a user or an attacker could upload: broken CSV (a field over the csv module's limit,
unterminated quotes, bare CR line ends, a UTF-8 BOM in front of a GBK body, NUL bytes, UTF-16), damaged
xlsx (bit flips inside the compressed parts — zlib errors and CRC mismatches —, truncation, malformed
sharedStrings or sheet XML, entity tricks, a sparse sheet whose dense area is astronomical), zip bombs
(one padded with incompressible bytes so that its overall ratio looks harmless and with no <dimension>,
one whose zip directory understates the sizes, one with thousands of parts), empty files, wrong
extensions, renamed .xls files, huge single cells.

``Case.expect`` says what the importer must make of it:
- ``"refuse"``: the file as a whole is refused (CLI exit 2, job 失败, a Chinese reason);
- ``"any"``: the file may be readable (a flip in a field nobody checks, a legacy format): any outcome is
  acceptable as long as it is a clean one (exit 0/1/2 with a JSON line, the job finished, no traceback).
"""

from __future__ import annotations

import codecs
import gzip
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.imports.helpers import MEMBER_HEADER, write_xls, write_xlsx

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships"><sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>'
)
SST_REL = (
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)


@dataclass
class Case:
    name: str  # file name, with the extension the user gave it
    family: str
    expect: str  # "refuse" or "any"


def _sheet(body: str, head: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet xmlns="{NS}"><sheetData>{body}</sheetData></worksheet>'


def _inline(text: str, ref: str = "") -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<c{r} t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_inline(h) for h in MEMBER_HEADER) + "</row>"


def raw_xlsx(
    path: Path, sheet: str | bytes, shared: str | bytes | None = None, extra: dict | None = None
) -> None:
    """An xlsx put together part by part, so that any part can be broken on purpose."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=SST_REL if shared is not None else "")
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)


def _good_rows(n: int = 3) -> list[list]:
    return [
        [f"测试{i}", "340207199001010000", "", "鸠江乙公司工会委员会", "2023-05-01", "否", ""]
        for i in range(n)
    ]


def _member_data_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each member's compressed bytes inside an xlsx."""
    spans = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            offset = info.header_offset
            name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
            start = offset + 30 + name_len + extra_len
            if info.compress_size > 0:
                spans.append((start, start + info.compress_size))
    return spans


def build_corpus(folder: Path, rng_seed: int = 9) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rng_seed)
    cases: list[Case] = []

    def add(name: str, family: str, expect: str, write: Callable[[Path], object]) -> None:
        write(folder / name)
        cases.append(Case(name, family, expect))

    def put(name: str, family: str, expect: str, data: bytes) -> None:
        add(name, family, expect, lambda p: p.write_bytes(data))

    header_csv = ",".join(MEMBER_HEADER)
    good_line = "张三,340207199001010000,,鸠江乙公司工会委员会,2023-05-01,否,"

    # ---- CSV: a field over the csv module's limit (131,072 characters) --------------------------
    for i, size in enumerate((131_073, 200_000, 900_000)):
        for quoted in (False, True):
            cell = "甲" * size
            cell = f'"{cell}"' if quoted else cell
            put(
                f"field-limit-{i}-{int(quoted)}.csv",
                "csv-field-limit",
                "refuse",
                f"{header_csv}\n{cell},1,,,,,\n".encode(),
            )
    put(
        "field-limit-gbk.csv",
        "csv-field-limit",
        "refuse",
        f"{header_csv}\n{'乙' * 150_000},1\n".encode("gbk"),
    )

    # ---- CSV: unterminated quotes ---------------------------------------------------------------
    tails = [
        '"张三,1,,,,,\n' + good_line * 3,
        '"张三\n' + (good_line + "\n") * 50,
        '"' + "x" * 140_000,
        good_line + '\n"半个引号',
        '"姓名,身份证号\n张三,1\n',
    ]
    for i, tail in enumerate(tails):
        put(f"unterminated-{i}.csv", "csv-unterminated-quote", "refuse", f"{header_csv}\n{tail}".encode())
        put(
            f"unterminated-cr-{i}.csv",
            "csv-unterminated-quote",
            "refuse",
            f"{header_csv}\r{tail.replace(chr(10), chr(13))}".encode(),
        )
    put("quote-after-quote.csv", "csv-bad-quote", "refuse", f'{header_csv}\n"张三"李四,1,,,,,\n'.encode())

    # ---- CSV: bare CR line ends (old Mac) with something wrong inside ----------------------------
    put("bare-cr-binary.csv", "csv-bare-cr", "refuse", b"\r".join([b"\x81\xff\xfe\x80" * 20] * 30))
    put("bare-cr-junk-header.csv", "csv-bare-cr", "refuse", "\r".join(["a,b,c", "1,2,3"] * 40).encode())
    put("bare-cr-only.csv", "csv-bare-cr", "refuse", b"\r" * 5000)
    put(
        "bare-cr-mixed.csv",
        "csv-bare-cr",
        "any",
        f"{header_csv}\r\n{good_line}\r{good_line}\n{good_line}".encode(),
    )

    # ---- CSV: a UTF-8 BOM in front of a body in GBK / GB18030 ------------------------------------
    for i, (body, enc) in enumerate(
        [
            (f"{header_csv}\n{good_line}\n", "gbk"),
            (f"姓名,身份证号\n{good_line}\n", "gb18030"),
            (f"{header_csv}\n" + (good_line + "\n") * 200 + "王五,1\n", "gbk"),
        ]
    ):
        put(f"bom-gbk-{i}.csv", "csv-bom-gbk", "refuse", codecs.BOM_UTF8 + body.encode(enc))
    mixed = (
        codecs.BOM_UTF8
        + f"{header_csv}\n".encode()
        + (good_line + "\n").encode() * 100
        + "赵六,2\n".encode("gbk")
    )
    put("bom-utf8-then-gbk.csv", "csv-bom-gbk", "refuse", mixed)
    put(
        "gbk-then-garbage.csv",
        "csv-encoding",
        "refuse",
        f"{header_csv}\n".encode("gbk") + b"\x81\x20\xff\xfe" * 10,
    )
    put("bom-only.csv", "empty", "refuse", codecs.BOM_UTF8)

    # ---- NUL bytes and UTF-16 --------------------------------------------------------------------
    body = f"{header_csv}\n" + (good_line + "\n") * 400
    for i, at in enumerate((0, 10, len(body) // 2, len(body) - 2)):
        raw = body.encode()
        put(f"nul-{i}.csv", "csv-nul", "refuse", raw[:at] + b"\x00" + raw[at:])
    put("nul-everywhere.csv", "csv-nul", "refuse", b"\x00" * 4096)
    put("utf16le.csv", "csv-utf16", "refuse", body.encode("utf-16"))
    put("utf16be.csv", "csv-utf16", "refuse", codecs.BOM_UTF16_BE + body.encode("utf-16-be"))

    # ---- CSV: absurd shapes ------------------------------------------------------------------------
    put(
        "wide-600-columns.csv",
        "csv-wide",
        "refuse",
        (",".join(f"列{i}" for i in range(600)) + "\n1\n").encode(),
    )
    put("one-long-line.csv", "csv-long-line", "refuse", b"a," * 700_000)
    put("commas-only.csv", "csv-wide", "refuse", b"," * 3000 + b"\n" + b"," * 3000)
    put("only-newlines.csv", "empty", "refuse", b"\n" * 10_000)
    put("only-spaces.csv", "empty", "refuse", b"   \n  \t \n")
    put("header-only.csv", "empty", "refuse", header_csv.encode())
    put("semicolon-junk.csv", "csv-junk", "refuse", b";;;;\n;;;;\n")
    put("json.csv", "wrong-extension", "refuse", b'{"name": "\xe5\xbc\xa0", "id": 1}')
    put(
        "html-table.csv",
        "wrong-extension",
        "refuse",
        "<html><table><tr><td>姓名</td></tr></table></html>".encode(),
    )

    # ---- empty files and wrong extensions --------------------------------------------------------
    for ext in ("csv", "xlsx", "xls", "txt", ""):
        put(f"empty.{ext}" if ext else "empty", "empty", "refuse", b"")
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000))
    jpg = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(rng.randrange(256) for _ in range(3000))
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(rng.randrange(256) for _ in range(3000))
    gz = gzip.compress(body.encode())
    exe = b"MZ\x90\x00" + bytes(rng.randrange(256) for _ in range(3000))
    rar = b"Rar!\x1a\x07\x00" + bytes(rng.randrange(256) for _ in range(500))
    html = "<html><body><table><tr><td>姓名</td><td>身份证号</td></tr></table></body></html>".encode()
    for label, data in (
        ("png", png),
        ("jpg", jpg),
        ("pdf", pdf),
        ("gz", gz),
        ("exe", exe),
        ("rar", rar),
        ("html", html),
    ):
        for ext in ("xlsx", "xls", "csv"):
            put(f"{label}-as.{ext}", "wrong-extension", "refuse", data)
    docx = folder / "_docx.tmp"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    put("docx-as.xlsx", "wrong-extension", "refuse", docx.read_bytes())
    ods = folder / "_ods.tmp"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    put("ods-as.xlsx", "wrong-extension", "refuse", ods.read_bytes())
    put("zip-as.csv", "wrong-extension", "refuse", docx.read_bytes())
    docx.unlink()
    ods.unlink()

    # ---- xls: renamed, truncated, flipped (an OLE file has no checksum: flips may go unnoticed) --
    xls = folder / "_base.xls"
    write_xls(xls, MEMBER_HEADER, _good_rows(40))
    xls_bytes = xls.read_bytes()
    xls.unlink()
    put("xls-renamed.xlsx", "xls-renamed", "any", xls_bytes)
    put("xls-renamed.csv", "xls-renamed", "any", xls_bytes)
    for i, frac in enumerate((0.1, 0.3, 0.5, 0.8, 0.95)):
        put(f"xls-truncated-{i}.xls", "xls-truncated", "refuse", xls_bytes[: int(len(xls_bytes) * frac)])
    put("xls-header-only.xls", "xls-truncated", "refuse", xls_bytes[:512])
    for i in range(12):
        flipped = bytearray(xls_bytes)
        for _ in range(rng.randrange(1, 40)):
            flipped[rng.randrange(len(flipped))] ^= rng.randrange(1, 256)
        put(f"xls-flipped-{i}.xls", "xls-flipped", "any", bytes(flipped))

    # ---- xlsx: bit flips inside the compressed parts (zlib.error, CRC mismatch) ------------------
    base = folder / "_base.xlsx"
    write_xlsx(base, MEMBER_HEADER, _good_rows(60))
    good = base.read_bytes()
    base.unlink()
    spans = _member_data_spans(good)
    for i in range(80):
        flipped = bytearray(good)
        start, end = spans[rng.randrange(len(spans))]
        position = rng.randrange(start, end)
        flipped[position] ^= 1 << rng.randrange(8) if i % 2 else rng.randrange(1, 256)
        put(f"flipped-{i:02d}.xlsx", "xlsx-bit-flip", "refuse", bytes(flipped))
    # Anywhere in the file (headers, directory): usually refused, possibly harmless.
    for i in range(25):
        flipped = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            flipped[rng.randrange(len(flipped))] ^= rng.randrange(1, 256)
        put(f"flipped-anywhere-{i:02d}.xlsx", "xlsx-bit-flip", "any", bytes(flipped))
    for i, frac in enumerate((0.05, 0.2, 0.5, 0.7, 0.9, 0.99)):
        put(f"truncated-{i}.xlsx", "xlsx-truncated", "refuse", good[: int(len(good) * frac)])
    put("truncated-eocd.xlsx", "xlsx-truncated", "refuse", good[:-22])
    put("truncated-last-byte.xlsx", "xlsx-truncated", "refuse", good[:-1])
    put("magic-only.xlsx", "xlsx-truncated", "refuse", b"PK\x03\x04")
    put("good-xlsx-named.csv", "xlsx-renamed", "any", good)

    # ---- xlsx: malformed sharedStrings / sheet XML ----------------------------------------------
    sst_sheet = _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>')
    bad_shared = {
        "sst-unclosed": f'<sst xmlns="{NS}"><si><t>姓名</t><si><t>身份证号',
        "sst-garbage": "\x01\x02 not xml at all <<<>>>",
        "sst-invalid-utf8": b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="'
        + NS.encode()
        + b'"><si><t>\xff\xfe\x80</t></si></sst>',
        "sst-wrong-encoding": '<?xml version="1.0" encoding="EBCDIC-XYZ"?><sst/>',
        "sst-entity-bomb": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
        '&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
        f'&lol2;&lol2;">]><sst xmlns="{NS}"><si><t>&lol3;</t></si><si><t>x</t></si></sst>',
        "sst-xxe": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<sst xmlns="{NS}"><si><t>&x;</t></si><si><t>y</t></si></sst>',
        "sst-empty": "",
        "sst-index-out-of-range": f'<sst xmlns="{NS}"><si><t>only one</t></si></sst>',
        "sst-deep": f'<sst xmlns="{NS}"><si>' + "<r>" * 50_000 + "<t>x</t>" + "</r>" * 50_000 + "</si></sst>",
        "sst-huge-string": f'<sst xmlns="{NS}"><si><t>' + "丙" * 300_000 + "</t></si><si><t>y</t></si></sst>",
        "sst-bad-entity": f'<sst xmlns="{NS}"><si><t>&nosuch;</t></si><si><t>&#xFFFFFFF;</t></si></sst>',
        "sst-nul": f'<sst xmlns="{NS}"><si><t>a\x00b</t></si><si><t>c</t></si></sst>',
    }
    for label, shared in bad_shared.items():
        add(
            f"{label}.xlsx",
            "xlsx-bad-shared-strings",
            "refuse",
            lambda p, s=shared: raw_xlsx(p, sst_sheet, s),
        )
    add("sst-missing-part.xlsx", "xlsx-bad-shared-strings", "refuse", lambda p: raw_xlsx(p, sst_sheet, None))
    bad_sheets = {
        "sheet-unclosed": _sheet(_header_row())[:-30],
        "sheet-garbage": "\x00\x01garbage",
        "sheet-empty-part": "",
        "sheet-empty-data": _sheet(""),
        "sheet-no-header": _sheet('<row r="5"></row>'),
        "sheet-invalid-utf8": _sheet(_header_row()).encode()[:-40]
        + b"\xff\xfe\x80"
        + b"</sheetData></worksheet>",
        "sheet-entity-bomb": _sheet(
            _header_row(),
            head='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        ),
        "sheet-xxe": _sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>',
            head='<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        ),
        "sheet-bad-ref": _sheet('<row r="1"><c r="1A" t="inlineStr"><is><t>x</t></is></c></row>'),
        "sheet-bad-row-number": _sheet('<row r="-5"><c r="A1"><v>1</v></c></row>'),
        "sheet-row-zero": _sheet('<row r="0"><c r="A0"><v>1</v></c></row>'),
        "sheet-deep": _sheet('<row r="1">' + "<x>" * 60_000 + "</x>" * 60_000 + "</row>"),
        "sheet-huge-inline": _sheet('<row r="1">' + _inline("丁" * 300_000) + "</row>"),
        "sheet-huge-number": _sheet('<row r="1"><c r="A1"><v>' + "9" * 400_000 + "</v></c></row>"),
        # calamine stores a sheet as a dense grid from the first to the last cell
        "sheet-sparse-corner": _sheet(
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        ),
        "sheet-sparse-wide": _sheet(
            '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>'
            '<row r="60000"><c r="A60000"><v>1</v></c></row>'
        ),
        "sheet-sparse-tall": _sheet(_header_row() + '<row r="1048576"><c r="G1048576"><v>1</v></c></row>'),
        "sheet-implicit-wide": _sheet(
            '<row r="1">' + "<c><v>1</v></c>" * 20_000 + '</row><row r="900000"><c><v>1</v></c></row>'
        ),
        "sheet-too-many-cells": _sheet(
            "".join("<row>" + "<c><v>1</v></c>" * 10 + "</row>" for _ in range(120_000))
        ),
        "sheet-rows-over-limit": _sheet(
            _header_row() + "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 70_000))
        ),
    }
    for label, sheet in bad_sheets.items():
        add(f"{label}.xlsx", "xlsx-bad-sheet-xml", "refuse", lambda p, s=sheet: raw_xlsx(p, s))
    add(
        "workbook-missing-sheet.xlsx",
        "xlsx-bad-structure",
        "refuse",
        lambda p: (
            raw_xlsx(p, _sheet(_header_row()), extra=None) or _drop_member(p, "xl/worksheets/sheet1.xml")
        ),
    )
    add(
        "workbook-garbage.xlsx",
        "xlsx-bad-structure",
        "refuse",
        lambda p: _replace_member(p, "xl/workbook.xml", b"<<<not xml"),
    )
    add(
        "rels-traversal.xlsx",
        "xlsx-bad-structure",
        "refuse",
        lambda p: _replace_member(
            p,
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.replace("worksheets/sheet1.xml", "../../../../etc/passwd")
            .format(extra="")
            .encode(),
        ),
    )
    add(
        "rels-missing.xlsx",
        "xlsx-bad-structure",
        "refuse",
        lambda p: _drop_member(p, "xl/_rels/workbook.xml.rels", build=True),
    )

    # Odd but well-formed values under a proper header: read, then rejected row by row (or imported).
    odd_values = {
        "values-nan": '<c r="B2"><v>NaN</v></c>',
        "values-inf": '<c r="B2"><v>1e400</v></c>',
        "values-huge-date": '<c r="E2" s="1"><v>99999999999</v></c>',
        "values-negative-date": '<c r="E2" s="1"><v>-5000</v></c>',
        "values-error-cell": '<c r="B2" t="e"><v>#N/A</v></c>',
        "values-bool-junk": '<c r="F2" t="b"><v>7</v></c>',
        "values-formula-only": '<c r="B2"><f>1/0</f></c>',
        "values-rich-text": '<c r="A2" t="inlineStr"><is><r><t>张</t></r><r><t>三</t></r></is></c>',
    }
    styles = (
        f'<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
    )
    for label, cell in odd_values.items():
        sheet = _sheet(_header_row() + '<row r="2">' + _inline("某某", "A2") + cell + "</row>")
        add(
            f"{label}.xlsx",
            "xlsx-odd-values",
            "any",
            lambda p, s=sheet: raw_xlsx(p, s, extra={"xl/styles.xml": styles}),
        )

    # ---- huge single cells -----------------------------------------------------------------------
    add(
        "huge-cell-inline.xlsx",
        "huge-cell",
        "refuse",
        lambda p: raw_xlsx(
            p, _sheet(_header_row() + '<row r="2">' + _inline("戊" * 2_000_000, "A2") + "</row>")
        ),
    )
    put("huge-cell.csv", "huge-cell", "refuse", f"{header_csv}\n{'己' * 3_000_000},1\n".encode())

    # ---- zip bombs -------------------------------------------------------------------------------
    add("bomb-padded.xlsx", "zip-bomb", "refuse", lambda p: padded_bomb(p, sheet_mb=96, padding_mb=1))
    # Under the test budget (64 MB) and a harmless-looking ratio: only the streaming scan can tell.
    add("bomb-padded-small.xlsx", "zip-bomb", "refuse", lambda p: padded_bomb(p, sheet_mb=40, padding_mb=1))
    add("bomb-plain.xlsx", "zip-bomb", "refuse", lambda p: padded_bomb(p, sheet_mb=96, padding_mb=0))
    add("bomb-shared-strings.xlsx", "zip-bomb", "refuse", shared_strings_bomb)
    add("bomb-lying-sizes.xlsx", "zip-bomb", "refuse", lying_bomb)
    add("bomb-many-parts.xlsx", "zip-bomb", "refuse", many_parts)
    add("nested-zip.xlsx", "zip-bomb", "refuse", nested_zip)
    add("encrypted-part.xlsx", "zip-encrypted", "refuse", encrypted_member)
    add("unknown-compression.xlsx", "zip-encrypted", "refuse", unknown_compression)
    return cases


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _replace_member(path: Path, name: str, data: bytes) -> None:
    raw_xlsx(path, _sheet(_header_row()))
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = data
    _rewrite(path, members)


def _drop_member(path: Path, name: str, build: bool = False) -> None:
    if build:
        raw_xlsx(path, _sheet(_header_row()))
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != name}
    _rewrite(path, members)


def padded_bomb(path: Path, sheet_mb: int, padding_mb: int, seed: int = 1) -> Path:
    """A worksheet of millions of tiny cells and no <dimension>, deflated ≈ 250×, next to a part of
    random bytes (which does not compress) so that the file's overall ratio looks harmless."""
    rng = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=""))
        row = "<row>" + "<c><v>1</v></c>" * 14 + "</row>"
        block = (row * (1_048_576 // len(row))).encode()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'.encode())
            for _ in range(sheet_mb):
                member.write(block)
            member.write(b"</sheetData></worksheet>")
        if padding_mb:
            info = zipfile.ZipInfo("xl/media/image1.png")
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as member:
                for _ in range(padding_mb * 16):
                    member.write(rng.randbytes(65536))
    return path


def shared_strings_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=SST_REL))
        archive.writestr("xl/worksheets/sheet1.xml", _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(f'<sst xmlns="{NS}">'.encode())
            block = b"<si><t>a</t></si>" * 65536
            for _ in range(96):
                member.write(block)
            member.write(b"</sst>")


def lying_bomb(path: Path, sheet_mb: int = 40, declared: int = 8192) -> Path:
    """A worksheet whose deflate stream holds ``sheet_mb`` MB while the zip directory (local and central
    headers) declares ``declared`` bytes with the CRC of just those: zipfile, which stops reading at the
    declared size, finds nothing wrong; a reader that decompresses the whole stream gets it all."""
    row = "<row>" + "<c><v>1</v></c>" * 14 + "</row>"
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'.encode()
    sheet += (row * (sheet_mb * 1_048_576 // len(row))).encode() + b"</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=""))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    crc = zlib.crc32(sheet[:declared])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("xl/worksheets/sheet1.xml").header_offset
    data[offset + 14 : offset + 18] = struct.pack("<I", crc)
    data[offset + 22 : offset + 26] = struct.pack("<I", declared)
    position = bytes(data).find(b"PK\x01\x02")
    while position >= 0:
        if struct.unpack("<I", data[position + 42 : position + 46])[0] == offset:
            data[position + 16 : position + 20] = struct.pack("<I", crc)
            data[position + 24 : position + 28] = struct.pack("<I", declared)
        position = bytes(data).find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))
    return path


def many_parts(path: Path) -> None:
    raw_xlsx(path, _sheet(_header_row()), extra={f"xl/media/p{i}.bin": b"" for i in range(6000)})


def nested_zip(path: Path) -> None:
    inner = path.with_suffix(".inner")
    padded_bomb(inner, sheet_mb=8, padding_mb=0)
    raw_xlsx(path, _sheet(_header_row()), extra={"xl/embeddings/inner.xlsx": inner.read_bytes()})
    inner.unlink()


def encrypted_member(path: Path) -> None:
    """The 'encrypted' flag set on the worksheet's entries: zipfile wants a password."""
    raw_xlsx(path, _sheet(_header_row() + '<row r="2">' + _inline("张三") + "</row>"))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 6] |= 1
    position = bytes(data).find(b"PK\x01\x02")
    while position >= 0:
        name_len = struct.unpack("<H", data[position + 28 : position + 30])[0]
        if data[position + 46 : position + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            data[position + 8] |= 1
        position = bytes(data).find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))


def unknown_compression(path: Path) -> None:
    raw_xlsx(path, _sheet(_header_row()))
    data = bytearray(path.read_bytes())
    position = bytes(data).find(b"PK\x01\x02")
    while position >= 0:
        data[position + 10 : position + 12] = struct.pack("<H", 99)
        position = bytes(data).find(b"PK\x01\x02", position + 4)
    position = bytes(data).find(b"PK\x03\x04")
    while position >= 0:
        data[position + 8 : position + 10] = struct.pack("<H", 99)
        position = bytes(data).find(b"PK\x03\x04", position + 4)
    path.write_bytes(bytes(data))
