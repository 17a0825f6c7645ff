"""Files that hold personal data: sealed at rest, readable only by their owner process, kept for a while.

``PrivateStorage`` is a ``FileSystemStorage`` under ``PRIVATE_FILES_ROOT`` (never under a served URL)
that seals every file it saves with the field keys (``crypto.encrypt_file``: AES-256-GCM in chunks)
and writes it 0600 in 0700 folders; ``open()`` gives the plain bytes back as a stream. Models use it
with ``FileField(storage=private_storage)``; views hand it out with ``sealed_response`` only after
their own scope and permission checks, and audit the download.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

from . import crypto

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class PrivateStorage(FileSystemStorage):
    def __init__(self, location=None):
        self._root = location  # None: PRIVATE_FILES_ROOT, read when used
        super().__init__(
            location=location,
            base_url=None,
            file_permissions_mode=FILE_MODE,
            directory_permissions_mode=DIRECTORY_MODE,
        )

    # The root follows the setting (tests point it at a temporary folder), like MEDIA_ROOT does.
    @property
    def base_location(self):
        return self._value_or_setting(self._root, settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("加密存储的文件没有公开地址，只能经有权限检查的页面下载")

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, mode=DIRECTORY_MODE, exist_ok=True)
        # makedirs gives intermediate folders the default mode: close every level up to the root.
        root, level = Path(self.location), Path(directory)
        while True:
            if stat.S_IMODE(level.stat().st_mode) != DIRECTORY_MODE:
                os.chmod(level, DIRECTORY_MODE)
            if level == root or root not in level.parents:
                break
            level = level.parent
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        while True:
            try:
                fd = os.open(full_path, flags, FILE_MODE)
                break
            except FileExistsError:
                name = self.get_available_name(name)
                full_path = self.path(name)
        try:
            with os.fdopen(fd, "wb") as target:
                if hasattr(content, "seek") and content.seekable():
                    content.seek(0)
                crypto.encrypt_file(content, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(full_path)
            raise
        os.chmod(full_path, FILE_MODE)  # whatever the umask
        return str(name).replace("\\", "/")

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("加密存储的文件只能整体保存，不能原地改写")
        return SealedFile(self, name)


class SealedFile(File):
    """The plain stream of one sealed file; ``open()`` again starts it over (FieldFile.open reuses it)."""

    def __init__(self, storage: PrivateStorage, name: str):
        self._storage = storage
        self._sealed_name = name
        super().__init__(self._stream(name), name)

    def _stream(self, name: str):
        return crypto.open_sealed(open(self._storage.path(name), "rb"))  # closed with this File

    def open(self, mode=None, *args, **kwargs):
        if self.closed:
            self.file = self._stream(self._sealed_name)
        return self


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    """The callable models name as their storage (so migrations do not record a path)."""
    return private_storage


@contextlib.contextmanager
def plain_copy(field_file, suffix: str = "") -> Iterator[str]:
    """A plain temporary copy (0600, deleted on exit) for readers that need a path."""
    with field_file.storage.open(field_file.name) as source:
        handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
        try:
            with handle:
                shutil.copyfileobj(source, handle, crypto.FILE_CHUNK)
            yield handle.name
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(handle.name)


def copy_out(field_file, target: Path | str) -> None:
    """Write the plain bytes to ``target`` (an operator asked for them on the command line), 0600."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with field_file.storage.open(field_file.name) as source, os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(source, out, crypto.FILE_CHUNK)


def open_plain(field_file):
    """The plain stream of a sealed file, or Http404 when it is gone or cannot be opened (a file deleted
    by hand, a damaged file, a key no longer configured): never a 500 with a traceback."""
    try:
        return field_file.storage.open(field_file.name).file
    except FileNotFoundError:
        raise Http404("文件已不存在") from None
    except crypto.FileDecryptionError as exc:
        raise Http404(f"文件无法读取：{exc}") from None


def sealed_response(field_file, filename: str) -> FileResponse:
    """Stream the plain bytes as a download. Callers check scope and permission and audit first."""
    response = FileResponse(open_plain(field_file), as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def seal_legacy_file(field_file, legacy_root: Path | str) -> bool:
    """A file written before files were sealed (plain, under ``legacy_root``, i.e. MEDIA_ROOT): seal it
    into the private storage under the same name and remove the plain copy. True if one was moved."""
    plain = Path(legacy_root) / field_file.name
    target = Path(field_file.storage.path(field_file.name))
    if not field_file.name or target.exists() or not plain.is_file():
        return False
    with open(plain, "rb") as handle:
        stored = field_file.storage.save(field_file.name, File(handle))
    if stored != field_file.name:  # pragma: no cover - the target did not exist a moment ago
        raise RuntimeError(f"加密保存「{field_file.name}」时文件名发生变化")
    plain.unlink()
    return True
