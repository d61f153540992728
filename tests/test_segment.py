"""The segmenter and table identification on small synthetic texts (no real document needed)."""

from __future__ import annotations

import pytest

from juesuan.catalog import identify_title
from juesuan.catalog.templates import Found, detect, required_tables, templates
from juesuan.core.exceptions import InputError
from juesuan.core.model import Location
from juesuan.extract.segment import PartTracker, find_toc, ordinal_part_kind, read_cover, refuse_budget
from juesuan.extract.structure import Line
from juesuan.extract.text import read_text


def lines(*texts: str, page: int | None = None) -> list[Line]:
    return [Line(text=t, location=Location(line=i, page=page)) for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize("cover,unit,year,kind", [
    (("2019年佛山市轨道交通局 部门决算",), "佛山市轨道交通局", 2019, "final"),
    (("上海市普陀区规划和自然", "资源局", "2024年度部门决算"), "上海市普陀区规划和自然资源局", 2024, "final"),
    (("西安市卫生健康委员会(汇总)", "2022年度部门决算", "保密审查情况:已审查"), "西安市卫生健康委员会(汇总)", 2022, "final"),
    (("2026年深圳市规划和自然资源局大鹏", "管理局部门预算"), "深圳市规划和自然资源局大鹏管理局", 2026, "budget"),
    (("西南大学2023年度部门决算", "2024年8月"), "西南大学", 2023, "final"),
])
def test_cover_in_any_order_and_wrapped(cover, unit, year, kind):
    identity = read_cover(lines(*cover, "目录", "第一部分 概况")).identity
    assert (identity.unit_name, identity.year, identity.kind) == (unit, year, kind)


def test_cover_never_takes_a_part_heading_for_the_unit():
    identity = read_cover(lines("目录", "第二部分佛山市轨道交通局2019年部门决算表")).identity
    assert identity.unit_name == "佛山市轨道交通局"


def test_budget_refused_by_cover_or_by_table_labels():
    doc = lines("2026年深圳市规划和自然资源局大鹏", "管理局部门预算", "目 录")
    with pytest.raises(InputError) as info:
        refuse_budget(doc, read_cover(doc), "x.pdf")
    assert info.value.code == "not_final_accounts" and "预算" in info.value.reason
    tables_only = lines("预算01表 收支总表", "金额单位:万元", "一、一般公共预算拨款收入")
    with pytest.raises(InputError) as info:
        refuse_budget(tables_only, read_cover(tables_only), "x.pdf")
    assert "预算01表" in info.value.reason


def test_toc_with_leaders_two_entries_a_line_and_a_bare_part_heading():
    doc = lines("某某部2024年度部门决算", "目录",
                "第一部分 部门概况……………1 第二部分 2024年度部门决算表……5",
                "第三部分 2024年度部门决算情况说明……20",
                "第一部分", "部门概况", "一、部门职责")
    toc = find_toc(doc)
    assert toc.entries[:3] == ["第一部分部门概况", "第二部分2024年度部门决算表", "第三部分2024年度部门决算情况说明"]
    assert doc[toc.body].text == "第一部分"
    tracker = PartTracker(doc[toc.body:])
    assert tracker.heading(doc[toc.body], doc[toc.body + 1]) == "overview"


def test_parts_without_part_headings():
    assert ordinal_part_kind("二、2023年度部门决算报表") == "tables"
    assert ordinal_part_kind("三、决算报表说明") == "narrative"
    assert ordinal_part_kind("四、名词解释") == "glossary"
    assert ordinal_part_kind("一、收入支出决算总表") is None  # a table title, not a part
    assert ordinal_part_kind("一、收入支出决算总体情况说明") is None  # a narrative section


@pytest.mark.parametrize("title,table_id,label", [
    ("表 1：高等学校收支决算总表", "01", "表1"),
    ("表4:高等学校财政拨款支出决算表", "05", "表4"),
    ("财政拨款“三公”经费及会议费、培训费支出决算表", "09", None),
    ("一般公共预算财政拨款“三公”经费支出决算表", "09", None),
    ("公开05表 一般公共预算财政拨款支出决算表", "05", "公开05表"),
    ("财政拨款收入支出决算总表", "04", None),
])
def test_titles_identified_longest_alias_with_label(title, table_id, label):
    match = identify_title(title)
    assert match is not None and (match.spec.id, match.label) == (table_id, label)


@pytest.mark.parametrize("line", ["一、收入支出决算总体情况说明", "(一)高等学校收支决算总表说明", "表1 收入支出决算总表 否",
                                  "第二部分 2024年部门决算表", "本部门2024年度支出决算表反映了全部支出情况。"])
def test_sentences_are_not_titles(line):
    assert identify_title(line) is None


def _found(pairs):
    return [Found(tid, title, label) for tid, title, label in pairs]


def test_template_detected_by_score():
    gd = [("01", "收入支出决算总表", "表1"), ("02", "收入决算表", "表2"), ("03", "支出决算表", "表3"),
          ("04", "财政拨款收入支出决算总表", "表4"), ("05", "一般公共预算财政拨款支出决算表", "表5"),
          ("06", "一般公共预算财政拨款基本支出决算表", "表6"), ("09", "一般公共预算财政拨款“三公”经费支出决算表", "表7"),
          ("07", "政府性基金预算财政拨款收入支出决算表", "表8")]
    assert detect(_found(gd)) == "guangdong-city-2019-8"
    sx = [(f"{i:02d}", t, f"公开{i:02d}表") for i, t in enumerate(
        ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
         "一般公共预算财政拨款基本支出决算表", "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"], 1)]
    assert detect(_found(sx + [("09", "财政拨款“三公”经费及会议费、培训费支出决算表", "公开09表")])) == "shaanxi-9"
    shanxi = [(t, "一般公共预算财政拨款基本支出决算明细表" if t == "06" else title, lab) for t, title, lab in sx]
    assert detect(_found(shanxi + [("09", "财政拨款“三公”经费支出决算表", "公开09表")])) == "shanxi-10"
    # Nine tables and nothing that tells Shanxi: the nine-table family, so no table 10 is called missing.
    assert detect(_found(sx + [("09", "财政拨款“三公”经费支出决算表", "公开09表")])) == "shaanxi-9"
    uni = [("01", "表1:高等学校收支决算总表", "表1"), ("02", "表2:高等学校收入决算表", "表2"),
           ("03", "表3:高等学校支出决算表", "表3"), ("05", "表4:高等学校财政拨款支出决算表", "表4")]
    assert detect(_found(uni)) == "university-4"
    assert detect(_found(uni[:1])) is None
    assert set(required_tables(None)) <= set(templates()["university-4"].table_ids)


def test_repeated_title_continues_the_table_and_no_page_is_dropped(seed_text):
    anchor = "收入决算表\n"
    start = seed_text.index(anchor)
    end = seed_text.index("支出决算表\n", start)
    block = seed_text[start:end]
    rows = [ln for ln in block.splitlines() if ln.startswith("2")]
    # Split 02 after its first coded rows and print its title again, as a table spanning pages does.
    cut = block.index(rows[2])
    doubled = seed_text[:start] + block[:cut] + "收入决算表\n" + block[cut:] + seed_text[end:]
    doc = read_text(doubled)
    assert [r.code for r in doc.tables["02"].coded_rows()] == [r.code for r in read_text(seed_text).tables["02"].coded_rows()]


def test_continuation_without_the_empty_code_columns_is_placed_back():
    from juesuan.extract.pdf.grids import Grid
    from juesuan.extract.pdf.reader import _widen

    first = Grid(page=14, top=0, bottom=1, left=100, right=740, rows=[
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
        ["205", "", "", "教育支出", "10.00", "6.00", "4.00"],
        ["20502", "", "", "普通教育", "10.00", "6.00", "4.00"]])
    nxt = Grid(page=15, top=0, bottom=1, left=101, right=741, rows=[["2050202", "小学教育", "10.00", "6.00", "4.00"]])
    assert _widen(nxt, first)
    assert nxt.rows == [["2050202", "", "", "小学教育", "10.00", "6.00", "4.00"]]
    other = Grid(page=15, top=0, bottom=1, left=40, right=780, rows=[["1", "2", "3"]])
    assert not _widen(other, first)  # another table's grid is never glued on
