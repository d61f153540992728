"""report.html for a real PDF: one page image per finding with a page, the figure boxed in red at
its character box, the bundled font embedded, nothing referenced outside the page."""

from __future__ import annotations

import base64
import dataclasses
import io
import re

import pytest

from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.present import evidence, fonts, report_page
from juesuan.rules import Finding, Severity

from conftest import REALDOCS, SEED

PUTUO = REALDOCS / "putuo-finance-bureau-2024.pdf"


@pytest.fixture(scope="module")
def putuo():
    if not PUTUO.exists():
        pytest.skip("real PDF not present")
    result = audit(read_document(PUTUO))
    evidence.attach_pages(result, PUTUO)
    images = evidence.page_images(result, PUTUO)
    page = report_page.render_report(result, source=PUTUO, images=images, with_charts=False)
    return result, images, page


def _png(uri: str):
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")


def test_one_page_image_per_finding_with_a_page(putuo):
    result, images, page = putuo
    with_page = [f for f in result.findings if f.location.page]
    assert with_page and len(with_page) == len(result.findings)  # every finding on the PDF has its page
    shown = re.findall(r'<img class="page-evidence" src="(data:image/png;base64,[^"]+)"', page)
    assert len(shown) == len(with_page)
    for f in with_page:
        assert f'href="{PUTUO.name}#page={f.location.page}"' in page


def test_red_box_at_the_figures_character_box(putuo):
    """The wrong figure of the narrative (its stated total) is boxed where pdfium puts its characters."""
    import pypdfium2 as pdfium

    result, images, _ = putuo
    finding = next(f for f in result.findings if f.rule == "N.amount_matches_table" and f.severity is Severity.ERROR)
    image = images[id(finding)]
    figure = re.search(r"[\d.]+", finding.actual).group(0).rstrip("0").rstrip(".")  # as the sentence prints it
    sentence = re.sub(r"\s+", "", finding.location.quote)
    needle = sentence[sentence.index(figure) - 2:sentence.index(figure) + len(figure) + 2]
    pdf = pdfium.PdfDocument(str(PUTUO))
    try:
        pdf_page = pdf[finding.location.page - 1]
        height = pdf_page.get_height()
        text = pdf_page.get_textpage()
        searcher = text.search(needle)
        start, _ = searcher.get_next()
        left, bottom, right, top = text.get_charbox(start + 2)  # the figure's first character
        _, _, right_end, _ = text.get_charbox(start + 2 + len(figure) - 1)
    finally:
        pdf.close()
    png = _png(image.data_uri())
    ox, oy = image.origin
    s = image.scale

    def px(x, y):
        return (x - ox) * s, (height - y - oy) * s

    x0, y1 = px(left, bottom)
    x1, y0 = px(right_end, top)
    red = [(x, y) for x in range(png.width) for y in range(png.height) if png.getpixel((x, y)) == evidence.RED]
    assert red, "no red box drawn"
    pad = 8 * s
    assert all(x0 - pad <= x <= x1 + pad and y0 - pad <= y <= y1 + pad for x, y in red), "red drawn away from the figure"
    middle = round((y0 + y1) / 2)
    assert any(png.getpixel((x, middle)) == evidence.RED for x in range(max(0, int(x0 - pad)), int(x0) + 1))  # left edge
    assert any(png.getpixel((x, middle)) == evidence.RED for x in range(int(x1), min(png.width, int(x1 + pad))))  # right
    assert not any(png.getpixel((round((x0 + x1) / 2), middle + d)) == evidence.RED for d in (-1, 0, 1))  # not filled


def test_embedded_font_and_nothing_from_outside(putuo):
    _, _, page = putuo
    face = re.search(r"@font-face\s*{[^}]*src:\s*url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert face and len(face.group(1)) > 1000
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"""\bsrc\s*=\s*["'](?!data:)""", page, re.I)
    assert not re.search(r"""\bhref\s*=\s*["'](?!#|[^"'/:]+\.pdf#page=\d+["'])""", page, re.I)
    assert not re.search(r"url\((?!data:)", page)


def test_embedded_font_holds_every_character_shown(putuo):
    from fontTools.ttLib import TTFont

    _, _, page = putuo
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    shown = set(fonts.visible_text(page)) - set(" \n\t\r")
    missing = {c for c in shown if ord(c) not in cmap and "\u4e00" <= c <= "\u9fff"}
    assert not missing, sorted(missing)[:20]


def test_a_finding_without_a_page_gets_it_from_its_quote(putuo):
    result, _, _ = putuo
    original = next(f for f in result.findings if f.location.quote)
    loose = Finding("C.template_residue", Severity.WARNING, "测试", None, None, None,
                    dataclasses.replace(original.location, page=None, table=None, line=3))
    result.outcomes[0].findings.append(loose)
    try:
        assert evidence.attach_pages(result, PUTUO) == 1
        assert loose.location.page == original.location.page
    finally:
        result.outcomes[0].findings.remove(loose)


def test_report_reads_in_chinese(putuo):
    result, _, page = putuo
    body = re.sub(r"data:[a-z/+-]+;base64,[A-Za-z0-9+/=]+", "", page.split("<body>", 1)[1])
    assert "情况说明金额与表格一致" in body  # the rule's title, the id in small print
    assert re.search(r'<small class="rule-id">N\.amount_matches_table</small>', body)
    assert "尾数误差" in body and "<details>" in body
    for word in ("amount", "yoy", "change=", "DOMAIN.md"):
        assert word not in re.sub(r'<small class="rule-id">[^<]*</small>|<td class="id">[^<]*</td>|class="[^"]*"', "", body), word
    assert '<td class="num">2,940.05</td>' in body  # amounts right-aligned, one thousands style


def test_text_source_report_keeps_lines_and_has_no_page_images():
    result = audit(read_document(SEED))
    page = report_page.render_report(result, source=SEED, with_charts=False)
    assert 'class="page-evidence"' not in page
    assert re.search(r"位置：[^<]*第\d+行", page)


def test_numbers_read_as_numbers():
    from juesuan.present import labels

    assert labels.thousands("2940.05") == "2,940.05" and labels.thousands("2,940.05") == "2,940.05"
    assert labels.thousands("-2961.38") == "-2,961.38" and labels.thousands("0.3") == "0.3"
    assert labels.thousands("98.20%") == "98.20%" and labels.thousands("——") == "——"
    assert labels.thousands("公开01表") == "公开01表" and labels.thousands("12,34") == "12,34"
    assert labels.is_number("≤2,940.05") and not labels.is_number("nan") and not labels.is_number("——")


def test_claims_and_ledger_read_in_chinese():
    from juesuan.present import workbook

    result = audit(read_document(SEED))
    claims = workbook.claims_view(result)
    words = " ".join(claims["类型"]) + " ".join(claims["数字"])
    assert "金额" in words and not re.search(r"\b(amount|yoy|share|change|percent)\b|=", words)
    ledger = workbook.ledger_view(result)
    assert list(ledger.columns[:2]) == ["规则", "编号"] and not ledger["依据"].str.contains("DOMAIN").any()


def test_table_06_in_code_order_and_amounts_right_aligned():
    from juesuan.present import labels, workbook

    doc = read_document(SEED)
    codes = [r.code for r in workbook.display_rows(doc.tables["06"]) if r.code]
    assert codes == sorted(codes)
    sides = [r.section for r in workbook.display_rows(doc.tables["01"])]
    assert sides == sorted(sides, key=sides.index)  # one side after the other, not interleaved
    html_text = workbook.show(workbook.table_display_frame(doc.tables["05"])).to_html()
    amount = next(c.raw for r in doc.tables["05"].rows for c in r.cells.values() if c.amount)
    amount_class = re.search(rf'<td class="(\w+)">{re.escape(labels.thousands(amount))}</td>', html_text).group(1)
    label_class = re.search(r'<td class="(\w+)">[^<\d]*支出</td>', html_text).group(1)
    rules = dict((sel.strip(), body) for sel, body in re.findall(r"([^{}<>]+)\{([^}]*)\}", html_text))
    assert "text-align:right" in rules[f"table.juesuan-frame td.{amount_class}"]
    assert label_class != amount_class and "text-align:right" not in rules.get(f"table.juesuan-frame td.{label_class}", "")
    assert "text-align:left" in rules["table.juesuan-frame td"]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_rotated_page_renders_upright_with_the_box_on_the_figure(tmp_path, turn):
    """A page stored with /Rotate shows in the frame its text reads in, the box where it was."""
    import pypdfium2 as pdfium

    if not PUTUO.exists():
        pytest.skip("real PDF not present")

    with evidence.PdfPages(PUTUO) as pdf:
        page = pdf.text(8)
        run = next((a, b) for a, b in page.runs if b - a >= 6 and re.fullmatch(r"[\d,]+\.\d\d", page.compact[a:b]))
        value = evidence._decimal(page.compact[run[0]:run[1]])

    def red_box(path, number):
        with evidence.PdfPages(path) as pdf:
            image = pdf.render(number, pdf.locate(number, [value]))
        png = _png(image.data_uri())
        red = [(x, y) for x in range(png.width) for y in range(png.height) if png.getpixel((x, y)) == evidence.RED]
        return png.size, (min(red), max(red))

    original = red_box(PUTUO, 8)
    pdf = pdfium.PdfDocument(str(PUTUO))
    pdf[7].set_rotation(turn)
    rotated = tmp_path / "rotated.pdf"
    pdf.save(str(rotated))
    pdf.close()
    assert red_box(rotated, 8) == original


def test_shown_frames_escape_document_text_and_show_blanks_blank():
    import pandas as pd

    from juesuan.present import workbook

    frame = pd.DataFrame([{"<b>列</b>": "<script>alert(1)</script>", "金额": "2940.05", "备注": None},
                          {"<b>列</b>": "a & b", "金额": float("nan"), "备注": pd.NA}])
    text = workbook.show(frame, caption="<i>标题</i>").to_html()
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;列&lt;/b&gt;" in text and "a &amp; b" in text
    assert '<td class="num">2,940.05</td>' in text and "nan" not in text.lower().replace("juesuan", "")
    assert text.count("<tr>") == 3  # the header and two rows, no index column
    linked = workbook.show(pd.DataFrame([{"单位目录": "甲<单位>"}])).with_markup("单位目录", lambda v: f"<a>{len(str(v))}</a>")
    assert "<a>5</a>" in linked.to_html()  # the markup as given, not escaped
