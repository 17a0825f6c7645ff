"""Sealed files (AES-256-GCM in chunks, the field keys) and masking inside free text."""

import io
import os

import pytest

from gonghui.core import crypto
from gonghui.core.masking import mask_text

CHUNK = crypto.FILE_CHUNK


def _seal(plain: bytes) -> bytes:
    out = io.BytesIO()
    size, digest = crypto.encrypt_file(io.BytesIO(plain), out)
    assert size == len(plain)
    import hashlib

    assert digest == hashlib.sha256(plain).hexdigest()
    return out.getvalue()


def _open(sealed: bytes) -> bytes:
    with crypto.open_sealed(io.BytesIO(sealed)) as reader:
        return reader.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_round_trip_at_every_chunk_boundary(size):
    plain = os.urandom(size)
    sealed = _seal(plain)
    assert sealed.startswith(crypto.FILE_MAGIC)
    assert size < 16 or plain[:64] not in sealed
    assert _open(sealed) == plain
    # Small reads (FileResponse reads in blocks) give the same bytes.
    with crypto.open_sealed(io.BytesIO(sealed)) as reader:
        assert b"".join(iter(lambda: reader.read(4096), b"")) == plain


def test_cut_swapped_or_altered_files_do_not_read_short():
    plain = os.urandom(3 * CHUNK + 100)
    sealed = _seal(plain)
    header, step = 19, CHUNK + 16
    cut_at_boundary = sealed[: header + 2 * step]  # two whole chunks, the last one missing
    chunks = [sealed[header + i * step : header + (i + 1) * step] for i in range(3)]
    swapped = sealed[:header] + chunks[1] + chunks[0] + chunks[2] + sealed[header + 3 * step :]
    flipped = bytearray(sealed)
    flipped[header + 5] ^= 1
    for bad in (cut_at_boundary, swapped, bytes(flipped), sealed[:-1]):
        with pytest.raises(crypto.FileDecryptionError):
            _open(bad)
    with pytest.raises(crypto.FileDecryptionError):
        _open(b"PK\x03\x04 plain xlsx")


def test_files_sealed_under_an_older_key_still_open_after_rotation(settings):
    sealed = _seal(b"ledger")
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key(), *settings.FIELD_ENCRYPTION_KEYS]
    crypto._keys.cache_clear()
    try:
        assert _open(sealed) == b"ledger"
        assert _seal(b"x")[4:12] != sealed[4:12]  # new files use the new key
    finally:
        settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[1:]
        crypto._keys.cache_clear()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "15 位一代身份证号已升级为 18 位：340202198001011237",
            "15 位一代身份证号已升级为 18 位：340202********1237",
        ),
        ("现为 17 位「34020219800101123」", "现为 17 位「340202*******1123」"),
        ("340202198001011X", "340202******011X"),
        ("电话号码「138 1234 5678」无效", "电话号码「138****5678」无效"),
        ("电话号码「0553-12345678」无效", "电话号码「0553-****5678」无效"),
        ("电话号码「1395555666」无效", "电话号码「******5666」无效"),
        ("姓名「张13812345678」中含有数字", "姓名「张138****5678」中含有数字"),
        # Row numbers, counts, dates and short codes are no personal data.
        ("与第 1234567 行身份证号重复", "与第 1234567 行身份证号重复"),
        ("1234567 行身份证号的地址码（340202）", "1234567 行身份证号的地址码（340202）"),
        ("入会日期 2023-05-01 晚于今天", "入会日期 2023-05-01 晚于今天"),
        ("", ""),
    ],
)
def test_mask_text(text, masked):
    assert mask_text(text) == masked
