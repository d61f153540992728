"""Each rule's Chinese title and the basis a reader can look up: the one place they are written.

The registry (:func:`juesuan.rules.base.rule`) reads both from here: ``title`` is what reports show (the
id stays in small print and in JSON); ``basis`` names the regulation or the identity, never a file of
this repository. A rule registered without an entry here fails ``tests/test_rule_titles.py``.
"""

from __future__ import annotations

# Reader-facing bases, shared by many rules.
_TABLE = "决算报表表内勾稽关系：合计等于各分项之和"
_HIERARCHY = "《政府收支分类科目》层级关系：类＝所属款之和，款＝所属项之和，合计＝各类之和"
_CROSS = "决算报表表间勾稽关系：同一数字在各表中应一致"
_NARRATIVE = "情况说明应与所附决算报表的数字一致"
_ARITH = "计算关系（按所列数字的四舍五入区间判断）"
_ANNEX = "项目支出绩效自评表的计算关系"
_RULES = "《地方预决算公开操作规程》（财预〔2016〕143号）"
_LAW = "《中华人民共和国预算法》第十四条；" + _RULES

TITLES: dict[str, tuple[str, str]] = {
    # --- within tables ---------------------------------------------------------------------------
    "T01.income_lines": ("总表：收入各项之和等于本年收入合计", _TABLE),
    "T01.income_total": ("总表：收入总计的构成", _TABLE),
    "T01.expense_lines": ("总表：支出各项之和等于本年支出合计", _TABLE),
    "T01.expense_total": ("总表：支出总计的构成", _TABLE),
    "T01.balanced": ("总表：收入总计等于支出总计", "收支平衡：收入总计＝支出总计"),
    "T02.columns": ("收入表：各列收入之和等于合计列", _TABLE),
    "T02.hierarchy": ("收入表：科目层级汇总", _HIERARCHY),
    "T03.columns": ("支出表：各列支出之和等于合计列", _TABLE),
    "T03.hierarchy": ("支出表：科目层级汇总", _HIERARCHY),
    "T05.columns": ("一般公共预算支出表：基本支出＋项目支出＝小计", _TABLE),
    "T05.hierarchy": ("一般公共预算支出表：科目层级汇总", _HIERARCHY),
    "T07.columns": ("政府性基金表：基本支出＋项目支出＝本年支出", _TABLE),
    "T07.balance": ("政府性基金表：结转结余的平衡", "年初结转和结余＋本年收入－本年支出＝年末结转和结余"),
    "T07.hierarchy": ("政府性基金表：科目层级汇总", _HIERARCHY),
    "T08.columns": ("国有资本经营表：基本支出＋项目支出＝合计", _TABLE),
    "T08.hierarchy": ("国有资本经营表：科目层级汇总", _HIERARCHY),
    "T04.fund_columns": ("财政拨款收支总表：三类资金之和等于合计", _TABLE),
    "T04.income_lines": ("财政拨款收支总表：三类财政拨款收入之和", _TABLE),
    "T04.expense_lines": ("财政拨款收支总表：各类支出之和", _TABLE),
    "T04.balance": ("财政拨款收支总表：收支总计平衡", "收支平衡：本年收入＋年初结转和结余＝本年支出＋年末结转和结余"),
    "T04.fund_balance": ("财政拨款收支总表：每类资金收支平衡", "收支平衡：本年收入＋年初结转和结余＝本年支出＋年末结转和结余"),
    "T06.hierarchy": ("基本支出表：经济分类层级汇总", "《政府收支分类科目》支出经济分类：类＝所属款之和"),
    "T06.personnel": ("基本支出表：人员经费合计", "人员经费＝工资福利支出＋对个人和家庭的补助"),
    "T06.public": ("基本支出表：公用经费合计", "公用经费＝商品和服务支出等公用科目之和"),
    "T06.capital_construction": ("基本支出表：基本建设类科目不列基本支出", "《政府收支分类科目》：基本建设支出属于项目支出"),
    "T09.total": ("三公经费表：合计等于三项之和", _TABLE),
    "T09.vehicle": ("三公经费表：公务用车费用小计", _TABLE),
    "T10.procurement": ("统计表：政府采购合计", _TABLE),
    "T10.vehicles": ("统计表：车辆数合计", _TABLE),
    "T10.running_cost": ("统计表：机关运行经费只填一行", "决算报表填报说明：按单位性质填列机关运行经费"),
    # --- completeness ----------------------------------------------------------------------------
    "C.required_tables": ("公开表齐全", _LAW),
    "C.tables_readable": ("各表可以读出", "能读出的表才能核对；读不出的表不作为空表"),
    "C.empty_table_statement": ("空表附有说明", _RULES),
    "C.function_depth": ("功能分类公开到项级", _RULES + "：支出按功能分类公开到项级"),
    "C.economic_depth": ("经济分类公开到款级", _RULES + "：基本支出按经济分类公开到款级"),
    "C.narrative_sections": ("每张表都有情况说明", _RULES),
    "C.sangong_explained": ("三公经费说明列明数量", _RULES + "：说明因公出国团组和人次、公务用车购置和保有量、公务接待批次和人次"),
    "C.other_matters": ("说明机关运行经费、政府采购、国有资产和绩效", _LAW),
    "C.glossary": ("附有名词解释", _RULES),
    "C.template_residue": ("无模板残留", "公开文件不得留有模板占位符"),
    "C.year": ("全文年度一致", "同一份决算公开文件年度应一致"),
    "C.unit_name": ("全文单位名称一致", "同一份决算公开文件单位名称应一致"),
    "C.amount_unit": ("各表注明金额单位", "决算报表应注明金额单位"),
    # --- across tables ---------------------------------------------------------------------------
    "X01_02.income_total": ("总表与收入表：本年收入合计一致", _CROSS),
    "X01_02.income_lines": ("总表与收入表：各项收入一致", _CROSS),
    "X01_03.expense_total": ("总表与支出表：本年支出合计一致", _CROSS),
    "X01_03.expense_classes": ("总表与支出表：各类支出一致", _CROSS),
    "X04_01.income_lines": ("财政拨款收支总表与总表：财政拨款收入一致", _CROSS),
    "X04_02.fiscal_income": ("财政拨款收支总表与收入表：财政拨款收入一致", _CROSS),
    "X04_05.general_budget": ("财政拨款收支总表与一般公共预算支出表一致", _CROSS),
    "X04_07.fund": ("财政拨款收支总表与政府性基金表一致", _CROSS),
    "X04_08.soe": ("财政拨款收支总表与国有资本经营表一致", _CROSS),
    "X04_07_08.empty_declared": ("无基金或国资预算资金时相应表为空并说明", _CROSS),
    "X05_06.basic": ("一般公共预算支出表与基本支出表：基本支出一致", _CROSS),
    "X05_03.within": ("一般公共预算支出不超过支出表同一科目", "部分不大于整体：一般公共预算财政拨款支出是总支出的一部分"),
    "X06_09.sangong_parts": ("基本支出表三公科目不超过三公经费表", "部分不大于整体：三公经费科目不超过三公经费决算数"),
    # --- annex -----------------------------------------------------------------------------------
    "A.execution_rate": ("绩效自评：预算执行率", _ANNEX + "：执行率＝实际执行金额÷实际到位金额"),
    "A.score_within_weight": ("绩效自评：得分不超过分值", _ANNEX),
    "A.weights_total_100": ("绩效自评：分值合计100分", _ANNEX),
    "A.weights_consistent": ("绩效自评：分值与评分规则一致", _ANNEX),
    "A.total_score": ("绩效自评：总分等于各项得分之和", _ANNEX),
    "A.project_funds": ("绩效自评：执行金额不超过项目支出", "部分不大于整体：自评项目资金是项目支出的一部分"),
    # --- narrative against tables and itself -----------------------------------------------------
    "N.amount_matches_table": ("情况说明金额与表格一致", _NARRATIVE),
    "N.share": ("情况说明占比计算", _ARITH + "：占比＝该项金额÷总额"),
    "N.share_total": ("情况说明各项占比合计100%", _ARITH),
    "N.yoy_arithmetic": ("情况说明增减率计算", _ARITH + "：增减率＝增减额÷上年数"),
    "N.yoy_direction": ("情况说明增减方向前后一致", "同一句中增减用词应一致"),
    "N.yoy_zero_base": ("上年为零时不述增长率", "上年数为零时增长率无意义"),
    "N.yoy_prior_sum": ("推算的上年数前后一致", _ARITH + "：各项上年数之和＝总额上年数"),
    "N.budget_rate": ("情况说明预算完成率计算", _ARITH + "：完成率＝决算数÷年初预算数"),
    "N.budget_zero_base": ("年初预算为零时不述完成率", "年初预算为零时完成率无意义"),
    "N.budget_direction": ("预决算比较用词与数字一致", "决算大于、小于或等于预算的表述应与数字一致"),
    "N.budget_sum": ("各类年初预算之和等于总额", _ARITH),
    "N.breakdown_sum": ("“其中”各项之和等于总额", _ARITH + "：“其中”各项之和＝总额"),
    "N.sangong_counts": ("三公经费金额与数量相互印证", _RULES + "：三公经费说明列明数量"),
    "N.absence": ("称“无此项”时表中无金额", _NARRATIVE),
    "N.assets_counts": ("国有资产数量与统计表一致", _NARRATIVE),
    "N.performance": ("绩效自评项目数和资金与附件一致", _NARRATIVE),
    "N.year": ("情况说明中的年度与文件年度相符", _RULES + "：公开内容应为本年度决算"),
    "N.text_anomaly": ("文字差错：重复标点、重复字词、漏写%", "公开文件应表述准确、规范"),
    "N.unit": ("金额单位：万元与元没有写混", _NARRATIVE),
    "N.total_balance": ("情况说明收入总计等于支出总计", "收支平衡：收入总计＝支出总计"),
    "N.count_parts": ("数量的构成之和等于总数", _ARITH + "：各项数量之和＝总数"),
}


def title_of(rule_id: str) -> str:
    """The Chinese title of a rule, or '' when none is written here (a test catches that)."""
    entry = TITLES.get(rule_id)
    return entry[0] if entry else ""


def basis_of(rule_id: str) -> str | None:
    entry = TITLES.get(rule_id)
    return entry[1] if entry else None
