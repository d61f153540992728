"""The layout strategies on the real documents' grids, each table given whole (every page of it), as the
reader hands it over once it reads continuations: every table maps, and the table rules find no error.

The grids come from the PDF stages' public functions (text layer, then tabula's grids on the table pages);
which pages hold which table is pinned here, so this does not depend on the segmenter. Skips where the
documents or Java are absent.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.catalog import TABLES
from juesuan.core.exceptions import JavaUnavailableError
from juesuan.core.model import Document, Location
from juesuan.engine import audit
from juesuan.extract.layouts import interpret
from juesuan.extract.rawtable import RawRow, RawTable
from juesuan.rules import REGISTRY, Severity

from conftest import REALDOCS

# document -> canonical id -> (first page, last page), and a few cells: (id, row key, section, column) -> figure
DOCUMENTS = {
    "guangdong-foshan-rail-transit-final-2019": (
        {"01": (5, 7), "02": (8, 9), "03": (10, 11), "04": (12, 14), "05": (15, 16), "06": (17, 20), "09": (21, 21),
         "07": (22, 23)},
        {("01", "grand_total", "income", "amount"): "1668.14", ("02", "total", None, "fiscal"): "1668.14",
         ("03", "total", None, "project"): "921.75", ("04", "expense_total", "expense", "general"): "1668.14",
         ("05", "2140101", None, "basic"): "609.29", ("06", "personnel_total", None, "amount"): "649.20",
         ("06", "public_total", None, "amount"): "97.19", ("09", "sangong", None, "final_reception"): "0.16",
         ("07", "total", None, "total"): "0.00"},
    ),
    "shaanxi-xian-health-commission-final-2022": (
        {"01": (146, 146), "02": (147, 149), "03": (150, 152), "04": (153, 153), "05": (154, 156), "06": (157, 158),
         "07": (159, 159), "08": (160, 160), "09": (161, 161)},
        {("05", "total", None, "basic"): "98606.29", ("06", "personnel_total", None, "amount"): "96513.21",
         ("07", "total", None, "total"): "568051.63", ("09", "sangong", None, "budget_total"): "593.46",
         ("09", "sangong", None, "final_vehicle"): "587.44", ("09", "sangong", None, "final_training"): "2795.78"},
    ),
    "chongqing-swu-univ-final-2023": (
        # 表1 收支决算总表, 表2 收入决算表, 表3 支出决算表, 表4 财政拨款支出决算表 (05's meaning)
        {"01": (8, 9), "02": (10, 11), "03": (12, 13), "05": (14, 15)},
        {("01", "grand_total", "expense", "amount"): "569496.54", ("02", "total", None, "of:教育收费"): "73648.19",
         ("03", "total", None, "total"): "457676.75", ("05", "total", None, "total"): "237100.00",
         ("05", "2060204", None, "project"): "1707.93"},
    ),
}


@pytest.fixture(scope="module", params=sorted(DOCUMENTS))
def whole_tables(request):
    from juesuan.extract.pdf.grids import read_grids
    from juesuan.extract.pdf.textlayer import read_text_layer

    name = request.param
    path = REALDOCS / f"{name}.pdf"
    if not path.exists():
        pytest.skip(f"{path.name} not present ({REALDOCS})")
    plan, cells = DOCUMENTS[name]
    wanted = {p for first, last in plan.values() for p in range(first, last + 1)}
    pages = [p for p in read_text_layer(path) if p.number in wanted]
    try:
        grids = read_grids(path, pages)
    except JavaUnavailableError as exc:
        pytest.skip(str(exc))
    tables = {}
    for table_id, (first, last) in plan.items():
        rows = [RawRow(cells=list(r), location=Location(page=g.page), spans=(g.spans[i] or None) if i < len(g.spans) else None)
                for g in grids if first <= g.page <= last for i, r in enumerate(g.rows)]
        page = next(p for p in pages if p.number == first)
        meta = [(ln.text, Location(page=first)) for ln in page.lines if "单位" in ln.text]
        spec = TABLES[table_id]
        tables[table_id] = interpret(RawTable(spec=spec, title=spec.name, location=Location(page=first), meta=meta,
                                              rows=rows, pages=(first, last)))
    return name, tables, cells


def test_every_table_maps(whole_tables):
    name, tables, _ = whole_tables
    unread = {t.id: t.unreadable_reason for t in tables.values() if not t.readable}
    assert not unread, f"{name}: {unread}"


def test_pinned_cells(whole_tables):
    name, tables, cells = whole_tables
    for (table_id, key, section, column), figure in cells.items():
        row = tables[table_id].row(key, section)
        assert row is not None, (name, table_id, key)
        assert row.cell(column).amount.value == Decimal(figure), (name, table_id, key, column)
        assert tables[table_id].unit == "万元"


def test_table_rules_find_no_error(whole_tables):
    name, tables, _ = whole_tables
    doc = Document(source=name, unit_name=None, year=None, scope=None, template=None, tables=tables, sections=[],
                   glossary=[], annex=[], lines=[])
    result = audit(doc, [r for r in REGISTRY if r.startswith("T")])
    problems = [f"{f.rule}: {f.message} @ {f.location.describe()}" for f in result.findings
                if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert not problems, problems
    compared = sum(o.comparisons for o in result.outcomes)
    assert compared > 100, compared
