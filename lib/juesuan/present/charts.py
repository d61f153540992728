"""Charts for the audit notebook (matplotlib), with Chinese labels in the bundled font.

Each function takes the document or the result and returns a Figure; it never calls plt.show()
or switches backends, so the notebook's inline backend embeds the figure in the HTML.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from juesuan.engine import AuditResult
from juesuan.core.model import Document
from juesuan.rules import Severity
from juesuan.rules.base import SEVERITY_LABELS
from juesuan.core.labels import table_label

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
_FONT_FAMILY: str | None = None


def use_bundled_font() -> str | None:
    """Make the bundled CJK font (SIL OFL) known to matplotlib; returns its family name.

    It only registers the font file; it changes no setting. Our figures (see :class:`StyledFigure`)
    put the family first while they are laid out and drawn; nothing else in the process is affected.
    """
    global _FONT_FAMILY
    if _FONT_FAMILY:
        return _FONT_FAMILY
    fonts = sorted(FONT_DIR.glob("*.ttf")) + sorted(FONT_DIR.glob("*.otf"))
    if not fonts:
        return None
    font_manager.fontManager.addfont(str(fonts[0]))
    _FONT_FAMILY = font_manager.FontProperties(fname=str(fonts[0])).get_name()
    return _FONT_FAMILY


def chart_style() -> dict:
    """The matplotlib settings of our figures: the bundled CJK font first, an ASCII minus sign."""
    family = use_bundled_font()
    style = {"axes.unicode_minus": False}
    if family:
        style["font.family"] = "sans-serif"
        style["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    return style


class StyledFigure(Figure):
    """A Figure laid out and drawn under :func:`chart_style`, inside ``matplotlib.rc_context``.

    Fonts of generic families and tick labels are resolved when a figure is laid out or drawn, so
    the style is applied then, to this figure only; the process's rcParams are never changed.
    """

    def draw(self, renderer):
        with matplotlib.rc_context(chart_style()):
            return super().draw(renderer)

    def tight_layout(self, *args, **kwargs):
        with matplotlib.rc_context(chart_style()):
            return super().tight_layout(*args, **kwargs)


class Chart:
    """A figure that draws itself as PNG in a notebook, whatever the matplotlib backend.

    ``figure`` is the matplotlib Figure, for saving elsewhere (``chart.figure.savefig(path)``).
    """

    def __init__(self, figure: Figure):
        self.figure = figure
        self._png: bytes | None = None

    def _repr_png_(self) -> bytes:
        # Drawn once: the notebook shows the chart and report.html embeds the same bytes.
        if self._png is None:
            import io

            buffer = io.BytesIO()
            # zlib level 3: as small as the default 6 for these flat-coloured charts, ~25 % less CPU
            self.figure.savefig(buffer, format="png", dpi=100, pil_kwargs={"compress_level": 3})
            self._png = buffer.getvalue()
        return self._png

    def __repr__(self) -> str:
        title = self.figure.axes[0].get_title() if self.figure.axes else ""
        return f"<图表：{title}>"


def _once(build):
    """A chart made once per document or result: the notebook's cell and report.html share it (the
    objects are not changed after the rules ran, so the figure they give cannot go stale)."""
    import functools

    @functools.wraps(build)
    def chart(source):
        memo = source.__dict__.setdefault("_charts", {})
        if build.__name__ not in memo:
            memo[build.__name__] = build(source)
        return memo[build.__name__]

    return chart


def _figure(width: float = 7.5, height: float = 3.6) -> Figure:
    # A Figure outside pyplot: returned from a notebook cell it is drawn once by the inline
    # formatter, and nothing piles up in pyplot's figure manager over a batch of units.
    with matplotlib.rc_context(chart_style()):
        fig = StyledFigure(figsize=(width, height), dpi=100)
        fig.add_subplot()
    # Its own Agg canvas from the start: tight_layout and savefig then share one renderer and its
    # text metrics (the same PNG, ~12 % less CPU than measuring every label again).
    FigureCanvasAgg(fig)
    return fig


def _f(value: Decimal | None) -> float:
    # Drawing only: amounts stay Decimal everywhere else.
    return float(value or 0)


def _amount_axis(axis) -> None:
    """An axis of 万元: a few ticks labelled with separators, never an offset such as "1e6" (a new
    formatter and locator for each axis: they belong to the axis they are set on)."""
    axis.set_major_locator(MaxNLocator(nbins=5))
    # as many decimals as the tick needs: 2,400,000 and 0.25 alike (a fixed ",.0f" printed 0.5 as 0)
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.2f}".rstrip("0").rstrip(".")))


@_once
def spending_by_class(doc: Document) -> Chart | None:
    """Expenditure by 功能分类 class (公开03表, else 05)."""
    table = doc.table("03") or doc.table("05")
    if table is None:
        return None
    rows = [r for r in table.coded_rows() if r.level == "类" and r.cell("total") and r.cell("total").has_money]
    if not rows:
        return None
    fig = _figure()
    ax = fig.axes[0]
    labels = [f"{r.code} {r.label}" for r in rows]
    values = [_f(r.cell("total").value) for r in rows]
    ax.barh(labels[::-1], values[::-1], color="#4c72b0")
    for y, v in enumerate(values[::-1]):
        ax.text(v, y, f" {v:,.2f}", va="center", fontsize=8)
    ax.margins(x=0.18)  # room for the longest bar's figure inside the frame
    _amount_axis(ax.xaxis)
    ax.set_xlabel("万元")
    ax.set_title(f"支出结构（按功能分类，{table_label(table.id)}）")
    fig.tight_layout()
    return Chart(fig)


@_once
def basic_vs_project(doc: Document) -> Chart | None:
    table = doc.table("03") or doc.table("05")
    total = table.total_row() if table else None
    if total is None:
        return None
    basic, project = _f(total.cell("basic").value if total.cell("basic") else 0), _f(total.cell("project").value if total.cell("project") else 0)
    if basic + project <= 0:
        return None
    fig = _figure(5.5, 3.4)
    ax = fig.axes[0]
    ax.pie([basic, project], labels=[f"基本支出\n{basic:,.2f}万元", f"项目支出\n{project:,.2f}万元"], autopct="%1.2f%%",
           colors=["#4c72b0", "#dd8452"], startangle=90)
    ax.set_title(f"基本支出与项目支出（{table_label(table.id)}）")
    fig.tight_layout()
    return Chart(fig)


MAX_BARS = 12  # more categories than this and a chart's labels overlap: the largest are drawn, and the title says so


def _largest(items: list, size) -> tuple[list, bool]:
    """At most MAX_BARS of ``items``, the largest by ``size``, in their order; and whether any were left out."""
    if len(items) <= MAX_BARS:
        return items, False
    keep = set(sorted(range(len(items)), key=lambda i: -abs(size(items[i])))[:MAX_BARS])
    return [item for i, item in enumerate(items) if i in keep], True


@_once
def budget_vs_final(result: AuditResult) -> Chart | None:
    """年初预算 and 决算 by subject, from the narrative's budget claims: one pair of bars per named
    subject (as first stated), the MAX_BARS largest by 决算 when there are more."""
    first: dict[str, object] = {}
    for c in result.claims:
        if c.kind == "budget" and "final" in c.figures and "budget" in c.figures and c.subject:
            first.setdefault(c.subject, c)
    claims, cut = _largest(list(first.values()), lambda c: c.figures["final"].value)
    if not claims:
        return None
    fig = _figure()
    ax = fig.axes[0]
    labels = [c.subject for c in claims]
    budget = [_f(c.figures["budget"].value) for c in claims]
    final = [_f(c.figures["final"].value) for c in claims]
    positions = range(len(labels))
    ax.bar([p - 0.2 for p in positions], budget, width=0.4, label="年初预算", color="#8c8c8c")
    ax.bar([p + 0.2 for p in positions], final, width=0.4, label="决算", color="#4c72b0")
    ax.set_xticks(list(positions))
    ax.set_xticklabels(labels, rotation=20, ha="right", fontsize=8)
    _amount_axis(ax.yaxis)
    ax.set_ylabel("万元")
    ax.legend()
    ax.set_title(f"年初预算与决算（情况说明{f'，决算最大的{MAX_BARS}项' if cut else ''}）")
    fig.tight_layout()
    return Chart(fig)


@_once
def year_on_year(result: AuditResult) -> Chart | None:
    """Year-on-year changes stated in the narrative (增加 positive, 减少 negative), per named subject;
    the MAX_BARS largest changes when there are more."""
    claims = [c for c in result.claims
              if c.kind == "yoy" and "change" in c.figures and c.direction in ("up", "down") and c.subject]
    if not claims:
        return None
    seen: dict[str, float] = {}
    for c in claims:
        value = _f(c.figures["change"].value)
        seen.setdefault(f"{c.subject}（{c.section}）", value if c.direction == "up" else -value)
    chosen, cut = _largest(list(seen.items()), lambda item: item[1])
    fig = _figure()
    ax = fig.axes[0]
    labels, values = [k for k, _ in chosen], [v for _, v in chosen]
    ax.barh(labels[::-1], values[::-1], color=["#55a868" if v >= 0 else "#c44e52" for v in values[::-1]])
    ax.axvline(0, color="black", linewidth=0.8)
    _amount_axis(ax.xaxis)
    ax.set_xlabel("与上年相比增减（万元）")
    ax.set_title(f"上年比较（情况说明{f'，增减最大的{MAX_BARS}项' if cut else ''}）")
    fig.tight_layout()
    return Chart(fig)


def findings_by_severity(result: AuditResult) -> Chart:
    fig = _figure(5.5, 3.0)
    ax = fig.axes[0]
    severities = [Severity.ERROR, Severity.WARNING, Severity.NOTE]
    counts = [result.count(s) for s in severities]
    ax.bar([SEVERITY_LABELS[s] for s in severities], counts, color=["#c44e52", "#dd8452", "#8c8c8c"])
    for x, v in enumerate(counts):
        ax.text(x, v, str(v), ha="center", va="bottom")
    ax.set_ylabel("条数")
    ax.set_title("发现按级别")
    fig.tight_layout()
    return Chart(fig)
