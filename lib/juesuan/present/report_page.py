"""report.html, the shareable report, rendered straight from an :class:`~juesuan.engine.AuditResult`.

Built for its reader: a header naming the unit, the year, the source file and its sha256, the juesuan
version and date; the conclusion; the findings by severity, each with its Chinese rule title, the
message, 应为/实为/差额, the quote and the page it is on (an image of the region, the figure boxed in
red, and a ``source.pdf#page=N`` link); rounding notes folded one ``<details>`` per rule; the evidence
(tables, every comparison, the claims, the rule ledger) collapsed. No JavaScript, nothing loaded from
outside, the bundled font subset embedded so Chinese renders where no CJK font is installed, and a
print style (collapsed evidence stays collapsed on paper).

``write_report(result, folder)`` is what the notebook and the runners call; ``render_report`` returns
the page as a string. ``status_of`` (optional) gives a finding's review status (e.g. 确认/排除/待定),
shown beside it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from juesuan.present import labels
from juesuan.core.safe import defang_urls
from juesuan.present.fonts import FONT_STACK, font_face_css, visible_text
from juesuan.present.shown import Grid, grid

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "note": "尾数误差提示"}
_ENVELOPE = re.compile(r"±([\d.]+)")


@dataclass
class Card:
    """One finding as the report shows it."""

    anchor: str
    severity: str
    rule: str
    title: str
    message: str
    expected: str
    actual: str
    difference: str
    where: str
    quote: str
    image: object | None = None  # evidence.PageImage
    status: str = ""


@dataclass
class NoteGroup:
    rule: str
    title: str
    summary: str
    cards: list[Card] = field(default_factory=list)


def file_sha256(path: str | Path | None) -> str:
    if not path or not Path(path).is_file():
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _card(index: int, finding, image, status_of, rules) -> Card:
    rule = rules.get(finding.rule)
    severity = getattr(finding.severity, "value", finding.severity)
    return Card(
        anchor=f"f{index + 1}",
        severity=severity,
        rule=finding.rule,
        title=(rule.title if rule and rule.title else finding.rule),
        message=finding.message,
        expected=labels.thousands(finding.expected or ""),
        actual=labels.thousands(finding.actual or ""),
        difference=labels.thousands(finding.difference or ""),
        where=finding.location.describe(),
        quote=finding.location.quote or "",
        image=image,
        status=(status_of(finding) or "") if status_of else "",
    )


def _note_summary(cards: list[Card], findings) -> str:
    bounds = []
    for f in findings:
        m = _ENVELOPE.search(f.message)
        if m:
            bounds.append(float(m.group(1)))
    if bounds and all("万元" in f.message for f in findings):
        top = max(bounds)
        return f"尾数误差 {len(cards)} 处，均在±{top:g}万元内"
    return f"尾数误差 {len(cards)} 处，均在舍入范围内"


DISMISSED = "排除"


def conclusion(result, status_of: Callable | None = None, stale=()) -> list[str]:
    """The conclusion in a few sentences. Findings the review dismissed (排除) stay listed below but are
    not counted here; review entries whose finding no longer appears (stale) are named."""
    from juesuan.rules import Severity

    dismissed = [f for f in result.findings if status_of is not None and status_of(f) == DISMISSED]
    kept = [f for f in result.findings if not any(f is d for d in dismissed)]
    errors, warnings, notes = (sum(1 for f in kept if f.severity is s) for s in (Severity.ERROR, Severity.WARNING,
                                                                              Severity.NOTE))
    status = result.status_counts()
    lines = []
    if errors or warnings:
        parts = [f"错误 {errors} 处" if errors else "", f"警告 {warnings} 处" if warnings else ""]
        lines.append("发现" + "、".join(p for p in parts if p) + "，请逐条核实并更正（见下文“发现”）。")
    else:
        lines.append("未发现错误或警告。")
    if notes:
        lines.append(f"另有尾数误差提示 {notes} 处：差额在金额四舍五入可能造成的范围内，不属于错误。")
    lines.append(f"共核对规则 {len(result.outcomes)} 条：通过 {status['pass']} 条，不通过 {status['fail']} 条，"
                 f"不适用 {status['not_applicable']} 条，无法检查 {status['could_not_check']} 条"
                 "（无法检查的规则不算通过，原因见规则清单）。")
    if dismissed:
        lines.append(f"复核排除 {len(dismissed)} 处：仍列在下文并标明“排除”，不计入上述数目。")
    stale = list(stale or ())
    if stale:
        ids = "、".join(e.id for e in stale[:10]) + ("等" if len(stale) > 10 else "")
        lines.append(f"失效的复核记录 {len(stale)} 条（{ids}）：所指的发现本次已不再出现，请复核人确认。")
    return lines


def _evidence_grids(result) -> list[tuple[str, str, list[Grid]]]:
    """(anchor, heading, grids) for the collapsed evidence sections."""
    from juesuan.catalog import TABLES
    from juesuan.core.labels import table_label
    from juesuan.present import workbook

    sections = []
    overview = grid(workbook.overview_frame(result.document), "各表位置与读取状态", text_columns=("行数",))
    facts_frame = workbook.document_facts(result.document)
    facts_frame.loc[facts_frame["项目"] == "来源文件", "内容"] = Path(result.document.source or "").name  # no server paths
    facts = grid(facts_frame, "文件概况")
    sections.append(("overview", "文件概况", [facts, overview]))

    tables = []
    for table_id in TABLES:
        table = result.document.tables.get(table_id)
        if table is None or not table.readable:
            continue
        frame = workbook.table_display_frame(table)
        caption = f"{table_label(table_id)} {table.title}（{workbook._where(table)}，单位：{table.unit or '未注明'}）"
        if table.declared_empty and not table.has_money:
            caption += f"——{table.empty_statement}"
        tables.append(grid(frame, caption, text_columns=("科目代码", "行次")))
    sections.append(("tables", "各表提取结果", tables))

    checks = []
    for family, name in workbook.FAMILY_LABELS.items():
        frame = workbook.evidence_view(result, family=family)
        if frame.empty:
            continue
        classes = ["bad" if v == "不符" else "tail" if v == "尾数误差" else "" for v in frame["结论"]]
        bad = classes.count("bad")
        caption = f"{name}：比对 {len(frame)} 处" + (f"，不符 {bad} 处" if bad else "，均相符或在尾数误差内")
        checks.append(grid(frame, caption, text_columns=("规则",), row_classes=classes))
    checks.append(Grid("所用容差", ["说明"], [[workbook.rounding_note(result)]], set()))
    sections.append(("checks", "核对过程", checks))

    sections.append(("claims", "情况说明中的数字", [grid(workbook.claims_view(result), "从情况说明中读出的数字")]))
    ledger = workbook.ledger_view(result)
    classes = ["bad" if v == "不通过" else "muted" if v in ("不适用", "无法检查") else "" for v in ledger["结论"]]
    sections.append(("ledger", "规则清单", [grid(ledger, "每条规则的结论", row_classes=classes)]))
    return sections


def _charts(result) -> list[tuple[str, str]]:
    """(caption, data URI) of the charts; none when matplotlib cannot draw them."""
    import base64

    from juesuan.present import charts

    charts.use_bundled_font()
    out = []
    for caption, make in (("支出按功能分类", lambda: charts.spending_by_class(result.document)),
                          ("基本支出与项目支出", lambda: charts.basic_vs_project(result.document)),
                          ("预算与决算", lambda: charts.budget_vs_final(result)),
                          ("与上年比较", lambda: charts.year_on_year(result))):
        try:
            chart = make()
        except Exception:  # a chart is an extra: a document it cannot draw still gets its report
            chart = None
        if chart is None:
            continue
        png = chart._repr_png_() if hasattr(chart, "_repr_png_") else None
        if png:
            out.append((caption, "data:image/png;base64," + base64.b64encode(png).decode("ascii")))
    return out


@functools.lru_cache(maxsize=1)
def _environment():
    """One jinja environment per process: it keeps the templates it compiled (~0.02 CPU-s a unit
    when every page made its own)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _source_path(result, source) -> Path | None:
    from juesuan.present import evidence

    doc = result.document
    path = evidence.pdf_path(doc, source)
    for candidate in (source, doc.source):
        if path is None and candidate and Path(candidate).is_file():
            path = Path(candidate)
    return path


def _findings_context(result, path: Path | None, status_of: Callable | None, images: dict | None) -> dict:
    """The findings as the templates show them: severity groups, and the notes folded per rule."""
    from juesuan.present import evidence

    if images is None:
        evidence.attach_pages(result, path)
        images = evidence.page_images(result, path)
    from juesuan.rules import registry

    findings = result.findings
    rules = registry()  # once: it is built afresh on every call (twice a card before: 460 times for the blank template)
    cards = [_card(i, f, images.get(id(f)), status_of, rules) for i, f in enumerate(findings)]
    groups = []
    for severity in ("error", "warning"):
        chosen = [c for c in cards if c.severity == severity]
        if chosen:
            groups.append((severity, SEVERITY_TITLES[severity], labels.SEVERITY_COLOURS[severity], chosen))
    note_groups: dict[str, NoteGroup] = {}
    note_findings: dict[str, list] = {}
    for card, finding in zip(cards, findings):
        if card.severity != "note":
            continue
        group = note_groups.setdefault(card.rule, NoteGroup(card.rule, card.title, ""))
        group.cards.append(card)
        note_findings.setdefault(card.rule, []).append(finding)
    for rule_id, group in note_groups.items():
        group.summary = _note_summary(group.cards, note_findings[rule_id])
    return dict(groups=groups, notes=list(note_groups.values()),
                note_count=sum(len(g.cards) for g in note_groups.values()))


def header_meta(result, path: Path | None, generated: str | None = None) -> list[tuple[str, str]]:
    """The report's header lines: unit, year, source file and its sha256, pages, version and date."""
    from juesuan import __version__

    doc = result.document
    meta = [
        ("被审计单位", doc.unit_name or "（未识别单位）"),
        ("年度", str(doc.year or "（未识别）")),
        ("来源文件", path.name if path else Path(doc.source or "").name),
        ("sha256", file_sha256(path) or "（文件不在原处，未计算）"),
        ("页数", f"{doc.pages}页" if doc.pages else "文本导出（以行号定位）"),
        ("生成", f"juesuan {__version__} · {generated or time.strftime('%Y-%m-%d %H:%M')}"),
    ]
    if result.extra_tolerance:
        meta.append(("额外容差", f"{result.extra_tolerance}万元"))
    return meta


def report_title(result) -> str:
    doc = result.document
    return f"{doc.unit_name or '（未识别单位）'} {f'{doc.year}年度' if doc.year else ''}决算公开审核报告"


def render_report(result, *, source: str | Path | None = None, status_of: Callable | None = None,
                  images: dict | None = None, with_charts: bool = True, generated: str | None = None,
                  stale=()) -> str:
    """The report page for ``result`` as a string (see the module docstring)."""
    path = _source_path(result, source)
    env = _environment()
    context = dict(
        title=report_title(result), meta=header_meta(result, path, generated),
        conclusion=conclusion(result, status_of, stale),
        sections=_evidence_grids(result), charts=_charts(result) if with_charts else [], font_stack=FONT_STACK,
        font_face="", has_pdf=path is not None and path.suffix.lower() == ".pdf",
        **_findings_context(result, path, status_of, images),
    )
    page = env.get_template("report.html.j2").render(**context)
    context["font_face"] = font_face_css(visible_text(page))
    page = env.get_template("report.html.j2").render(**context)
    return defang_urls(page)


class FindingsPanel:
    """The findings with their page images, for the notebook: shows under the findings table."""

    def __init__(self, html_text: str):
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "FindingsPanel (HTML)"


def findings_panel(result, source: str | Path | None = None, *, status_of: Callable | None = None) -> FindingsPanel:
    """Every finding as a card with the region of its page, the figure boxed in red."""
    path = _source_path(result, source)
    page = _environment().get_template("findings_panel.html.j2").render(
        **_findings_context(result, path, status_of, None))
    return FindingsPanel(defang_urls(page))


def write_report(result, folder: str | Path, *, source: str | Path | None = None,
                 status_of: Callable | None = None, stale=(), name: str = "report.html") -> Path:
    """Write report.html for ``result`` into ``folder``; returns its path. ``stale``: review entries whose
    finding no longer appears."""
    target = Path(folder) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(result, source=source, status_of=status_of, stale=stale), encoding="utf-8")
    return target


