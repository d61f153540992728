"""Charts carry their own style: Chinese text in the bundled font, drawn without missing glyphs, and
the process's matplotlib settings untouched (import, font registration, drawing)."""

from __future__ import annotations

import copy
import warnings

import matplotlib
import pytest

from juesuan.engine import audit
from juesuan.extract import read_document

from conftest import SEED


@pytest.fixture(scope="module")
def result():
    return audit(read_document(SEED))


def _settings() -> dict:
    return copy.deepcopy(dict(matplotlib.rcParams))


def _measured_at_draw(chart):
    """The chart on a new canvas: a chart keeps the renderer its layout measured the labels with,
    so drawing on its own canvas reuses those metrics; a new one makes the draw measure every label
    again, under whatever style is in force while it draws (which is what these tests check)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(chart.figure)
    return chart


def test_charts_draw_chinese_in_the_bundled_font_and_leave_rcparams_alone(result):
    before = _settings()
    from juesuan.present import charts

    assert charts.use_bundled_font()
    made = [charts.spending_by_class(result.document), charts.basic_vs_project(result.document),
            charts.budget_vs_final(result), charts.year_on_year(result), charts.findings_by_severity(result)]
    made = [c for c in made if c is not None]
    assert len(made) >= 4
    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" when a CJK character or the unicode minus
        # is drawn in a font without it: our style must be in force whenever a chart is drawn.
        warnings.simplefilter("error", UserWarning)
        for chart in made:
            assert _measured_at_draw(chart)._repr_png_().startswith(b"\x89PNG")
    assert _settings() == before


def test_the_style_is_what_makes_chinese_drawable(result):
    # The check above can fail: the same chart drawn as a plain Figure misses the glyphs.
    from matplotlib.figure import Figure

    from juesuan.present import charts

    chart = charts.findings_by_severity(result)
    chart.figure.__class__ = Figure  # drop the style
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        _measured_at_draw(chart)._repr_png_()
    assert any("missing from font" in str(w.message) for w in caught)


def test_budget_chart_draws_each_named_subject_once_and_the_largest_when_crowded(result, monkeypatch):
    """A narrative with a hundred budget statements (a 绩效 table read as sentences) gave a chart of
    a hundred overlapping labels: one pair of bars per named subject, the largest few, the cut said."""
    import dataclasses

    from juesuan.present import charts

    named = [c for c in result.claims if c.kind == "budget" and "final" in c.figures and c.subject]
    assert len(named) >= 4
    unnamed = dataclasses.replace(named[0], subject="")  # a statement whose subject was not resolved
    repeated = dataclasses.replace(named[1])  # the same subject stated again
    crowded = copy.copy(result)
    crowded.__dict__.pop("_charts", None)
    crowded.claims = list(result.claims) + [unnamed, repeated]
    monkeypatch.setattr(charts, "MAX_BARS", 3)

    ax = charts.budget_vs_final(crowded).figure.axes[0]

    labels = [t.get_text() for t in ax.get_xticklabels()]
    largest = sorted(named, key=lambda c: -c.figures["final"].value)[:3]
    assert labels == [c.subject for c in named if c in largest]
    assert "最大的3项" in ax.get_title()
    label = ax.yaxis.get_major_formatter()
    assert (label(2_500_000.0), label(0.5), label(0.0)) == ("2,500,000", "0.5", "0")  # no 1e6 offset, no 0.5 shown as 0
