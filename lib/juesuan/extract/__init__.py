"""Readers turn a source file into a :class:`~juesuan.core.model.Document`."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
from pathlib import Path

from juesuan.core.exceptions import InputError
from juesuan.core.model import Document

#: Bounds on what one unit may cost. A disclosure runs to some dozens of pages; a file far beyond
#: these is not one, and reading it would hold a batch worker for minutes.
MAX_PDF_PAGES = 300
MAX_PDF_BYTES = 200 * 1024 * 1024


def read_document(path: str | Path) -> Document:
    """Read a disclosure from a text export (``.txt``) or a PDF; raises InputError with the reason.

    The file is looked at (``stat``) before it is opened: only a regular file is read, so a FIFO,
    a device or a socket is refused at once instead of blocking or streaming for ever.
    """
    with _no_cyclic_gc():
        return _read(Path(path))


@contextlib.contextmanager
def _no_cyclic_gc():
    """Python's cyclic garbage collector paused while a document is read (restored after, as it was).

    Reading makes hundreds of thousands of small objects (a dict per character, a tuple per box),
    which trigger collection after collection; each walks every object the process holds. In a
    batch worker that has run notebooks (pandas, matplotlib, IPython in memory) this took a
    171-page unit's reading from ~2.7 to ~4.7 CPU-s. Reading makes no reference cycles worth
    collecting mid-way; whatever it leaves is collected once the collector runs again. The pause is
    process-wide: other threads do not collect cycles meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(p: Path) -> Document:
    info = _stat_regular(p)
    suffix = p.suffix.lower()
    if suffix in (".txt", ".text"):
        from juesuan.extract.text import read_text_file

        return read_text_file(p)
    if suffix == ".pdf":
        _check_pdf_bounds(p, info.st_size)
        try:
            from juesuan.extract.pdf import read_pdf_file
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise InputError(str(p), f"暂不支持读取 PDF：{exc}", "unsupported") from exc
        return read_pdf_file(p)
    raise InputError(str(p), f"不支持的文件类型“{suffix or '无扩展名'}”（支持 .txt 文本导出和 .pdf）", "unsupported")


#: What a path that is not a regular file is, by its ``stat`` mode.
_SPECIAL_FILES = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
                  (stat.S_ISSOCK, "套接字"))


def special_file_kind(mode: int) -> str | None:
    """The Chinese name of a special file's kind (FIFO, device, socket), None for a regular file or folder."""
    return next((name for test, name in _SPECIAL_FILES if test(mode)), None)


def _stat_regular(p: Path) -> os.stat_result:
    """``stat`` the path and refuse anything but a regular file, without opening it."""
    try:
        info = p.stat()
    except FileNotFoundError:
        reason = "符号链接指向的文件不存在" if p.is_symlink() else "文件不存在"
        raise InputError(str(p), reason, "not_found") from None
    except OSError as exc:
        raise InputError(str(p), f"无法读取文件：{exc.strerror or exc}", "unreadable") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(str(p), "这是一个文件夹，不是文件", "unsupported")
    kind = special_file_kind(info.st_mode)
    if kind or not stat.S_ISREG(info.st_mode):
        raise InputError(str(p), f"不是普通文件（{kind or '特殊文件'}），不读取", "not_regular")
    return info


def _check_pdf_bounds(path: Path, size: int) -> None:
    """Refuse a PDF that is too large before any page is read (broken files are left to the reader)."""
    if size > MAX_PDF_BYTES:
        raise InputError(str(path), f"文件过大（{size // 1024 // 1024} MB，上限 {MAX_PDF_BYTES // 1024 // 1024} MB）", "too_large")
    try:
        import pypdfium2

        document = pypdfium2.PdfDocument(str(path))
        try:
            pages = len(document)
        finally:
            document.close()
    except Exception:
        return
    if pages > MAX_PDF_PAGES:
        raise InputError(str(path), f"页数过多（{pages} 页，上限 {MAX_PDF_PAGES} 页），不像是一份决算公开文件", "too_large")
