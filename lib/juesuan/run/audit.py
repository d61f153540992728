"""`juesuan audit`: run the audit notebook for one unit (nbclient, a fresh or a warm kernel) and write its reports.

Writes ``OUT/<unit>/``: ``audit.ipynb`` (executed), ``audit.html`` (everything), ``report.html`` (the
shareable version: no code, conclusions first, then the evidence), ``findings.json`` (the
`juesuan check` JSON) and ``workpaper.xlsx``. The HTML loads nothing from outside: no script, font
or style from a CDN; charts are embedded. Everything is built in a temporary folder beside the
target and swapped in at the end, so a failed run never leaves a half report and never overwrites
an earlier good one.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from juesuan.core.exceptions import AuditRunError, JuesuanError  # noqa: F401 - AuditRunError re-exported
from juesuan.present.html import write_html


def shipped_notebook(name: str) -> Path:
    """A notebook shipped inside the package (``juesuan/notebooks/``, identical to ``notebooks/``)."""
    return Path(str(files("juesuan") / "notebooks" / name))


NOTEBOOK = shipped_notebook("audit_unit.ipynb")
OUTPUT_FILES = ("audit.ipynb", "audit.html", "report.html", "findings.json", "metrics.json", "workpaper.xlsx")
MANIFEST = "unit.json"


@dataclass
class AuditOutputs:
    unit: str
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0  # counts leave out the findings the review dismissed (排除)
    warnings: int = 0
    notes: int = 0
    dismissed: int = 0
    stale: int = 0  # review entries whose finding no longer appears
    review: dict = field(default_factory=dict)  # findings.json's "review" block


def unit_folder_name(source: str | Path) -> str:
    """A safe folder name for a unit, from its file name: no separators, no dots at the start, no
    control, bidi or format characters, at most FOLDER_NAME_BYTES bytes; Chinese kept."""
    from juesuan.core.safe import safe_filename

    return safe_filename(Path(source).stem, max_bytes=FOLDER_NAME_BYTES, fallback="unit")


#: A unit folder name's limit in UTF-8 bytes. File systems allow 255 bytes per name; the batch adds
#: ``-<8 hex>`` to tell apart two inputs of one name, and the swap adds ``.<name>.old-<pid>-<ns>``.
FOLDER_NAME_BYTES = 200


def _cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore").rstrip("._ ") or "unit"


def find_notebook() -> Path:
    if NOTEBOOK.exists():
        return NOTEBOOK
    raise JuesuanError(f"找不到审核工作簿 {NOTEBOOK}")


def run_audit(source: str | Path, out_root: str | Path, *, unit_name: str | None = None, year: int | None = None,
              extra_tolerance: str = "0", timeout: int = 600, kernel_name: str | None = None,
              document=None, runner=None, folder_name: str | None = None,
              manifest: dict | None = None, review: str | Path | None = None,
              review_dir: str | Path | None = None) -> AuditOutputs:
    """Audit one unit through the notebook and write its reports into ``out_root/<unit>/``.

    ``document`` may carry an already-read :class:`~juesuan.core.model.Document` (a warm worker's): the
    notebook then loads it instead of reading the source again. ``runner`` executes the notebook
    (default: a fresh kernel; batch workers pass a warm kernel). ``manifest`` is written
    as ``unit.json`` with the outputs, so a resumed batch knows the unit is complete.

    The auditor's review (:mod:`juesuan.present.review`) is layered from the unit's previous
    workpaper.xlsx, ``<stem>.review.csv`` beside the input, ``review_dir`` and ``review``; findings
    marked 排除 stay listed but leave the counts.
    """
    from juesuan.present.review import external_sources
    from juesuan.run.kernels import fresh_kernel_runner

    start = time.perf_counter()
    source = Path(source).resolve()
    out_root = Path(out_root).resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    unit = folder_name or unit_folder_name(source)
    final = out_root / unit
    reviews = external_sources(source, explicit=review, review_dir=review_dir, unit=unit)
    work = Path(tempfile.mkdtemp(prefix=f".{unit}.", suffix=".partial", dir=out_root))
    os.chmod(work, 0o755)  # mkdtemp makes it private; the reports are meant to be shared
    run = runner or fresh_kernel_runner(kernel_name)
    try:
        cached = ""
        if document is not None:
            cached = str(work / "document.pickle")
            with open(cached, "wb") as fh:
                pickle.dump(document, fh)
        if (final / "workpaper.xlsx").is_file():  # the review recorded there carries forward
            shutil.copy2(final / "workpaper.xlsx", work / "workpaper.xlsx")
        executed = work / "audit.ipynb"
        parameters = {"source": str(source), "output_dir": str(work), "unit_name": unit_name, "year": year,
                      "extra_tolerance_wan": str(extra_tolerance), "cached_model": cached,
                      "review_file": reviews or ""}
        try:
            nb = run(find_notebook(), executed, parameters, NOTEBOOK.parent, timeout)
        except Exception as exc:  # nbclient/NotebookFailed errors carry the cell's exception
            raise AuditRunError(unit, _notebook_failure(exc)) from exc
        if cached:
            os.remove(cached)
        nb = deliver_notebook(executed, nb)
        write_html(executed, work / "audit.html", shareable=False, nb=nb)
        write_html(executed, work / "report.html", shareable=True, nb=nb)
        if source.suffix.lower() == ".pdf" and source.name not in OUTPUT_FILES:
            # the reports link each finding to its page (name.pdf#page=N): the PDF travels with them
            shutil.copy2(source, work / source.name)
        missing = [name for name in OUTPUT_FILES if not (work / name).exists()]
        if missing:
            raise AuditRunError(unit, f"工作簿没有写出 {', '.join(missing)}")
        outputs = AuditOutputs(unit=unit, folder=final, files={name: final / name for name in OUTPUT_FILES})
        _count_findings(outputs, work)
        outputs.seconds = time.perf_counter() - start
        if manifest is not None:
            import json

            record = {**manifest, "unit": unit, "errors": outputs.errors, "warnings": outputs.warnings,
                      "notes": outputs.notes, "dismissed": outputs.dismissed, "stale": outputs.stale,
                      "review_by_status": outputs.review.get("by_status", {}), "seconds": round(outputs.seconds, 3),
                      "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
                      "outputs": {name: file_sha256(work / name) for name in OUTPUT_FILES}}  # checked by --resume
            from juesuan.core.safe import clean_json

            (work / MANIFEST).write_text(json.dumps(clean_json(record), ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return outputs


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count_findings(outputs: AuditOutputs, folder: Path) -> None:
    """The counts by severity, leaving out what the review dismissed (排除), and the review's tally."""
    import json

    from juesuan.present.review import DISMISSED, effective_counts

    data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    counts = effective_counts(data["findings"])
    outputs.errors, outputs.warnings, outputs.notes = counts["error"], counts["warning"], counts["note"]
    outputs.dismissed = sum(1 for f in data["findings"] if (f.get("review") or {}).get("status") == DISMISSED)
    outputs.review = data.get("review") or {}
    outputs.stale = len(outputs.review.get("stale") or [])


KERNELSPEC = {"display_name": "juesuan (Python)", "language": "python", "name": "juesuan"}


def deliver_notebook(path: Path, nb=None):
    """Make the executed notebook work where it is delivered: in its injected parameters cell the
    temporary output folder becomes ``"."`` (the notebook's own folder, where Lab starts its kernel)
    and the worker's cached model (deleted after the run) becomes ``""``; its kernel is the project's.
    ``nb``: the executed notebook when the runner returned it (else read from ``path``); returned."""
    import nbformat

    if nb is None:
        nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = re.sub(r'(?m)^output_dir = .*$',
                                 'output_dir = "."  # 运行时写在临时文件夹，交付后即本笔记本所在的文件夹', cell.source)
            cell.source = re.sub(r'(?m)^cached_model = .*$',
                                 'cached_model = ""  # 运行时用过的已读模型已删除；重新运行时读取 source', cell.source)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, str(path))
    return nb


def _swap_in(work: Path, final: Path) -> None:
    """Replace ``final`` by ``work`` with renames only, so a reader sees the old or the new, never half."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(final, old)
    os.replace(work, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _notebook_failure(exc: Exception) -> str:
    """One line from a notebook failure: the exception the cell raised, not the whole traceback."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
