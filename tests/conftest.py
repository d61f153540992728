"""Shared fixtures: the seed document and ways to inject one fault into it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yangquan-bigdata-center-2024.txt"
# ../shared/realdocs beside the checkout; JUESUAN_REALDOCS points elsewhere (a worktree one level deeper)
REALDOCS = Path(os.environ.get("JUESUAN_REALDOCS") or ROOT.parent / "shared" / "realdocs")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def set_cells(text: str, anchor: str, row_start: str, cells: dict[int, str], occurrence: int = 1) -> str:
    """Change cells of one tab-separated row: the ``occurrence``-th row starting with ``row_start``
    after the line ``anchor`` (a table title). Raises if it is not there, so a case cannot go stale."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == anchor), None)
    if start is None:
        raise AssertionError(f"anchor {anchor!r} not in the seed")
    seen = 0
    for i in range(start + 1, len(lines)):
        if lines[i].startswith(row_start):
            seen += 1
            if seen < occurrence:
                continue
            parts = lines[i].split("\t")
            for index, value in cells.items():
                while len(parts) <= index:
                    parts.append("")
                parts[index] = value
            lines[i] = "\t".join(parts)
            return "\n".join(lines)
    raise AssertionError(f"row {row_start!r} not found after {anchor!r}")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace a phrase that occurs exactly once (a case must say precisely what it changes)."""
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"{old!r} occurs {count} times in the seed, expected once")
    return text.replace(old, new)


def replace_after(text: str, anchor: str, old: str, new: str) -> str:
    """Replace the first occurrence of ``old`` after the line ``anchor``."""
    start = text.index("\n" + anchor + "\n")
    position = text.index(old, start)
    return text[:position] + new + text[position + len(old):]


def delete_lines(text: str, first: str, last: str) -> str:
    """Delete the lines from the one equal to ``first`` to the one equal to ``last``, inclusive."""
    lines = text.split("\n")
    a = next(i for i, line in enumerate(lines) if line.strip() == first)
    b = next(i for i in range(a, len(lines)) if lines[i].strip() == last)
    return "\n".join(lines[:a] + lines[b + 1:])


def pytest_configure(config):
    # JUESUAN_MUTANT=name[,name]: run with planted bugs (tests/mutants.py, tests/test_mutants.py).
    if os.environ.get("JUESUAN_MUTANT"):
        import mutants

        mutants.apply(os.environ["JUESUAN_MUTANT"])
