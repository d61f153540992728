"""The auditor's review (复核结论 and 复核意见) of each finding, kept across re-runs.

A finding has a stable id (:func:`juesuan.rules.base.finding_id`). An auditor records 确认 / 排除 / 待定
and a note against that id, in workpaper.xlsx's findings sheet or in a review CSV (columns 编号,
复核结论, 复核意见). A run reads them back: each finding carries its status; 排除 findings stay
listed but leave the counts and the exit code; an entry whose finding no longer appears is stale
and is listed as such (and kept, so it applies again should the finding come back).

Review sources are layered, later ones winning per id: the unit's previous workpaper.xlsx (the
review carries forward), ``<input stem>.review.csv`` beside the input, the one found in
``--review-dir``, and ``--review FILE``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.core.exceptions import JuesuanError
from juesuan.core.normalize import decode_text

CONFIRMED, DISMISSED, PENDING, UNREVIEWED = "确认", "排除", "待定", "未复核"
STATUSES = (CONFIRMED, DISMISSED, PENDING)
_SYNONYMS = {
    "确认": CONFIRMED, "confirmed": CONFIRMED, "confirm": CONFIRMED, "accept": CONFIRMED, "accepted": CONFIRMED,
    "排除": DISMISSED, "dismissed": DISMISSED, "dismiss": DISMISSED, "excluded": DISMISSED, "exclude": DISMISSED,
    "待定": PENDING, "pending": PENDING, "open": PENDING,
}
ID_HEADERS = ("编号", "id", "finding_id")
STATUS_HEADERS = ("复核结论", "status")
NOTE_HEADERS = ("复核意见", "note")
FINDINGS_SHEET = "发现"
STALE_SHEET = "失效的复核记录"
REVIEW_COLUMNS = ["编号", "复核结论", "复核意见", "规则", "说明", "位置"]


class ReviewError(JuesuanError):
    """A review file that cannot be read."""


@dataclass
class ReviewEntry:
    id: str
    status: str
    note: str = ""
    rule: str = ""
    message: str = ""
    where: str = ""
    source: str = ""


@dataclass
class Review:
    entries: dict[str, ReviewEntry] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def entry(self, finding_id: str) -> ReviewEntry | None:
        return self.entries.get(finding_id)

    def status(self, finding_id: str) -> str:
        e = self.entries.get(finding_id)
        return e.status if e else UNREVIEWED

    def stale(self, finding_ids) -> list[ReviewEntry]:
        present = set(finding_ids)
        return [e for fid, e in self.entries.items() if fid not in present]

    def merge(self, other: "Review") -> "Review":
        self.entries.update(other.entries)
        self.sources.extend(s for s in other.sources if s not in self.sources)
        self.problems.extend(other.problems)
        return self


def _status(text: str) -> str | None:
    key = (text or "").strip()
    return _SYNONYMS.get(key) or _SYNONYMS.get(key.lower())


def _from_rows(rows: list[list], source: str) -> Review:
    """Entries from a header row (somewhere in the first rows) and the rows under it."""
    review = Review(sources=[source])
    header_at = None
    for i, row in enumerate(rows[:15]):
        names = [str(c).strip() if c is not None else "" for c in row]
        if any(n in ID_HEADERS for n in names) and any(n in STATUS_HEADERS for n in names):
            header_at = i
            break
    if header_at is None:
        return review
    names = [str(c).strip() if c is not None else "" for c in rows[header_at]]

    def col(candidates):
        return next((names.index(n) for n in candidates if n in names), None)

    i_id, i_status, i_note = col(ID_HEADERS), col(STATUS_HEADERS), col(NOTE_HEADERS)
    i_rule, i_msg, i_where = col(("规则", "rule")), col(("说明", "message")), col(("位置", "where"))

    def get(row, index):
        if index is None or index >= len(row) or row[index] is None:
            return ""
        return str(row[index]).strip()

    for row in rows[header_at + 1:]:
        fid = get(row, i_id).lstrip("'")
        raw_status, note = get(row, i_status).lstrip("'"), get(row, i_note).lstrip("'")
        if not fid or not (raw_status or note):
            continue
        status = _status(raw_status) if raw_status else PENDING
        if status is None:
            review.problems.append(f"{fid}：复核结论“{raw_status}”不是 确认/排除/待定 之一，按待定处理")
            status = PENDING
        review.entries[fid] = ReviewEntry(fid, status, note, get(row, i_rule), get(row, i_msg), get(row, i_where),
                                          source)
    return review


def read_review(path: str | Path) -> Review:
    """The entries of one review file: a CSV, or an xlsx (a workpaper's findings sheet and its stale sheet)."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                names = [n for n in (FINDINGS_SHEET, STALE_SHEET) if n in wb.sheetnames] or wb.sheetnames[:1]
                review = Review(sources=[str(path)])
                for name in names:
                    review.merge(_from_rows([list(r) for r in wb[name].iter_rows(values_only=True)], str(path)))
                review.sources = [str(path)]
                return review
            finally:
                wb.close()
        data = path.read_bytes()
        text = decode_text(data)
        if text is None:
            raise ReviewError(f"{path}: 复核文件编码无法识别（请存为 UTF-8 CSV）")
        return _from_rows(list(csv.reader(io.StringIO(text))), str(path))
    except ReviewError:
        raise
    except Exception as exc:
        raise ReviewError(f"{path}: 复核文件无法读取（{type(exc).__name__}）") from exc


def load(paths) -> Review:
    """The layered review of ``paths`` (a path, a list of paths, or empty); missing files are skipped."""
    if not paths:
        return Review()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    review = Review()
    for p in paths:
        if p and Path(p).is_file():
            review.merge(read_review(p))
    return review


def beside(source: str | Path) -> Path | None:
    """``<stem>.review.csv`` (or ``.review.xlsx``) beside the input, when there is one."""
    source = Path(source)
    for candidate in (source.with_name(source.stem + ".review.csv"), source.with_name(source.stem + ".review.xlsx")):
        if candidate.is_file():
            return candidate
    return None


def external_sources(source: str | Path, *, explicit: str | Path | None = None, review_dir: str | Path | None = None,
                     unit: str | None = None) -> list[str]:
    """The review files named from outside (``--review-dir``'s match, then ``--review``), absolute paths."""
    source = Path(source)
    found: list[Path] = []
    if review_dir:
        folder = Path(review_dir)
        names = [source.stem + ".review.csv", source.stem + ".review.xlsx"]
        if unit:
            names += [unit + ".review.csv", unit + ".review.xlsx", f"{unit}/workpaper.xlsx"]
        for name in names:
            if (folder / name).is_file():
                found.append(folder / name)
                break
    if explicit:
        if not Path(explicit).is_file():
            raise ReviewError(f"{explicit}: 复核文件不存在")
        found.append(Path(explicit))
    return [str(p.resolve()) for p in found]


def review_sources(source: str | Path, *, explicit: str | Path | None = None, review_dir: str | Path | None = None,
                   unit: str | None = None, previous: str | Path | None = None) -> list[str]:
    """Every review file that applies to one input, lowest precedence first: the previous workpaper,
    the file beside the input, then the external ones."""
    layers = [Path(previous)] if previous and Path(previous).is_file() else []
    near = beside(source)
    if near is not None:
        layers.append(near)
    unique: list[str] = []
    for text in [str(p.resolve()) for p in layers] + external_sources(source, explicit=explicit,
                                                                       review_dir=review_dir, unit=unit):
        if text in unique:
            unique.remove(text)
        unique.append(text)
    return unique


def annotate(data: dict, review: Review) -> dict:
    """The findings JSON with each finding's ``review`` ({status, note}), and at the top
    ``review`` (sources, counts by status, stale entries, problems) and ``counts`` (by severity, 排除 left out)."""
    for f in data["findings"]:  # ids are unique already (engine: juesuan.rules.base.unique_ids)
        entry = review.entry(f["id"])
        f["review"] = {"status": entry.status if entry else UNREVIEWED, "note": entry.note if entry else ""}
    ids = [f["id"] for f in data["findings"]]
    by_status = {s: 0 for s in (*STATUSES, UNREVIEWED)}
    for f in data["findings"]:
        by_status[f["review"]["status"]] += 1
    data["counts"] = effective_counts(data["findings"])
    data["review"] = {
        "sources": [Path(s).name for s in review.sources],
        "by_status": by_status,
        "stale": [{"id": e.id, "status": e.status, "note": e.note, "rule": e.rule, "message": e.message,
                   "where": e.where} for e in review.stale(ids)],
        "problems": list(review.problems),
    }
    return data


def effective_counts(findings: list[dict]) -> dict[str, int]:
    """Findings by severity, those the review dismissed (排除) left out."""
    counts = {"error": 0, "warning": 0, "note": 0}
    for f in findings:
        if (f.get("review") or {}).get("status") == DISMISSED:
            continue
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return counts


def digest(source: str | Path, *, review_dir=None, unit: str | None = None, out=None) -> str:
    """A short hash of the review entries that apply to one unit (all layers, the previous workpaper
    included): a resumed batch redoes a unit whose review changed. Empty when there is none."""
    import hashlib

    try:
        previous = Path(out) / unit / "workpaper.xlsx" if out and unit else None
        review = load(review_sources(source, review_dir=review_dir, unit=unit, previous=previous))
    except JuesuanError:
        return "unreadable"
    if not review.entries:
        return ""
    text = "\n".join(f"{e.id}\t{e.status}\t{e.note}" for e in sorted(review.entries.values(), key=lambda e: e.id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
