"""Consistent documents that once drew false findings (found by the synthetic-unit generator)."""

from __future__ import annotations

from juesuan.claims import extract_claims
from juesuan.engine import audit
from juesuan.extract.text import read_text

from conftest import replace_once, set_cells

T06 = "一般公共预算财政拨款基本支出决算明细表"
T10 = "部门决算公开相关信息统计表"


def test_sub_receptions_are_not_the_reception_total(seed_text):
    text = replace_once(seed_text, "公务接待费支出0万元，共接待0批次，0人次。国内接待费0万元",
                        "公务接待费支出5.65万元，共接待19批次，209人次。国内接待费5.65万元")
    counts = {c.subject: c.figures["count"].value for c in extract_claims(read_text(text)) if c.kind == "count"}
    assert counts["接待批次"] == 19 and counts["接待人次"] == 209
    assert counts["外事接待批次"] == 0 and counts["国内接待批次"] == 0  # as the sentence writes them


def test_item_named_under_two_classes_resolves_to_the_row_with_money(seed_text):
    # 办公设备购置 stands under 309 (基本建设, printed ——) and 310; the narrative means the 310 one.
    text = set_cells(seed_text, T06, "30306", {8: "1.00"})  # 31002 办公设备购置
    text = replace_once(text, "其他商品和服务支出1.31万元。", "其他商品和服务支出1.31万元、办公设备购置1.00万元。")
    result = audit(read_text(text), ["N.amount_matches_table"])
    assert not [f for f in result.findings if "办公设备购置" in f.message]
    evidence = [c for c in result.evidence if "办公设备购置" in c.what]
    assert evidence and evidence[0].verdict == "相符"


def test_vehicles_by_kind_are_compared_kind_by_kind(seed_text):
    text = replace_once(seed_text, "共有车辆0辆。", "共有车辆3辆，其中：主要负责人用车1辆、执法执勤用车2辆。")
    text = set_cells(text, T10, "(一) 车辆数合计", {2: "3"})
    text = set_cells(text, T10, "2. 主要负责人用车", {2: "1"})
    text = set_cells(text, T10, "5. 执法执勤用车", {2: "2"})
    outcome = audit(read_text(text), ["N.assets_counts"]).outcomes[0]
    assert outcome.status.value == "pass" and outcome.comparisons == 4
    wrong = set_cells(text, T10, "5. 执法执勤用车", {2: "1"})
    findings = audit(read_text(wrong), ["N.assets_counts"]).findings
    assert [f.message for f in findings] == ["文中车辆·执法执勤用车数与10表：应为1辆，实为2辆，相差1辆"]
