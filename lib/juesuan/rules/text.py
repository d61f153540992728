"""The text itself (DOMAIN.md §7, §10): template residue, years, doubled words and punctuation.

C.template_residue and C.year keep their ids (they were completeness rules); N.year and N.text_anomaly
read the narrative sentence by sentence.
"""

from __future__ import annotations

import re

from juesuan.claims.normalize import narrative_text
from juesuan.claims.tokens import is_grid_text
from juesuan.core.labels import YEAR
from juesuan.core.model import Location
from juesuan.core.normalize import compact
from juesuan.rules.base import Check, CouldNotCheck, NotApplicable, Severity, rule

BASIS_7 = "DOMAIN.md §7"

# placeholders on any line (tables included)
_PLACEHOLDER = re.compile(r"XX|xx|××|某某|…{2,}|\.{6,}(?!\s*\d)|X{2,}年|〇〇")
# residue of the narrative template, read on the normalised paragraph (PDF line breaks joined)
_NARRATIVE_RESIDUE = (
    # a blank slot: a relation word, then the unit with no figure (占 %, 比上年减少 万元)
    ("空白待填", re.compile(r"(?:占|占比|增加|减少|增长|下降|为|达|完成(?:年初)?预算的?|合计|共计|支出|收入)(?:[\s_]*)"
                         r"(?:%|万元)(?![\d])")),
    # alternatives left in: （或与预算数持平）, 下降（增长）, 增加（减少）
    ("备选表述未删", re.compile(r"\(或[^()]{1,20}\)|(?:增加|减少|增长|下降|大于|小于|上升|降低)\((?:增加|减少|增长|下降|大于|小于|上升|降低)\)"
                            r"|(?:增加|减少|增长|下降)/(?:增加|减少|增长|下降)")),
    # instructions left in: (具体……情况等), 请说明, 应说明
    ("填报说明未删", re.compile(r"具体[^。()]{0,30}?(?:…|\.{3})+[^。()]{0,20}?情况等|(?:请|须|需)(?:具体)?(?:说明|填写|列示)|"
                            r"\((?:说明|注明|填写)[^()]{0,30}\)|\((?:如有|如持平[^()]{0,12}|若[^()]{0,16}|不涉及的?不[列填][^()]{0,8})\)")),
)
_REPEATED_PUNCTUATION = re.compile(r"(。{2,}|,{2,}|，{2,}|;{2,}|；{2,}|、{2,}|:{2,})")
_BARE_RATE = re.compile(r"(?:增长|下降|上升|降低|完成(?:年初)?预算的|占比?)\d+\.\d+(?![\d.%])(?![万元亿个辆人台套项批次])")
_DOUBLED_WORDS = re.compile(r"(的的|了了|和和|及及|与与|在在|万元万元|支出支出|收入收入|决算决算|预算预算)")


def _toc_end(lines: list[str]) -> int:
    """Line number where the table of contents ends (its dotted leaders are not residue)."""
    start = next((i for i, line in enumerate(lines[:80]) if compact(line) in ("目录",)), None)
    if start is None:
        return 0
    end = start
    for i in range(start + 1, min(len(lines), start + 120)):
        if re.search(r"(\.{3,}|…+)\s*\d+\s*$", lines[i]) or re.search(r"\t\d+\s*$", lines[i]):
            end = i + 1
    return end




def _paragraphs(check: Check):
    """The prose paragraphs of the narrative (not a table's cells read as text), normalised."""
    for section in check.doc.sections:
        for paragraph in section.paragraphs:
            text = narrative_text(paragraph.text)
            if is_grid_text(text):
                continue
            yield section, paragraph, text


def _loc(section, paragraph, quote: str) -> Location:
    return Location(table=section.table_id, row=f"情况说明第{section.number}部分", page=paragraph.location.page,
                    line=paragraph.location.line, quote=quote[:80])


def _around(text: str, m: re.Match, width: int = 24) -> str:
    return text[max(0, m.start() - width):m.end() + width]


@rule("C.template_residue", "不得残留模板占位符、空白待填、备选表述和填报说明（XX、××、某某、占 %、（或……）、具体……情况等）",
      BASIS_7, "completeness")
def no_template_residue(check: Check) -> None:
    toc_end = _toc_end(check.doc.lines)
    check.counted()
    check.log("全文逐行查找模板残留", "无残留", f"{len(check.doc.lines)}行", "", "", "已查", Location())
    for number, line in enumerate(check.doc.lines, start=1):
        if number <= toc_end:
            continue
        for m in _PLACEHOLDER.finditer(line):
            check.report(Severity.WARNING, f"残留模板占位符“{m.group(0)}”", Location(line=number, quote=line.strip()[:80]),
                         "无占位符", m.group(0), None)
            break
    for section, paragraph, text in _paragraphs(check):
        for kind, pattern in _NARRATIVE_RESIDUE:
            for m in pattern.finditer(text):
                check.report(Severity.WARNING, f"{kind}：“{m.group(0)}”", _loc(section, paragraph, _around(text, m)),
                             "无模板残留", m.group(0), None)


@rule("C.year", "全文年度一致（封面、各表、情况说明、截至日期、绩效评价年度）", BASIS_7, "completeness")
def one_year_throughout(check: Check) -> None:
    year = check.doc.year
    if year is None:
        raise CouldNotCheck("封面未写明年度")
    for mentioned, location in check.doc.year_mentions:
        check.counted()
        check.log("年度", str(year), str(mentioned), "", "", "相符" if mentioned == year else "不符", location)
        if mentioned != year:
            check.report(Severity.ERROR, f"年度不一致：此处为{mentioned}年，文件为{year}年度", location, str(year),
                         str(mentioned), None)


# a year in a comparison must be the year before the document's: 与2023年相比 / 较2023年度决算数 / 比2023年
_COMPARED_YEAR = re.compile(rf"(?:与|较|比|同比)({YEAR})年度?(?:决算数?|决算|同期)?(?:相比|比较|相较|持平|增加|减少|增长|下降|$|,)")
# a heading or a sentence opening with a year: 二、2023年度收入决算情况说明 / 2023年度本部门…
_OPENING_YEAR = re.compile(rf"^(?:[(（]?[一二三四五六七八九十\d]+[)）、.]?)?({YEAR})年度?(?=.{{0,12}}(?:收入|支出|决算|部门|单位|本部门|本单位|“三公”|\"三公\"|三公|机关运行|政府采购|财政拨款|一般公共预算))")


@rule("N.year", "文中年度与文件年度相符：比较年为上一年，标题和句首年度为本年", BASIS_7, "narrative")
def narrative_years(check: Check) -> None:
    year = check.doc.year
    if year is None:
        raise CouldNotCheck("封面未写明年度")
    if not check.doc.sections:
        raise NotApplicable("没有情况说明")
    for section in check.doc.sections:
        heading = narrative_text(section.heading)
        m = _OPENING_YEAR.match(heading)
        if m:
            _count_year(check, "标题年度", year, m.group(1), section.location)
            if int(m.group(1)) != year:
                check.report(Severity.ERROR, f"标题年度为{m.group(1)}年，文件为{year}年度",
                             Location(table=section.table_id, row=section.heading, page=section.location.page,
                                      line=section.location.line, quote=section.heading), str(year), m.group(1), None)
        for paragraph in section.paragraphs:
            text = narrative_text(paragraph.text)
            sentences = re.findall(r"[^。;!?]+[。;!?]?", text)
            for index, sentence in enumerate(sentences):
                for m in _COMPARED_YEAR.finditer(sentence):
                    _count_year(check, "比较年度", year - 1, m.group(1), _loc(section, paragraph, sentence))
                    if int(m.group(1)) != year - 1:
                        check.report(Severity.ERROR, f"比较年度为{m.group(1)}年，{year}年度文件应与{year - 1}年比较",
                                     _loc(section, paragraph, sentence), str(year - 1), m.group(1), None)
                if index == 0:
                    continue  # a paragraph's opening year is C.year's
                m = _OPENING_YEAR.match(sentence)
                if m and m.group(0).endswith("年度"):  # 2023年结转资金… names a year's money, not the report's
                    _count_year(check, "句首年度", year, m.group(1), _loc(section, paragraph, sentence))
                    if int(m.group(1)) != year:
                        check.report(Severity.ERROR, f"句首年度为{m.group(1)}年，文件为{year}年度",
                                     _loc(section, paragraph, sentence), str(year), m.group(1), None)


def _count_year(check: Check, what: str, expected: int, found: str, location: Location) -> None:
    check.counted()
    check.log(what, str(expected), found, "", "", "相符" if int(found) == expected else "不符", location)


@rule("N.text_anomaly", "文字差错：重复标点（。。）、重复字词（的的）、百分率漏写%", BASIS_7, "narrative")
def text_anomalies(check: Check) -> None:
    if not check.doc.sections:
        raise NotApplicable("没有情况说明")
    for section, paragraph, text in _paragraphs(check):
        check.counted()
        check.log("重复标点、重复字词、漏写%", "无", f"{len(text)}字", "", "", "已查", _loc(section, paragraph, text))
        for kind, pattern in (("重复标点", _REPEATED_PUNCTUATION), ("重复字词", _DOUBLED_WORDS),
                              ("百分率缺少%", _BARE_RATE)):
            for m in pattern.finditer(text):
                check.report(Severity.WARNING, f"{kind}“{m.group(0)}”", _loc(section, paragraph, _around(text, m)),
                             "无重复", m.group(0), None)
