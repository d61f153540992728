"""Readers turn a source file into a :class:`~juesuan.model.Document`."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import InputError
from ..model import Document


def read_document(path: str | Path) -> Document:
    """Read a disclosure from a text export (``.txt``) or a PDF; raises InputError with the reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), "文件不存在", "not_found")
    if p.is_dir():
        raise InputError(str(p), "这是一个文件夹，不是文件", "unsupported")
    suffix = p.suffix.lower()
    if suffix in (".txt", ".text"):
        from .text import read_text_file

        return read_text_file(p)
    if suffix == ".pdf":
        try:
            from .pdf import read_pdf_file
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise InputError(str(p), f"暂不支持读取 PDF：{exc}", "unsupported") from exc
        return read_pdf_file(p)
    raise InputError(str(p), f"不支持的文件类型“{suffix or '无扩展名'}”（支持 .txt 文本导出和 .pdf）", "unsupported")
