"""Readers turn a source file into a :class:`~juesuan.core.model.Document`."""

from __future__ import annotations

from pathlib import Path

from juesuan.core.exceptions import InputError
from juesuan.core.model import Document

#: Bounds on what one unit may cost. A disclosure runs to some dozens of pages; a file far beyond
#: these is not one, and reading it would hold a batch worker for minutes.
MAX_PDF_PAGES = 300
MAX_PDF_BYTES = 200 * 1024 * 1024


def read_document(path: str | Path) -> Document:
    """Read a disclosure from a text export (``.txt``) or a PDF; raises InputError with the reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), "文件不存在", "not_found")
    if p.is_dir():
        raise InputError(str(p), "这是一个文件夹，不是文件", "unsupported")
    suffix = p.suffix.lower()
    if suffix in (".txt", ".text"):
        from juesuan.extract.text import read_text_file

        return read_text_file(p)
    if suffix == ".pdf":
        _check_pdf_bounds(p)
        try:
            from juesuan.extract.pdf import read_pdf_file
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise InputError(str(p), f"暂不支持读取 PDF：{exc}", "unsupported") from exc
        return read_pdf_file(p)
    raise InputError(str(p), f"不支持的文件类型“{suffix or '无扩展名'}”（支持 .txt 文本导出和 .pdf）", "unsupported")


def _check_pdf_bounds(path: Path) -> None:
    """Refuse a PDF that is too large before any page is read (broken files are left to the reader)."""
    size = path.stat().st_size
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
