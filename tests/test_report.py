"""`juesuan audit`: the notebook's findings equal `juesuan check`'s; self-contained, escaped HTML;
a failed run never damages earlier outputs."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from openpyxl import load_workbook

from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.run.audit import NOTEBOOK, AuditRunError, run_audit, unit_folder_name

from conftest import ROOT, SEED


def check_json(path):
    return audit(read_document(path)).to_json_dict()


def comparable(data):
    """The findings and ledger; the source path differs only by how it was spelled."""
    findings = [{k: v for k, v in f.items() if k != "review"} for f in data["findings"]]  # the review is the run's
    return {"unit": data["unit"], "year": data["year"], "findings": findings, "ledger": data["ledger"]}


def test_committed_notebook_is_clean_and_parameterised():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    assert not any(cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "source" in tagged[0].source and "output_dir" in tagged[0].source


def test_notebook_is_what_the_builder_writes():
    from importlib import util

    spec = util.spec_from_file_location("builder", ROOT / "tools" / "build_audit_notebook.py")
    builder = util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    built = builder.build()
    committed = nbformat.read(str(NOTEBOOK), as_version=4)
    assert [c.source for c in built.cells] == [c.source for c in committed.cells]


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory):
    return run_audit(SEED, tmp_path_factory.mktemp("audit"))


def test_audit_writes_every_output(seed_outputs):
    for name in ("audit.ipynb", "audit.html", "report.html", "findings.json", "workpaper.xlsx"):
        assert (seed_outputs.folder / name).stat().st_size > 0, name
    assert seed_outputs.folder.name == "yangquan-bigdata-center-2024"
    assert seed_outputs.errors == 1
    assert not [p for p in seed_outputs.folder.parent.iterdir() if p.name.startswith(".")]  # no partial folders


def test_notebook_findings_equal_check(seed_outputs):
    notebook = json.loads((seed_outputs.folder / "findings.json").read_text(encoding="utf-8"))
    assert comparable(notebook) == comparable(check_json(SEED))


def test_notebook_findings_equal_check_on_a_faulty_variant(tmp_path, seed_text):
    faulty = tmp_path / "faulty.txt"
    faulty.write_text(seed_text.replace("基本工资86.11万元", "基本工资68.11万元").replace("占比93.17%", "占比95.17%"),
                      encoding="utf-8")
    outputs = run_audit(faulty, tmp_path / "out")
    notebook = json.loads((outputs.folder / "findings.json").read_text(encoding="utf-8"))
    expected = check_json(faulty)
    assert comparable(notebook) == comparable(expected)
    assert {f["rule"] for f in notebook["findings"] if f["severity"] == "error"} >= {"N.amount_matches_table", "N.share"}


@pytest.mark.parametrize("name", ["audit.html", "report.html"])
def test_html_is_self_contained(seed_outputs, name):
    page = (seed_outputs.folder / name).read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|iframe)\b", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#|[^"'/:]+\.pdf#page=\d+["'])""", page, re.I)
    assert len(re.findall(r'src="data:image/png;base64,', page)) >= 4  # the charts, embedded
    assert "阳泉市大数据管理服务中心" in page and "A.weights_consistent" in page


def test_shareable_report_hides_code_and_opens_with_findings(seed_outputs):
    report = (seed_outputs.folder / "report.html").read_text(encoding="utf-8")
    full = (seed_outputs.folder / "audit.html").read_text(encoding="utf-8")
    assert 'class="input_area"' not in report and 'class="input_area"' in full
    assert "load_document" not in report
    assert report.index('id="conclusion"') < report.index('id="overview"')
    assert report.index("A.weights_consistent") < report.index('id="tables"')  # the finding before the evidence


def test_workpaper_has_tables_and_findings(seed_outputs):
    book = load_workbook(seed_outputs.folder / "workpaper.xlsx", read_only=True)
    assert {"发现", "规则清单", "核对过程", "公开01表", "公开06表", "公开10表"} <= set(book.sheetnames)
    header, *rows = book["发现"].iter_rows(values_only=True)
    rules = [row[header.index("规则")] for row in rows]
    assert "A.weights_consistent" in rules


def test_document_text_never_becomes_markup(tmp_path, seed_text):
    hostile = seed_text.replace("阳泉市大数据管理服务中心\n\n2024年度单位决算公开",
                                "阳泉市<script>alert(1)</script><b>中心</b>\n\n2024年度单位决算公开", 1)
    hostile = hostile.replace("主要原因是2024年调出参公人员5名。", "主要原因是<img src=x onerror=alert(2)>。", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(hostile, encoding="utf-8")
    outputs = run_audit(path, tmp_path / "out")
    for name in ("audit.html", "report.html"):
        page = (outputs.folder / name).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>中心</b>" not in page
        assert "&lt;script&gt;alert(1)" in page


def test_failed_run_keeps_earlier_outputs(tmp_path, seed_text):
    source = tmp_path / "unit.txt"
    source.write_text(seed_text, encoding="utf-8")
    good = run_audit(source, tmp_path / "out")
    before = (good.folder / "report.html").read_bytes()
    source.write_text("这不是决算公开文件", encoding="utf-8")  # the notebook will fail to read it
    with pytest.raises(AuditRunError) as info:
        run_audit(source, tmp_path / "out")
    assert "InputError" in info.value.reason and "\n" not in info.value.reason
    assert (good.folder / "report.html").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["unit"]


@pytest.mark.parametrize("name,folder", [
    ("阳泉 单位 2024.pdf", "阳泉_单位_2024"), ("../../etc/passwd.txt", "passwd"), ('a"b\'c.txt', "a_b_c"), ("..txt", "unit"),
])
def test_unit_folder_names_stay_inside(name, folder):
    assert unit_folder_name(name) == folder


def test_notebook_runs_top_to_bottom_as_committed(tmp_path):
    """The committed parameters point at the sample unit: the notebook runs as is (only the output
    folder is redirected, to keep the test out of the repository)."""
    import papermill as pm

    committed = ROOT / "notebooks" / "audit_unit.ipynb"  # the one people open (its copy in lib/ is identical)
    pm.execute_notebook(str(committed), str(tmp_path / "run.ipynb"), parameters={"output_dir": str(tmp_path)},
                        cwd=str(committed.parent), progress_bar=False)
    notebook = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert comparable(notebook) == comparable(check_json(SEED))


def test_pdf_travels_with_its_reports_so_page_links_open(tmp_path):
    """Every finding on a PDF links to name.pdf#page=N; the PDF is copied beside the reports, so the links
    open from the unit folder wherever it is shared."""
    from urllib.parse import unquote

    source = ROOT / "data" / "yangquan-bigdata-center-2024.pdf"
    outputs = run_audit(source, tmp_path)
    report = (outputs.folder / "report.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#]+\.pdf)#page=(\d+)"', report))
    assert links, "no page link in report.html"
    for name, page in links:
        assert (outputs.folder / unquote(name)).is_file() and int(page) >= 1
    assert (outputs.folder / source.name).read_bytes() == source.read_bytes()


def test_audit_page_renders_each_code_cell_from_its_own_source(seed_outputs, tmp_path):
    """Highlighted, sanitised code is remembered across units (the cells are the same in each): a
    page rendered from the remembered pieces equals a fresh one, and a changed cell shows its change."""
    from juesuan.present import html

    executed = seed_outputs.folder / "audit.ipynb"
    nb = nbformat.read(str(executed), as_version=4)
    html._REMEMBERED.clear()
    html.write_html(executed, tmp_path / "fresh.html", shareable=False, nb=nb)
    assert html._REMEMBERED  # the code cells were kept
    html.write_html(executed, tmp_path / "again.html", shareable=False, nb=nb)
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == (tmp_path / "fresh.html").read_text(encoding="utf-8")

    changed = nbformat.read(str(executed), as_version=4)
    cell = next(c for c in changed.cells if c.cell_type == "code" and "load_document" in c.source)
    cell.source = cell.source.replace("load_document", "load_document_changed")
    html.write_html(executed, tmp_path / "changed.html", shareable=False, nb=changed)
    page = (tmp_path / "changed.html").read_text(encoding="utf-8")
    assert "load_document_changed" in page
