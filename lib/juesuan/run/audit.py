"""`juesuan audit`: run the audit notebook for one unit with papermill and write its reports.

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
import unicodedata
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from juesuan.core.exceptions import JuesuanError
from juesuan.present.html import write_html


def shipped_notebook(name: str) -> Path:
    """A notebook shipped inside the package (``juesuan/notebooks/``, identical to ``notebooks/``)."""
    return Path(str(files("juesuan") / "notebooks" / name))


NOTEBOOK = shipped_notebook("audit_unit.ipynb")
OUTPUT_FILES = ("audit.ipynb", "audit.html", "report.html", "findings.json", "metrics.json", "workpaper.xlsx")
MANIFEST = "unit.json"


class AuditRunError(JuesuanError):
    """The notebook failed for a unit; ``reason`` says why in one line, ``unit`` names it."""

    def __init__(self, unit: str, reason: str):
        super().__init__(f"{unit}: {reason}")
        self.unit = unit
        self.reason = reason


@dataclass
class AuditOutputs:
    unit: str
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0
    warnings: int = 0
    notes: int = 0


def unit_folder_name(source: str | Path) -> str:
    """A safe folder name for a unit, from its file name: no separators, no dots at the start, no
    control characters; Chinese kept."""
    stem = Path(source).stem
    stem = unicodedata.normalize("NFKC", stem)
    stem = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|'`$]", "_", stem)
    stem = re.sub(r"\s+", "_", stem).strip("._ ")
    stem = stem.replace("..", "_")
    return (stem or "unit")[:120]


def find_notebook() -> Path:
    if NOTEBOOK.exists():
        return NOTEBOOK
    raise JuesuanError(f"找不到审核工作簿 {NOTEBOOK}")


def run_audit(source: str | Path, out_root: str | Path, *, unit_name: str | None = None, year: int | None = None,
              extra_tolerance: str = "0", timeout: int = 600, kernel_name: str | None = None,
              document=None, runner=None, folder_name: str | None = None,
              manifest: dict | None = None) -> AuditOutputs:
    """Audit one unit through the notebook and write its reports into ``out_root/<unit>/``.

    ``document`` may carry an already-read :class:`~juesuan.core.model.Document` (a warm worker's): the
    notebook then loads it instead of reading the source again. ``runner`` executes the notebook
    (default: papermill in a fresh kernel; batch workers pass a warm kernel). ``manifest`` is written
    as ``unit.json`` with the outputs, so a resumed batch knows the unit is complete.
    """
    from juesuan.run.kernels import papermill_runner

    start = time.perf_counter()
    source = Path(source).resolve()
    out_root = Path(out_root).resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    unit = folder_name or unit_folder_name(source)
    final = out_root / unit
    work = Path(tempfile.mkdtemp(prefix=f".{unit}.", suffix=".partial", dir=out_root))
    os.chmod(work, 0o755)  # mkdtemp makes it private; the reports are meant to be shared
    run = runner or papermill_runner(kernel_name)
    try:
        cached = ""
        if document is not None:
            cached = str(work / "document.pickle")
            with open(cached, "wb") as fh:
                pickle.dump(document, fh)
        executed = work / "audit.ipynb"
        parameters = {"source": str(source), "output_dir": str(work), "unit_name": unit_name, "year": year,
                      "extra_tolerance_wan": str(extra_tolerance), "cached_model": cached}
        try:
            run(find_notebook(), executed, parameters, NOTEBOOK.parent, timeout)
        except Exception as exc:  # papermill/nbclient/NotebookFailed errors carry the cell's exception
            raise AuditRunError(unit, _notebook_failure(exc)) from exc
        if cached:
            os.remove(cached)
        write_html(executed, work / "audit.html", shareable=False)
        write_html(executed, work / "report.html", shareable=True)
        missing = [name for name in OUTPUT_FILES if not (work / name).exists()]
        if missing:
            raise AuditRunError(unit, f"工作簿没有写出 {', '.join(missing)}")
        outputs = AuditOutputs(unit=unit, folder=final, files={name: final / name for name in OUTPUT_FILES})
        _count_findings(outputs, work)
        outputs.seconds = time.perf_counter() - start
        if manifest is not None:
            import json

            record = {**manifest, "unit": unit, "errors": outputs.errors, "warnings": outputs.warnings,
                      "notes": outputs.notes, "seconds": round(outputs.seconds, 3),
                      "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
            (work / MANIFEST).write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return outputs


def _count_findings(outputs: AuditOutputs, folder: Path) -> None:
    import json

    data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    for f in data["findings"]:
        if f["severity"] == "error":
            outputs.errors += 1
        elif f["severity"] == "warning":
            outputs.warnings += 1
        else:
            outputs.notes += 1


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
    """One line from a papermill failure: the exception the cell raised, not the whole traceback."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
