"""Self-contained HTML pages from an executed notebook: nothing loaded from outside, document text escaped."""

from __future__ import annotations

import copy
import functools
import html
import re
import time
from pathlib import Path

REPORT_HIDDEN_TAGS = ("intro", "parameters", "injected-parameters", "setup", "outputs")

_CSS = """
body { font-family: FONT_STACK;
       margin: 0 auto; max-width: 1200px; padding: 24px; color: #1f2328; line-height: 1.55; }
header.juesuan { border-bottom: 2px solid #4c72b0; margin-bottom: 16px; }
header.juesuan h1 { margin: 0 0 4px 0; font-size: 1.5em; }
header.juesuan p { margin: 0 0 8px 0; color: #57606a; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 12px; font-size: 13px; color: #424a53; }
dl.meta dt { color: #57606a; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
a.anchor-link { display: none; }
.jp-OutputArea-output, .output_html { overflow-x: auto; max-width: 100%; }
th { white-space: nowrap; }
h1, h2, h3 { color: #24292f; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } tr:nth-child(even) td { background: #fbfbfc; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 4px 0; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, FONT_STACK, monospace; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; border-radius: 4px; font-size: 13px; }
img { max-width: 100%; height: auto; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
.jp-Cell { margin-bottom: 10px; }
.jp-InputArea pre, .input_area pre { background: #f0f3f6; }
@media (max-width: 640px) { body { padding: 12px; } dl.meta { grid-template-columns: 1fr; } table { font-size: 12px; } }
@media print { body { max-width: none; padding: 0; } h2, h3 { page-break-after: avoid; } table { page-break-inside: auto; }
               tr, figure, article.finding { page-break-inside: avoid; } .jp-OutputArea-output { overflow: visible; } }
"""


def write_html(notebook: Path, target: Path, *, shareable: bool, heading: str | None = None, nb=None) -> None:
    """Render a notebook to one self-contained HTML file (nothing loaded from outside).

    The shareable report is rendered by the notebook itself from the AuditResult
    (:func:`juesuan.present.report_page.write_report`); when it is already there, it is kept and this
    notebook rendering is only the fallback for a notebook that did not write one.
    ``nb``: the notebook at ``notebook`` already in memory (it is then not read again; not changed).
    """
    import nbformat

    if shareable and _written_by_report_page(target):
        return

    nb = nbformat.read(str(notebook), as_version=4) if nb is None else nb
    if shareable:
        # The shareable report opens with the conclusions; the evidence follows.
        first = [c for c in nb.cells if "findings" in c.metadata.get("tags", [])]
        nb = copy.copy(nb)  # the caller's notebook keeps its order
        nb.cells = first + [c for c in nb.cells if "findings" not in c.metadata.get("tags", [])]
    body, _ = _exporter(shareable).from_notebook_node(nb)
    # The markdown renderer writes non-ASCII headings as numeric references; write them as text
    # (only code points above ASCII: &lt; &amp; &quot; and friends stay escaped).
    body = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))) if int(m.group(1)) > 127 else m.group(0), body)
    body = re.sub(r'<a class="anchor-link"[^>]*>[^<]*</a>', "", body)  # no ¶ marks, on screen or paper
    title = nb.metadata.get("title", "决算公开审核")
    facts = _unit_facts(notebook.parent, nb)
    if heading is None:
        heading = f"{facts['unit']} {facts['year']}年度决算公开审核{'报告' if shareable else '工作底稿'}"
    meta = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts["meta"])
    header = (f"<header class=\"juesuan\"><h1>{html.escape(heading)}</h1><dl class=\"meta\">{meta}</dl>"
              "<p>本页面不引用任何外部资源，可离线打开和打印。</p></header>\n")
    from juesuan.present.fonts import FONT_STACK, font_face_css, visible_text

    css = font_face_css(visible_text(header + body)) + _CSS.replace("FONT_STACK", FONT_STACK)
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(heading or title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{header}{body}\n</body>\n</html>\n"
    )
    from juesuan.core.safe import clean_text, defang_urls

    target.write_text(clean_text(defang_urls(page)), encoding="utf-8")


def warm_up() -> None:
    """Load now what rendering a shareable page will need (nbconvert's exporter and templates, the
    font subsetter), e.g. while a batch's last units still run, rather than when the page is due."""
    _exporter(True)
    from fontTools import subset  # noqa: F401


@functools.lru_cache(maxsize=2)
def _exporter(shareable: bool):
    """One exporter per kind of page, kept: its jinja templates are compiled once per process (a
    batch worker renders two pages per unit; compiling them each time cost ~0.3 CPU-s a unit)."""
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    # The working paper shows the parameters the run really used (the injected cell; every run injects
    # them), not the template's defaults.
    config.TagRemovePreprocessor.remove_cell_tags = set(REPORT_HIDDEN_TAGS) if shareable else {"parameters"}
    config.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    # The notebook is validated once, after the preprocessors, not after each of them (a third of
    # rendering audit.html went to 13 validations of the same notebook).
    config.HTMLExporter.optimistic_validation = True
    exporter = _fast_exporter_class()(config=config, template_name="basic")
    exporter.exclude_input = shareable
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _written_by_report_page(target: Path) -> bool:
    try:
        with open(target, encoding="utf-8") as fh:
            return '<meta name="generator" content="juesuan report">' in fh.read(4096)
    except OSError:
        return False


@functools.lru_cache(maxsize=1)
def _fast_exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.strings import clean_html
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class FastHTMLExporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup pass (tab stops and alt texts), which
        costs more than the whole rendering on a unit's workbook."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("highlight_code", _remembered(
                highlight, lambda source, language=None, metadata=None:
                    (lexer, source, language, (metadata or {}).get("magics_language"))))
            self.register_filter("clean_html", _remembered(clean_html, lambda text: text))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return FastHTMLExporter


_REMEMBERED: dict = {}  # (filter, key) -> its output, for the texts every unit shares
_REMEMBER_LIMIT = 512  # entries kept; a text longer than _REMEMBER_LONGEST is never kept
_REMEMBER_LONGEST = 20_000


def _remembered(function, key_of):
    """A template filter that gives the same output for the same text, remembered across pages: the
    notebook's code cells are the same in every unit, and highlighting them (pygments) and
    sanitising the result (bleach) was ~55 % of rendering a unit's audit.html. Only short texts
    are kept, and only so many."""
    name = getattr(function, "__name__", type(function).__name__)

    def filter_(text, *args, **kw):
        if not isinstance(text, str) or len(text) > _REMEMBER_LONGEST:
            return function(text, *args, **kw)
        key = (name, key_of(text, *args, **kw))
        out = _REMEMBERED.get(key)
        if out is None:
            out = function(text, *args, **kw)
            if len(_REMEMBERED) >= _REMEMBER_LIMIT:
                _REMEMBERED.clear()
            _REMEMBERED[key] = out
        return out

    return filter_


def _unit_facts(folder: Path, nb) -> dict:
    """Unit, year and the header lines (source file, sha256, version, date) of an executed notebook."""
    import json

    from juesuan import __version__

    try:
        data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    parameters = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    source = parameters.get("source") or data.get("source") or ""
    if source and not Path(source).is_absolute():
        source = str((folder / source).resolve()) if (folder / source).exists() else source
    from juesuan.present.report_page import file_sha256

    generated = ("生成", f"juesuan {__version__} · {time.strftime('%Y-%m-%d %H:%M')}")
    if not data and not source:  # not one unit's notebook (the batch summary)
        return {"unit": "", "year": "", "meta": [generated]}
    unit = data.get("unit") or "（未识别单位）"
    year = str(data.get("year") or "")
    meta = [("被审计单位", unit), ("年度", year or "（未识别）"), ("来源文件", Path(source).name if source else "（未知）"),
            ("sha256", file_sha256(source) or "（文件不在原处，未计算）"), generated]
    return {"unit": unit, "year": year, "meta": meta}


