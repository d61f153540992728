"""`juesuan audit`: run the audit notebook for one unit with papermill and write its reports.

Writes ``OUT/<unit>/``: ``audit.ipynb`` (executed), ``audit.html`` (everything), ``report.html`` (the
shareable version: no code, conclusions first, then the evidence), ``findings.json`` (the
`juesuan check` JSON) and ``workpaper.xlsx``. The HTML loads nothing from outside: no script, font
or style from a CDN; charts are embedded. Everything is built in a temporary folder beside the
target and swapped in at the end, so a failed run never leaves a half report and never overwrites
an earlier good one.
"""

from __future__ import annotations

import functools
import html
import os
import pickle
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import JuesuanError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "audit_unit.ipynb"
REPORT_HIDDEN_TAGS = ("intro", "parameters", "injected-parameters", "setup", "outputs")
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


def default_kernel() -> str:
    """The project's own kernel (registered by `make`) where it exists, else the running Python's."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("juesuan")
    except NoSuchKernel:
        return "python3"
    # Only when it is this environment's kernel: another venv's "juesuan" would miss our package.
    return "juesuan" if spec.argv and Path(spec.argv[0]).resolve().parent == Path(os.sys.executable).resolve().parent else "python3"


def find_notebook() -> Path:
    if NOTEBOOK.exists():
        return NOTEBOOK
    raise JuesuanError(f"找不到审核工作簿 {NOTEBOOK}")


def run_audit(source: str | Path, out_root: str | Path, *, unit_name: str | None = None, year: int | None = None,
              extra_tolerance: str = "0", timeout: int = 600, kernel_name: str | None = None,
              document=None, runner=None, folder_name: str | None = None,
              manifest: dict | None = None) -> AuditOutputs:
    """Audit one unit through the notebook and write its reports into ``out_root/<unit>/``.

    ``document`` may carry an already-read :class:`~juesuan.model.Document` (a warm worker's): the
    notebook then loads it instead of reading the source again. ``runner`` executes the notebook
    (default: papermill in a fresh kernel; batch workers pass a warm kernel). ``manifest`` is written
    as ``unit.json`` with the outputs, so a resumed batch knows the unit is complete.
    """
    from .execute import papermill_runner

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


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 24px; color: #1f2328; line-height: 1.55; }
header.juesuan { border-bottom: 2px solid #4c72b0; margin-bottom: 16px; }
header.juesuan h1 { margin: 0 0 4px 0; font-size: 1.5em; }
header.juesuan p { margin: 0 0 8px 0; color: #57606a; }
h1, h2, h3 { color: #24292f; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } tr:nth-child(even) td { background: #fbfbfc; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 4px 0; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; border-radius: 4px; font-size: 13px; }
img { max-width: 100%; height: auto; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
.jp-Cell { margin-bottom: 10px; }
.jp-InputArea pre, .input_area pre { background: #f0f3f6; }
@media print { body { max-width: none; padding: 0; } h2 { page-break-after: avoid; } table { page-break-inside: auto; }
               tr { page-break-inside: avoid; } }
"""


def write_html(notebook: Path, target: Path, *, shareable: bool, heading: str | None = None) -> None:
    """Render a notebook to one self-contained HTML file (nothing loaded from outside)."""
    import nbformat
    from traitlets.config import Config

    _FastHTMLExporter = _fast_exporter_class()

    nb = nbformat.read(str(notebook), as_version=4)
    if shareable:
        # The shareable report opens with the conclusions; the evidence follows.
        first = [c for c in nb.cells if "findings" in c.metadata.get("tags", [])]
        nb.cells = first + [c for c in nb.cells if "findings" not in c.metadata.get("tags", [])]
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REPORT_HIDDEN_TAGS) if shareable else {"injected-parameters"}
    config.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    exporter = _FastHTMLExporter(config=config, template_name="basic")
    exporter.exclude_input = shareable
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    # The markdown renderer writes non-ASCII headings as numeric references; write them as text
    # (only code points above ASCII: &lt; &amp; &quot; and friends stay escaped).
    body = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))) if int(m.group(1)) > 127 else m.group(0), body)
    title = nb.metadata.get("title", "决算公开审核")
    if heading is None:
        unit, year = _unit_and_year(notebook.parent)
        heading = f"{unit} {year}年度决算公开审核{'报告' if shareable else '工作底稿'}"
    generated = time.strftime("%Y-%m-%d %H:%M")
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(heading or title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header class=\"juesuan\"><h1>{html.escape(heading)}</h1>"
        f"<p>由 juesuan 生成于 {generated}。本页面不引用任何外部资源，可离线打开和打印。</p></header>\n"
        f"{body}\n</body>\n</html>\n"
    )
    target.write_text(_defang_urls(page), encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _fast_exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class FastHTMLExporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup pass (tab stops and alt texts), which
        costs more than the whole rendering on a unit's workbook."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return FastHTMLExporter


def _unit_and_year(folder: Path) -> tuple[str, str]:
    import json

    try:
        data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
        return data.get("unit") or "（未识别单位）", str(data.get("year") or "")
    except (OSError, ValueError):
        return "（未识别单位）", ""


def _defang_urls(page: str) -> str:
    """No http(s) reference survives: a shared report must not fetch, nor link out from document text."""
    return re.sub(r"(?i)\b(https?)://", lambda m: f"{m.group(1)}[:]//", page)
