"""Attachments users upload (evidence, minutes, visit records): checked once, here, for every form.

An attachment is accepted only when its size is within the limit, its extension is one of the allowed
kinds *and* its first bytes are that kind's signature (a renamed .exe is refused, whatever it is called).
The stored name is sanitised (no folders, no control or shell characters, at most 100 characters, the
extension kept); the file itself goes to ``core.files.PrivateStorage`` (sealed at rest) and is never
served from a public URL nor executed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.core.files.uploadedfile import UploadedFile

# Each kind: the extensions users give it, its label in messages, and the signatures of its first bytes.
# docx/xlsx are ZIP containers (PK\x03\x04); a legacy .doc/.xls is an OLE2 compound file.
KINDS: dict[str, tuple[tuple[str, ...], str, tuple[bytes, ...]]] = {
    "pdf": ((".pdf",), "PDF", (b"%PDF-",)),
    "docx": ((".docx",), "Word（.docx）", (b"PK\x03\x04",)),
    "xlsx": ((".xlsx",), "Excel（.xlsx）", (b"PK\x03\x04",)),
    "doc": ((".doc",), "Word（.doc）", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "xls": ((".xls",), "Excel（.xls）", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "jpg": ((".jpg", ".jpeg"), "JPG 图片", (b"\xff\xd8\xff",)),
    "png": ((".png",), "PNG 图片", (b"\x89PNG\r\n\x1a\n",)),
    "txt": ((".txt",), "文本", ()),  # no signature; refused if it holds NUL bytes
}
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "jpg", "png")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;$`&]')


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    name: str  # sanitised
    kind: str
    content_type: str
    size: int
    sha256: str


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain",
}


def kinds_label(kinds: tuple[str, ...]) -> str:
    return "、".join(KINDS[k][1] for k in kinds)


def sanitize_name(name: str, fallback: str = "附件") -> str:
    """The file's own name without folders or characters a shell, a URL or Windows chokes on."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem[: 100 - len(ext) - 1] or fallback
    return f"{stem}.{ext.lower()}" if ext else stem


def check_upload(
    upload: UploadedFile, kinds: tuple[str, ...] = EVIDENCE_KINDS, max_bytes: int = DEFAULT_MAX_BYTES
) -> CheckedUpload:
    """The upload checked (size, extension, signature) or a ``forms.ValidationError`` in Chinese naming
    the file and what is wrong."""
    name = sanitize_name(upload.name or "")
    if not upload.size:
        raise forms.ValidationError(f"「{name}」是空文件")
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"「{name}」有 {upload.size / 1048576:.1f} MB，超过 {max_bytes // 1048576} MB 的上限"
        )
    lower = name.lower()
    kind = next((k for k in kinds if lower.endswith(KINDS[k][0])), None)
    if kind is None:
        raise forms.ValidationError(f"「{name}」的类型不允许，只能上传{kinds_label(kinds)}文件")
    upload.seek(0)
    head = upload.read(8)
    signatures = KINDS[kind][2]
    if signatures and not any(head.startswith(s) for s in signatures):
        raise forms.ValidationError(f"「{name}」的内容不是{KINDS[kind][1]}文件（扩展名与内容不符）")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        if kind == "txt" and b"\x00" in chunk:
            raise forms.ValidationError(f"「{name}」不是文本文件")
        digest.update(chunk)
    upload.seek(0)
    upload.name = name
    return CheckedUpload(upload, name, kind, CONTENT_TYPES[kind], upload.size, digest.hexdigest())


class AttachmentField(forms.FileField):
    """A form field that runs :func:`check_upload`; ``cleaned_data`` holds a :class:`CheckedUpload`."""

    def __init__(
        self, *, kinds: tuple[str, ...] = EVIDENCE_KINDS, max_bytes: int = DEFAULT_MAX_BYTES, **kwargs
    ):
        self.kinds, self.max_bytes = kinds, max_bytes
        kwargs.setdefault("help_text", f"{kinds_label(kinds)}，单个文件不超过 {max_bytes // 1048576} MB")
        kwargs.setdefault("error_messages", {"invalid": "文件无法读取，请重新选择", "empty": "文件是空的"})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or not isinstance(upload, UploadedFile):
            return None
        return check_upload(upload, self.kinds, self.max_bytes)
