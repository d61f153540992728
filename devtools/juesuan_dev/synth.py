"""Synthetic final-account disclosures with an answer key, for tests and benchmarks.

``generate(units, out_dir, faults=False, seed=0, pdf_share=0.2)`` writes ``units`` disclosures in the
text form of the seed (``data/yangquan-bigdata-center-2024.txt``) — or, for a ``pdf_share`` of them,
as PDFs rendered by :mod:`juesuan_dev.render_pdf` — plus ``answer_key.json``.

Every document is built from true amounts in integer 元 and printed in 万元 rounded to two decimals
(ROUND_HALF_UP), so the tail errors of real documents (DOMAIN.md §6) occur naturally; every identity
of DOMAIN.md §3–§5 holds up to that rounding, and every percentage of the narrative is computed from
the printed amounts. Units vary in name, year (2022–2025), 部门/单位 scope, functional classes, 经济分类
items, 政府性基金 money, 三公 money, procurement, vehicles, 行政/参公/事业 status and the template
(Shanxi ten tables, or the Shanghai nine-table numbering).

With ``faults=True`` about 40 % of the units carry one or two injected faults from :data:`FAULTS`;
each names the rule ids of :func:`juesuan.rules.registry` that must fail. Everything is deterministic
for a given seed. Money is ``int`` (元) or ``Decimal`` (万元) throughout, never float.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable

__all__ = ["Fault", "SynthUnit", "FAULTS", "generate", "build_unit"]

CENT = Decimal("0.01")
WAN = Decimal(10000)


def wan(yuan: int) -> Decimal:
    """元 -> 万元, two decimals, ROUND_HALF_UP (as the published tables do)."""
    return (Decimal(yuan) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def cell(yuan: int) -> str:
    """A table cell: blank for nothing, else the 万元 amount with two decimals."""
    return "" if not yuan else f"{wan(yuan):.2f}"


def money(value: Decimal) -> str:
    """A narrative amount as the seed prints it: 365.65 and 0 (no decimals for a zero)."""
    return "0" if value == 0 else f"{value:.2f}"


def short(value: Decimal) -> str:
    """A narrative amount with trailing zeros dropped (24.9, 0.3, 5), as section 六 of the seed does."""
    if value == 0:
        return "0"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the catalogue of real 2024 functional codes used -------------------------------------------------

FUNC: dict[str, str] = {
    # 201
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务", "2010301": "行政运行", "2010302": "一般行政管理事务", "2010350": "事业运行",
    "20105": "统计信息事务", "2010501": "行政运行", "2010504": "信息事务", "2010507": "专项普查活动", "2010508": "统计抽样调查",
    "2010550": "事业运行",
    "20106": "财政事务", "2010601": "行政运行", "2010602": "一般行政管理事务", "2010608": "财政委托业务支出",
    "20126": "档案事务", "2012601": "行政运行", "2012602": "一般行政管理事务", "2012604": "档案馆",
    # 204
    "204": "公共安全支出",
    "20406": "司法", "2040601": "行政运行", "2040604": "基层司法业务", "2040605": "普法宣传", "2040610": "社区矫正",
    # 205
    "205": "教育支出",
    "20501": "教育管理事务", "2050101": "行政运行", "2050102": "一般行政管理事务",
    "20502": "普通教育", "2050202": "小学教育", "2050203": "初中教育", "2050204": "高中教育",
    # 206
    "206": "科学技术支出",
    "20601": "科学技术管理事务", "2060101": "行政运行", "2060102": "一般行政管理事务",
    "20604": "技术研究与开发", "2060499": "其他技术研究与开发支出",
    # 207
    "207": "文化旅游体育与传媒支出",
    "20701": "文化和旅游", "2070101": "行政运行", "2070104": "图书馆", "2070108": "文化活动", "2070109": "群众文化",
    "2070111": "文化创作与保护",
    # 208
    "208": "社会保障和就业支出",
    "20802": "民政管理事务", "2080201": "行政运行", "2080208": "基层政权建设和社区治理",
    "20805": "行政事业单位养老支出", "2080501": "行政单位离退休", "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
    # 210
    "210": "卫生健康支出",
    "21001": "卫生健康管理事务", "2100101": "行政运行", "2100102": "一般行政管理事务",
    "21004": "公共卫生", "2100401": "疾病预防控制机构", "2100408": "基本公共卫生服务", "2100409": "重大公共卫生服务",
    "21011": "行政事业单位医疗", "2101101": "行政单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助",
    # 211
    "211": "节能环保支出",
    "21101": "环境保护管理事务", "2110101": "行政运行", "2110104": "生态环境保护宣传",
    "21103": "污染防治", "2110301": "大气", "2110302": "水体",
    # 212
    "212": "城乡社区支出",
    "21201": "城乡社区管理事务", "2120101": "行政运行", "2120104": "城管执法",
    "21208": "国有土地使用权出让收入安排的支出", "2120801": "征地和拆迁补偿支出", "2120803": "城市建设支出",
    # 213
    "213": "农林水支出",
    "21301": "农业农村", "2130101": "行政运行", "2130108": "病虫害控制", "2130122": "农业生产发展", "2130153": "农田建设",
    "21302": "林业和草原", "2130201": "行政运行", "2130205": "森林资源培育", "2130209": "森林生态效益补偿",
    # 214
    "214": "交通运输支出",
    "21401": "公路水路运输", "2140101": "行政运行", "2140106": "公路养护", "2140112": "公路运输管理",
    # 221
    "221": "住房保障支出",
    "22102": "住房改革支出", "2210201": "住房公积金",
    # 224
    "224": "灾害防治及应急管理支出",
    "22401": "应急管理事务", "2240101": "行政运行", "2240106": "安全监管", "2240108": "应急救援",
    # 229
    "229": "其他支出",
    "22960": "彩票公益金安排的支出", "2296002": "用于社会福利的彩票公益金支出", "2296003": "用于体育事业的彩票公益金支出",
}


@dataclass(frozen=True)
class Profile:
    org: str  # the organisation's name after the place (财政局)
    kinds: tuple[str, ...]  # 行政 / 参公 / 事业
    run_admin: str  # 项 of 行政运行 (行政/参公)
    run_civil: str  # 项 of 事业运行 / the unit's own line (事业)
    projects: tuple[str, ...]  # 项 codes for 项目支出
    fund: str | None = None  # 政府性基金 项 this kind of unit may spend
    duties: tuple[str, ...] = ()
    parent: str | None = None  # 主管部门 for a 单位 (after the place)


PROFILES: tuple[Profile, ...] = (
    Profile("财政局", ("行政",), "2010601", "2010601", ("2010602", "2010608"),
            duties=("贯彻执行财税方针政策，拟订全市财政发展规划和政策措施", "承担本级各项财政收支管理的责任",
                    "负责政府非税收入管理和政府采购监督管理工作", "负责管理本级财政国库集中收付和财政会计工作")),
    Profile("统计局", ("行政",), "2010501", "2010501", ("2010507", "2010508"),
            duties=("组织实施全市统计调查和统计监督", "负责国民经济核算和统计数据发布",
                    "组织实施经济普查、人口普查等重大国情国力普查")),
    Profile("档案馆", ("参公", "事业"), "2012601", "2012604", ("2012602",),
            duties=("负责接收、征集、整理、保管和利用档案资料", "开展档案编研和档案信息化建设", "指导所属单位档案工作")),
    Profile("司法局", ("行政",), "2040601", "2040601", ("2040604", "2040605", "2040610"),
            duties=("承担全面依法治市的统筹协调工作", "负责普法宣传和公共法律服务体系建设", "指导人民调解和社区矫正工作")),
    Profile("教育局", ("行政",), "2050101", "2050101", ("2050102", "2050202", "2050203"),
            duties=("贯彻执行教育方针政策，统筹全市各级各类教育发展", "负责基础教育的宏观管理", "负责教育经费和教师队伍管理")),
    Profile("第一中学", ("事业",), "2050204", "2050204", ("2050204",),
            duties=("实施高中阶段学历教育", "开展教育教学研究，促进学生全面发展"), parent="教育局"),
    Profile("疾病预防控制中心", ("事业",), "2100401", "2100401", ("2100408", "2100409"),
            duties=("开展疾病预防控制和突发公共卫生事件应急处置", "承担免疫规划和健康教育工作", "开展公共卫生监测与检验"),
            parent="卫生健康委员会"),
    Profile("卫生健康委员会", ("行政",), "2100101", "2100101", ("2100102", "2100408"),
            duties=("组织拟订全市卫生健康事业发展规划", "统筹规划卫生健康资源配置", "组织开展爱国卫生运动")),
    Profile("农业农村局", ("行政",), "2130101", "2130101", ("2130108", "2130122", "2130153"),
            duties=("统筹研究和组织实施乡村振兴战略", "负责种植业、畜牧业、渔业行业管理", "负责农田建设和耕地质量管理")),
    Profile("林业局", ("行政",), "2130201", "2130201", ("2130205", "2130209"),
            duties=("负责林业和草原及其生态保护修复的监督管理", "组织开展森林资源培育和森林防火工作")),
    Profile("城市管理局", ("行政",), "2120101", "2120101", ("2120104",), fund="2120803",
            duties=("负责市容环境卫生管理", "负责城市管理综合执法", "负责城市道路、桥梁等市政设施的维护管理")),
    Profile("图书馆", ("事业",), "2070104", "2070104", ("2070108",),
            duties=("负责文献信息资源的收集、整理和保存", "提供图书借阅和公共文化服务", "开展全民阅读推广活动"),
            parent="文化和旅游局"),
    Profile("文化和旅游局", ("行政",), "2070101", "2070101", ("2070109", "2070111"),
            duties=("拟订文化和旅游发展规划", "指导群众文化活动和公共文化服务体系建设", "负责文物保护和旅游市场管理")),
    Profile("民政局", ("行政",), "2080201", "2080201", ("2080208",), fund="2296002",
            duties=("拟订社会救助和社会福利政策", "负责社会组织登记管理", "指导基层政权建设和社区治理")),
    Profile("交通运输局", ("行政",), "2140101", "2140101", ("2140106", "2140112"),
            duties=("负责公路、水路交通行业管理", "负责公路养护和道路运输管理", "组织协调交通运输安全生产")),
    Profile("应急管理局", ("行政",), "2240101", "2240101", ("2240106", "2240108"),
            duties=("组织编制应急体系建设规划", "负责安全生产综合监督管理", "指导协调防汛抗旱和应急救援工作")),
    Profile("生态环境局", ("行政",), "2110101", "2110101", ("2110104", "2110301", "2110302"),
            duties=("负责建立健全生态环境基本制度", "负责大气、水体等污染防治的监督管理", "组织开展生态环境保护宣传")),
    Profile("科学技术局", ("行政",), "2060101", "2060101", ("2060102", "2060499"),
            duties=("拟订科技发展规划和政策", "组织实施重大科技项目", "推进科技成果转化和技术市场建设")),
    Profile("大数据管理服务中心", ("事业",), "2010504", "2010504", ("2010504",),
            duties=("提供大数据、数字政府等领域政策研究和技术支撑", "负责政务网络基础设施和政务信息系统日常管理",
                    "负责数据资源的共享和交换"), parent="数据局"),
    Profile("机关事务服务中心", ("参公",), "2010301", "2010350", ("2010302",),
            duties=("负责机关办公用房和公务用车的管理", "承担机关后勤服务保障工作", "推进公共机构节能工作")),
)

SHANXI_PLACES = ("阳泉市", "晋中市", "长治市", "大同市", "忻州市", "吕梁市", "临汾市", "运城市", "朔州市", "晋城市", "太原市",
                 "阳泉市郊区", "平定县", "盂县")
SHANGHAI_PLACES = ("上海市普陀区", "上海市静安区", "上海市长宁区", "上海市徐汇区", "上海市杨浦区", "上海市虹口区", "上海市闵行区")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌宇浩凯辉亮健丹琳雪梅慧颖晨欣彤瑞斌杨"

# 06 panels, exactly as the seed prints them: (code, name) per row of each panel; None = empty cell.
PANEL1 = [("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"), ("30103", "奖金"), ("30106", "伙食补助费"),
          ("30107", "绩效工资"), ("30108", "机关事业单位基本养老保险缴费"), ("30109", "职业年金缴费"), ("30110", "职工基本医疗保险缴费"),
          ("30111", "公务员医疗补助缴费"), ("30112", "其他社会保障缴费"), ("30113", "住房公积金"), ("30114", "医疗费"),
          ("30199", "其他工资福利支出"), ("303", "对个人和家庭的补助"), ("30301", "离休费"), ("30302", "退休费"), ("30303", "退职（役）费"),
          ("30304", "抚恤金"), ("30305", "生活补助"), ("30306", "救济费"), ("30307", "医疗费补助"), ("30308", "助学金"), ("30309", "奖励金"),
          ("30310", "个人农业生产补贴"), ("30311", "代缴社会保险费"), ("30399", "其他对个人和家庭的补助"), None]
PANEL2 = [("302", "商品和服务支出"), ("30201", "办公费"), ("30202", "印刷费"), ("30203", "咨询费"), ("30204", "手续费"), ("30205", "水费"),
          ("30206", "电费"), ("30207", "邮电费"), ("30208", "取暖费"), ("30209", "物业管理费"), ("30211", "差旅费"),
          ("30212", "因公出国（境）费用"), ("30213", "维修（护）费"), ("30214", "租赁费"), ("30215", "会议费"), ("30216", "培训费"),
          ("30217", "公务接待费"), ("30218", "专用材料费"), ("30224", "被装购置费"), ("30225", "专用燃料费"), ("30226", "劳务费"),
          ("30227", "委托业务费"), ("30228", "工会经费"), ("30229", "福利费"), ("30231", "公务用车运行维护费"), ("30239", "其他交通费用"),
          ("30240", "税金及附加费用"), ("30299", "其他商品和服务支出")]
PANEL3 = [("307", "债务利息及费用支出"), ("30701", "国内债务付息"), ("30702", "国外债务付息"), ("30703", "国内债务发行费用"),
          ("30704", "国外债务发行费用"), ("309", "资本性支出（基本建设）"), ("30901", "房屋建筑物购建"), ("30902", "办公设备购置"),
          ("30903", "专用设备购置"), ("30905", "基础设施建设"), ("30906", "大型修缮"), ("30907", "信息网络及软件购置更新"),
          ("30908", "物资储备"), ("30913", "公务用车购置"), ("30919", "其他交通工具购置"), ("30921", "文物和陈列品购置"),
          ("30922", "无形资产购置"), ("30999", "其他基本建设支出"), ("310", "资本性支出"), ("31001", "房屋建筑物购建"),
          ("31002", "办公设备购置"), ("31003", "专用设备购置"), ("31005", "基础设施建设"), ("31006", "大型修缮"),
          ("31007", "信息网络及软件购置更新"), ("31008", "物资储备"), ("31009", "土地补偿"), ("31010", "安置补助")]
PANEL4 = [("31011", "地上附着物和青苗补偿"), ("31012", "拆迁补偿"), ("31013", "公务用车购置"), ("31019", "其他交通工具购置"),
          ("31021", "文物和陈列品购置"), ("31022", "无形资产购置"), ("31099", "其他资本性支出"), ("311", "对企业补助（基本建设）"),
          ("31101", "资本金注入（基本建设）"), ("31199", "其他对企业补助"), ("312", "对企业补助"), ("31201", "资本金注入"),
          ("31203", "政府投资基金股权投资"), ("31204", "费用补贴"), ("31205", "利息补贴"), ("31206", "其他资本性补助"),
          ("31299", "其他对企业补助"), ("313", "对社会保障基金补助"), ("31302", "对社会保险基金补助"), ("31303", "补充全国社会保障基金"),
          ("31304", "对机关事业单位职业年金的补助"), ("399", "其他支出"), ("39907", "国家赔偿费用支出"),
          ("39908", "对民间非营利组织和群众性自治组织补贴"), ("39909", "经常性赠与"), ("39910", "资本性赠与"), ("39999", "其他支出"), None]
ECON_NAMES = {c[0]: c[1] for panel in (PANEL1, PANEL2, PANEL3, PANEL4) for c in panel if c}

CLASS_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七",
                  "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六")
CLASSES_01 = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216", "217",
              "219", "220", "221", "222", "223", "224", "229", "231", "232", "234")


def _class_name(code: str) -> str:
    from juesuan.catalog import FUNCTION_CLASSES

    return FUNCTION_CLASSES[code]


# --- the model of one unit ------------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    description: str
    rules: list[str]


@dataclass
class SynthUnit:
    unit_id: str
    file_name: str
    path: Path
    unit: str
    year: int
    template: str
    scope: str
    kind: str
    faults: list[Fault] = field(default_factory=list)
    features: dict = field(default_factory=dict)

    def key_entry(self) -> dict:
        return {"unit": self.unit, "year": self.year, "template": self.template, "scope": self.scope, "kind": self.kind,
                "features": self.features,
                "faults": [{"kind": f.kind, "description": f.description, "rules": list(f.rules)} for f in self.faults]}


@dataclass
class Line05:
    """One 项 of spending: general-budget basic/project, 政府性基金 project, non-fiscal basic/project (元)."""

    code: str
    g_basic: int = 0
    g_project: int = 0
    f_project: int = 0
    n_basic: int = 0
    n_project: int = 0

    @property
    def general(self) -> int:
        return self.g_basic + self.g_project

    @property
    def basic(self) -> int:
        return self.g_basic + self.n_basic

    @property
    def project(self) -> int:
        return self.g_project + self.f_project + self.n_project

    @property
    def total(self) -> int:
        return self.basic + self.project


@dataclass
class Model:
    name: str
    year: int
    scope: str  # 部门 / 单位
    kind: str  # 行政 / 参公 / 事业
    template: str
    profile: Profile
    place: str
    lines: dict[str, Line05]
    econ: dict[str, int]  # 06 item -> 元 (general-budget basic)
    fund_opening: int
    fund_income: int
    fund_closing: int
    business_income: int  # 事业收入 (on the unit's own line)
    other_income: int  # 其他收入
    sangong_budget: dict[str, int]
    sangong_final: dict[str, int]
    sangong_prior: dict[str, int]
    counts: dict[str, int]
    procurement: dict[str, int]  # goods / works / services / sme / micro
    vehicles: dict[str, int]
    equipment: int
    running_cost: int
    running_prior: int
    prior: dict[str, int]  # 05 classes, totals
    budgets: dict[str, int]  # 05 classes
    projects: list[dict]
    staff: int
    retirees: int
    reasons: dict[str, str] = field(default_factory=dict)

    # hierarchy helpers ---------------------------------------------------------------------------
    def codes(self, value: Callable[[Line05], int]) -> list[tuple[str, int]]:
        """类/款/项 rows (code, 元) of the lines for which value() is nonzero, in code order."""
        sums: dict[str, int] = {}
        for code, line in self.lines.items():
            v = value(line)
            if not v:
                continue
            for key in (code[:3], code[:5], code):
                sums[key] = sums.get(key, 0) + v
        return sorted(sums.items())

    def class_total(self, value: Callable[[Line05], int]) -> dict[str, int]:
        return {code: v for code, v in self.codes(value) if len(code) == 3}

    def total(self, value: Callable[[Line05], int]) -> int:
        return sum(value(line) for line in self.lines.values())

    @property
    def fiscal_income(self) -> int:
        return self.total(lambda l: l.general) + self.fund_income

    @property
    def income_total(self) -> int:
        return self.fiscal_income + self.business_income + self.other_income

    @property
    def expense_total(self) -> int:
        return self.total(lambda l: l.total)

    @property
    def grand_total(self) -> int:
        return self.income_total + self.fund_opening

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.econ.items() if k[:3] in ("301", "303"))

    @property
    def public(self) -> int:
        return sum(v for k, v in self.econ.items() if k[:3] in ("302", "307", "310", "312", "313", "399"))

    @property
    def fund_code(self) -> str | None:
        return next((c for c, l in self.lines.items() if l.f_project), None)

    @property
    def shanghai(self) -> bool:
        return self.template == "shanghai-9"


def _pick(rng: random.Random, low: int, high: int, step: int = 1) -> int:
    return rng.randrange(low // step, high // step + 1) * step


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_model(rng: random.Random, index: int, shanghai: bool) -> Model:
    profile = rng.choice(PROFILES)
    kind = rng.choice(profile.kinds)
    place = rng.choice(SHANGHAI_PLACES if shanghai else SHANXI_PLACES)
    name = place + profile.org
    year = rng.choice((2022, 2023, 2024, 2025))
    scope = "单位" if profile.parent or rng.random() < 0.4 else "部门"
    admin = kind in ("行政", "参公")
    staff = rng.randint(8, 90)
    retirees = rng.randint(0, staff // 2) if rng.random() < 0.6 else 0

    # 06: general-budget basic spending by economic item (元)
    econ: dict[str, int] = {}

    def add(code: str, value: int) -> None:
        if value >= 1000:
            econ[code] = value

    add("30101", staff * _pick(rng, 24000, 42000, 10))
    add("30102", staff * _pick(rng, 8000, 30000, 10) if rng.random() < 0.9 else 0)
    add("30103", staff * _pick(rng, 1500, 6000, 10) if rng.random() < 0.7 else 0)
    if rng.random() < 0.3:
        add("30106", staff * _pick(rng, 1000, 3000, 10))
    add("30107", staff * _pick(rng, 15000, 45000, 10))
    base = sum(econ.values())
    add("30108", base * rng.randint(150, 170) // 1000)
    add("30109", econ.get("30108", 0) // 2 - rng.randint(0, 500))
    add("30110", base * rng.randint(70, 95) // 1000)
    if kind == "行政" and rng.random() < 0.7:
        add("30111", base * rng.randint(10, 30) // 1000)
    add("30112", base * rng.randint(5, 15) // 1000)
    add("30113", base * rng.randint(110, 125) // 1000)
    if rng.random() < 0.5:
        add("30199", rng.randint(5000, 80000))
    if retirees:
        add("30302", retirees * _pick(rng, 25000, 60000, 10))
        if rng.random() < 0.3:
            add("30305", retirees * _pick(rng, 1000, 4000, 10))
    if rng.random() < 0.3:
        add("30309", rng.randint(1000, 9000))
    for code, low, high, p in (("30201", 300, 2500, 0.95), ("30202", 100, 800, 0.4), ("30205", 100, 600, 0.5),
                               ("30206", 200, 1500, 0.7), ("30207", 150, 900, 0.7), ("30208", 300, 2000, 0.4),
                               ("30209", 500, 3500, 0.5), ("30211", 500, 3000, 0.85), ("30213", 300, 2500, 0.5),
                               ("30215", 100, 600, 0.3), ("30216", 200, 1500, 0.6), ("30226", 300, 3000, 0.3),
                               ("30227", 500, 5000, 0.2), ("30228", 400, 900, 0.9), ("30229", 600, 1500, 0.7),
                               ("30239", 200, 1500, 0.6), ("30299", 200, 3000, 0.6)):
        if rng.random() < p:
            add(code, staff * rng.randint(low, high))
    if rng.random() < 0.25:
        add("31002", rng.randint(5000, 120000))

    # 三公 (元). Basic-spending items 30212/30217/30231 are part of the 决算数; the rest is project money.
    sangong_final = {"abroad": 0, "purchase": 0, "operation": 0, "reception": 0}
    vehicles: dict[str, int] = {k: 0 for k in ("leader", "head", "confidential", "emergency", "enforcement", "special",
                                                "retiree", "other")}
    has_sangong = rng.random() < 0.7
    if has_sangong:
        if rng.random() < 0.15:
            sangong_final["abroad"] = rng.randint(20000, 150000)
        if rng.random() < 0.6:
            held = rng.randint(1, 6)
            for _ in range(held):
                vehicles[rng.choice(("head", "confidential", "emergency", "enforcement", "special", "other"))] += 1
            sangong_final["operation"] = held * rng.randint(8000, 30000)
            if rng.random() < 0.25:
                sangong_final["purchase"] = rng.randint(100000, 260000)
        if rng.random() < 0.75:
            sangong_final["reception"] = rng.randint(2000, 60000)
    if sangong_final["abroad"]:
        econ["30212"] = sangong_final["abroad"] - rng.randint(0, sangong_final["abroad"] // 3)
    if sangong_final["operation"]:
        econ["30231"] = sangong_final["operation"] - rng.randint(0, sangong_final["operation"] // 4)
    if sangong_final["reception"]:
        econ["30217"] = max(1000, sangong_final["reception"] - rng.randint(0, sangong_final["reception"] // 2))
    sangong_budget = {k: (v + rng.randint(0, v // 5) if v else (rng.randint(10000, 40000) if rng.random() < 0.1 else 0))
                      for k, v in sangong_final.items()}
    sangong_prior = {k: (0 if rng.random() < 0.2 else max(0, v + rng.randint(-v // 3, v // 3) + (rng.randint(2000, 9000)
                         if rng.random() < 0.5 else -rng.randint(1000, 2000)))) if v else
                     (rng.randint(5000, 30000) if rng.random() < 0.15 else 0) for k, v in sangong_final.items()}
    sangong_prior["purchase"] = 0 if not sangong_final["purchase"] else sangong_prior["purchase"]

    # 05 lines: basic by function from the economic items
    lines: dict[str, Line05] = {}

    def line(code: str) -> Line05:
        if code not in lines:
            lines[code] = Line05(code)
        return lines[code]

    line("2080505").g_basic += econ.get("30108", 0)
    line("2080506").g_basic += econ.get("30109", 0)
    line("2101101" if admin else "2101102").g_basic += econ.get("30110", 0)
    if econ.get("30111"):
        line("2101103").g_basic += econ["30111"]
    line("2210201").g_basic += econ.get("30113", 0)
    retire = sum(econ.get(c, 0) for c in ("30302", "30305"))
    if retire:
        line("2080501" if admin else "2080502").g_basic += retire
    run = profile.run_admin if admin else profile.run_civil
    rest = sum(econ.values()) - sum(l.g_basic for l in lines.values())
    line(run).g_basic += rest
    lines = {k: v for k, v in lines.items() if v.g_basic or v.total}

    # projects (general budget), perhaps 政府性基金 and non-fiscal money
    project_codes = rng.sample(profile.projects, k=rng.randint(1, len(profile.projects)))
    if rng.random() < 0.15:
        project_codes = []
    for code in project_codes:
        line(code).g_project += _pick(rng, 30000, 3000000, 10)
    sangong_project = sangong_final["purchase"] + sum(
        sangong_final[k] - econ.get(c, 0) for k, c in (("abroad", "30212"), ("operation", "30231"), ("reception", "30217")))
    if sangong_project > 0:
        # the 三公 money outside basic spending is project money of the unit's own line
        line(run).g_project += sangong_project
    fund_opening = fund_income = fund_closing = 0
    fund_item = profile.fund or (rng.choice(("2296003", "2120803")) if rng.random() < 0.2 else None)
    if fund_item and rng.random() < 0.7:
        spent = _pick(rng, 50000, 5000000, 10)
        fund_opening = _pick(rng, 0, spent // 2, 10) if rng.random() < 0.5 else 0
        fund_closing = _pick(rng, 0, spent // 3, 10) if rng.random() < 0.5 else 0
        fund_income = spent + fund_closing - fund_opening
        line(fund_item).f_project += spent
    business = other = 0
    if kind == "事业" and rng.random() < 0.5:
        own = line(profile.run_civil)
        own.n_basic += _pick(rng, 20000, 800000, 10)
        if rng.random() < 0.5:
            own.n_project += _pick(rng, 10000, 300000, 10)
        business = own.n_basic + own.n_project
        if rng.random() < 0.4:
            other = rng.randint(1000, min(business - 1000, 50000))
            business -= other

    # prior year and budgets of the 05 classes
    classes = {}
    for code, l in lines.items():
        if l.general:
            classes[code[:3]] = classes.get(code[:3], 0) + l.general
    prior: dict[str, int] = {}
    budgets: dict[str, int] = {}
    for code, value in classes.items():
        p = value * rng.randint(700, 1300) // 1000
        if abs(p - value) < 2000:
            p = value + rng.choice((-1, 1)) * rng.randint(2000, 9000)
        prior[code] = max(p, 3000)
        b = value * rng.randint(850, 1120) // 1000
        budgets[code] = max(b, 2000)
    prior["05"] = sum(v for k, v in prior.items() if len(k) == 3)
    prior_fund = fund_income * rng.randint(700, 1300) // 1000 if fund_income else 0
    prior["04"] = prior["05"] + prior_fund + fund_opening
    prior["01"] = prior["04"] + (business + other) * rng.randint(700, 1300) // 1000
    # procurement, assets
    procurement = {"goods": 0, "works": 0, "services": 0, "sme": 0, "micro": 0}
    if rng.random() < 0.75:
        procurement["goods"] = rng.randint(2000, 600000) if rng.random() < 0.9 else 0
        procurement["works"] = rng.randint(50000, 900000) if rng.random() < 0.2 else 0
        procurement["services"] = rng.randint(2000, 800000) if rng.random() < 0.7 else 0
        total = procurement["goods"] + procurement["works"] + procurement["services"]
        if total:
            procurement["sme"] = total if rng.random() < 0.5 else total * rng.randint(500, 999) // 1000
            procurement["micro"] = procurement["sme"] if rng.random() < 0.5 else procurement["sme"] * rng.randint(300, 999) // 1000
    equipment = rng.randint(1, 3) if rng.random() < 0.1 else 0
    running = (sum(v for k, v in econ.items() if k[:3] in ("302", "310"))) if admin else 0
    running_prior = running * rng.randint(800, 1200) // 1000 + rng.randint(1000, 5000) if running else 0
    counts = {
        "groups": rng.randint(1, 3) if sangong_final["abroad"] else 0,
        "bought": rng.randint(1, 2) if sangong_final["purchase"] else 0,
        "held": sum(vehicles.values()),
        "batches": rng.randint(2, 60) if sangong_final["reception"] else 0,
    }
    counts["travellers"] = counts["groups"] * rng.randint(2, 6)
    counts["guests"] = counts["batches"] * rng.randint(3, 15)
    # performance: one or two projects of the annex
    projects = []
    evaluated = [c for c in project_codes if lines[c].g_project] if project_codes else []
    for code in evaluated[: rng.randint(1, 2)]:
        executed = wan(lines[code].g_project)
        rate_pct = Decimal(rng.randint(7000, 10000)) / 100
        received = (executed * 100 / rate_pct).quantize(CENT, rounding=ROUND_HALF_UP)
        if received < executed:
            received = executed
        budget = received + Decimal(rng.randint(0, 500)) / 100 if rng.random() < 0.5 else received
        projects.append({"code": code, "executed": executed, "received": received, "budget": budget,
                         "output": rng.randint(40, 50), "benefit": rng.randint(24, 30), "satisfaction": rng.randint(8, 10)})
    model = Model(name=name, year=year, scope=scope, kind=kind, template="shanghai-9" if shanghai else "shanxi-10",
                  profile=profile, place=place, lines=dict(sorted(lines.items())), econ=dict(sorted(econ.items())),
                  fund_opening=fund_opening, fund_income=fund_income, fund_closing=fund_closing, business_income=business,
                  other_income=other, sangong_budget=sangong_budget, sangong_final=sangong_final,
                  sangong_prior=sangong_prior, counts=counts, procurement=procurement, vehicles=vehicles,
                  equipment=equipment, running_cost=running, running_prior=running_prior, prior=prior, budgets=budgets,
                  projects=projects, staff=staff, retirees=retirees)
    return model


# --- the text -------------------------------------------------------------------------------------------


REASONS_UP = ("人员调资及社保缴费基数调整", "业务工作量增加，相关经费相应增加", "新增项目资金", "人员增加，人员经费相应增加")
REASONS_DOWN = ("严格落实过紧日子要求，压减一般性支出", "人员退休，人员经费相应减少", "部分项目完成，项目经费相应减少",
                "上年有一次性项目支出，本年无此项支出")
REASONS_STAFF_UP = ("社保缴费基数调整", "人员调资，缴费相应增加", "新进人员，缴费人数增加")
REASONS_STAFF_DOWN = ("人员退休，缴费人数减少", "人员调出，缴费相应减少")
REASONS_SANGONG_UP = ("公务用车使用年限增长，维修费用增加", "工作任务增加，相关支出相应增加")
REASONS_SANGONG_DOWN = ("严格落实中央八项规定精神，压减相关支出", "厉行节约，从严控制相关支出")
TABLE_TITLES = {
    "01": "收入支出决算总表", "02": "收入决算表", "03": "支出决算表", "04": "财政拨款收入支出决算总表",
    "05": "一般公共预算财政拨款支出决算表", "06": "一般公共预算财政拨款基本支出决算明细表",
    "07": "政府性基金预算财政拨款收入支出决算表", "08": "国有资本经营预算财政拨款支出决算表",
    "09": "财政拨款“三公”经费支出决算表", "10": "部门决算公开相关信息统计表",
}
CN_NUM = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def table_order(model: Model) -> list[tuple[str, int]]:
    """(canonical id, printed number) in the order the document prints them."""
    if model.shanghai:
        return [("01", 1), ("02", 2), ("03", 3), ("04", 4), ("05", 5), ("06", 6), ("09", 7), ("07", 8), ("08", 9)]
    return [(f"{n:02d}", n) for n in range(1, 11)]


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, *lines: str) -> None:
        self.lines.extend(lines)

    def para(self, text: str) -> None:
        self.lines.extend((text, ""))


def _yoy(current: Decimal, prior: Decimal) -> tuple[str, Decimal, Decimal | None]:
    """(增加/减少, D, P or None when the prior is zero) from printed figures."""
    diff = current - prior
    word = "增加" if diff >= 0 else "减少"
    d = abs(diff)
    percent = pct(d, prior) if prior > 0 else None
    return word, d, percent


def yoy_phrase(subject: str, current: Decimal, prior: Decimal) -> str:
    word, d, p = _yoy(current, prior)
    if d == 0:
        return f"{subject}与上年持平"
    if p is None:
        return f"{subject}{word}{money(d)}万元"
    return f"{subject}{word}{money(d)}万元，{'增长' if word == '增加' else '下降'}{p:.2f}%"


def render_text(model: Model, rng: random.Random) -> str:
    w = Writer()
    m = model
    y = m.year
    name = m.name
    order = table_order(m)
    w("", "", name, "", f"{y}年度{m.scope}决算公开", "", "目 录", "")
    w("第一部分 概况\t1", "一、本部门（单位）职责.....\t1", "二、机构设置情况.....\t1", f"第二部分 {y}年部门决算表\t4")
    page = 4
    for n, (tid, number) in enumerate(order, start=1):
        w(f"{_cn(n)}、{TABLE_TITLES[tid]}.....\t{page}")
        page += 1 if tid not in ("01", "04", "06") else 2
    w(f"第三部分 情况说明\t{page}")
    sections = narrative_headings(m)
    for n, heading in enumerate(sections, start=1):
        w(f"{_cn(n)}、{heading}.....\t{page + (n > 5)}")
    w(f"第四部分 名词解释\t{page + 3}", f"第五部分 附件\t{page + 3}", "")

    # 第一部分 概况
    w("第一部分 概况", "", "一、本部门（单位）职责", "")
    for n, duty in enumerate(m.profile.duties, start=1):
        w(f"- {n}、{duty}。")
    w("", "二、机构设置情况", "")
    offices = rng.randint(3, 9)
    w(f"{name}内设机构{_cn(offices)}个，规格均为正科级。", "")

    # 第二部分 tables
    w(f"第二部分 {y}年部门决算表", "")
    for tid, number in order:
        TABLE_WRITERS[tid](w, m, number, rng)

    # 第三部分 narrative
    w("第三部分 情况说明", "")
    write_narrative(w, m, rng, sections)

    # 第四部分 名词解释
    w("第四部分 名词解释", "")
    for line in GLOSSARY:
        w(line)
    w("", "无", "")
    write_annex(w, m, rng)
    return "\n".join(w.lines) + "\n"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def narrative_headings(m: Model) -> list[str]:
    head = ["收入支出决算总体情况说明", "收入决算情况说明", "支出决算情况说明", "财政拨款收支决算总体情况说明",
            "一般公共预算财政拨款支出决算情况说明", "一般公共预算财政拨款基本支出决算情况说明"]
    fund = "政府性基金预算财政拨款收支决算情况说明"
    soe = "国有资本经营预算财政拨款支出决算情况说明"
    sangong = "财政拨款“三公”经费支出决算情况说明"
    tail = [sangong, fund, soe] if m.shanghai else [fund, soe, sangong]
    return head + tail + ["其他重要事项情况说明"]


def _meta(w: Writer, m: Model, tid: str, number: int, unit: str = "金额单位：万元", *, label_wrap: bool = False,
          name_line: str | None = None, joined_year: bool = False) -> None:
    w(TABLE_TITLES[tid], "")
    if label_wrap:
        w(f"公开{number:02d}", "表", "")
    else:
        w(f"公开{number:02d}表", "")
    if joined_year:
        w(f"{name_line or '部门名称：' + m.name} {m.year}年度", "")
    else:
        w(name_line or f"部门名称：{m.name}", "", f"{m.year}年度", "")
    w(unit, "")


def write_01(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "01", number)
    w("收入\t\t\t支出\t\t", "项目\t行次\t金额\t项目\t行次\t金额", "栏次\t\t1\t栏次\t\t2")
    income = [("一、一般公共预算财政拨款收入", m.total(lambda l: l.general)), ("二、政府性基金预算财政拨款收入", m.fund_income),
              ("三、国有资本经营预算财政拨款收入", 0), ("四、上级补助收入", 0), ("五、事业收入", m.business_income),
              ("六、经营收入", 0), ("七、附属单位上缴收入", 0), ("八、其他收入", m.other_income)]
    classes = m.class_total(lambda l: l.total)
    for i, code in enumerate(CLASSES_01):
        left = f"{income[i][0]}\t{i + 1}\t{cell(income[i][1])}" if i < len(income) else f"\t{i + 1}\t"
        w(f"{left}\t{CLASS_ORDINALS[i]}、{_class_name(code)}\t{32 + i}\t{cell(classes.get(code, 0))}")
        if i == 22:
            w("")
    w(f"本年收入合计\t27\t{cell(m.income_total)}\t本年支出合计\t58\t{cell(m.expense_total)}",
      "使用非财政拨款结余（含专用结余）\t28\t\t结余分配\t59\t",
      f"年初结转和结余\t29\t{cell(m.fund_opening)}\t年末结转和结余\t60\t{cell(m.fund_closing)}",
      "\t30\t\t\t61\t",
      f"总计\t31\t{cell(m.grand_total)}\t总计\t62\t{cell(m.grand_total)}", "")
    w("注：本表反映部门本年度的总收支和年末结转结余情况。本套报表金额单位转换时可能存在尾数误差。", "")


def _coded_rows(m: Model, columns: list[Callable[[Line05], int]], key: Callable[[Line05], int]) -> list[str]:
    rows = []
    totals = [m.total(c) for c in columns]
    rows.append("合计\t\t" + "\t".join(cell(v) for v in totals))
    for code, _ in m.codes(key):
        values = [sum(c(l) for k, l in m.lines.items() if k.startswith(code)) for c in columns]
        rows.append(f"{code}\t{FUNC[code]}\t" + "\t".join(cell(v) for v in values))
    return rows


def write_02(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "02", number, label_wrap=rng.random() < 0.5)
    w("项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
      "科目代码\t科目名称\t\t\t\t\t\t\t", "栏次\t\t1\t2\t3\t4\t5\t6\t7")
    fund_code = m.fund_code

    def fiscal(l: Line05) -> int:
        return l.general + (m.fund_income if l.code == fund_code else 0)

    def other(l: Line05) -> int:
        return m.other_income if l.code == m.profile.run_civil and (l.n_basic or l.n_project) else 0

    def business(l: Line05) -> int:
        return (l.n_basic + l.n_project - other(l)) if (l.n_basic or l.n_project) else 0

    def total(l: Line05) -> int:
        return fiscal(l) + business(l) + other(l)

    zero = lambda l: 0  # noqa: E731
    for row in _coded_rows(m, [total, fiscal, zero, business, zero, zero, other], total):
        w(row)
    w("", "注：本表反映部门本年度取得的各项收入情况。", "")


def write_03(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "03", number)
    w("项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出", "科目代码\t科目名称\t\t\t\t\t\t",
      "栏次\t\t1\t2\t3\t4\t5\t6")
    zero = lambda l: 0  # noqa: E731
    for row in _coded_rows(m, [lambda l: l.total, lambda l: l.basic, lambda l: l.project, zero, zero, zero],
                           lambda l: l.total):
        w(row)
    w("", "注：本表反映部门本年度各项支出情况。", "")


def write_04(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "04", number, joined_year=True)
    w("收入\t\t\t支出\t\t\t\t\t",
      "项目\t行次\t金额\t项目\t行次\t合计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款",
      "栏次\t\t1\t栏次\t\t2\t3\t4\t5")
    general = m.class_total(lambda l: l.general)
    fund = m.class_total(lambda l: l.f_project)
    income = [("一、一般公共预算财政拨款", m.total(lambda l: l.general)), ("二、政府性基金预算财政拨款", m.fund_income),
              ("三、国有资本经营预算财政拨款", 0)]
    for i, code in enumerate(CLASSES_01):
        left = f"{income[i][0]}\t{i + 1}\t{cell(income[i][1])}" if i < 3 else f"\t{i + 1}\t"
        g, f = general.get(code, 0), fund.get(code, 0)
        w(f"{left}\t{CLASS_ORDINALS[i]}、{_class_name(code)}\t{33 + i}\t{cell(g + f)}\t{cell(g)}\t{cell(f)}\t")
        if i == 19:
            w("")
    g_all, f_all = m.total(lambda l: l.general), m.total(lambda l: l.f_project)
    w(f"本年收入合计\t27\t{cell(m.fiscal_income)}\t本年支出合计\t59\t{cell(g_all + f_all)}\t{cell(g_all)}\t{cell(f_all)}\t",
      f"年初财政拨款结转和结余\t28\t{cell(m.fund_opening)}\t年末财政拨款结转和结余\t60\t{cell(m.fund_closing)}\t\t"
      f"{cell(m.fund_closing)}\t",
      "一般公共预算财政拨款\t29\t\t\t61\t\t\t\t",
      f"政府性基金预算财政拨款\t30\t{cell(m.fund_opening)}\t\t62\t\t\t\t",
      "国有资本经营预算财政拨款\t31\t\t\t63\t\t\t\t",
      f"总计\t32\t{cell(m.fiscal_income + m.fund_opening)}\t总计\t64\t{cell(g_all + f_all + m.fund_closing)}\t{cell(g_all)}\t"
      f"{cell(f_all + m.fund_closing)}\t", "")
    w("注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。", "")


def write_05(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "05", number)
    w("项目\t\t本年支出\t\t", "科目代码\t科目名称\t小计\t基本支出\t项目支出", "栏次\t\t1\t2\t3")
    for row in _coded_rows(m, [lambda l: l.general, lambda l: l.g_basic, lambda l: l.g_project], lambda l: l.general):
        w(row)
    w("", "注：本表反映部门本年度一般公共预算财政拨款支出情况。", "")


def write_06(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "06", number)
    w("人员经费\t\t\t公用经费\t\t\t\t\t\t\t\t",
      "科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数")
    classes: dict[str, int] = {}
    for code, value in m.econ.items():
        classes[code[:3]] = classes.get(code[:3], 0) + value

    def item(entry) -> str:
        if entry is None:
            return "\t\t"
        code, name = entry
        if code[:3] in ("309", "311"):
            return f"{code}\t{name}\t——"
        value = classes.get(code, 0) if len(code) == 3 else m.econ.get(code, 0)
        return f"{code}\t{name}\t{cell(value)}"

    for i in range(28):
        w("\t".join(item(p[i]) if i < len(p) else "\t\t" for p in (PANEL1, PANEL2, PANEL3, PANEL4)))
        if i == 12:
            w("")
    w(f"人员经费合计\t\t{cell(m.personnel)}\t公用经费合计\t\t\t\t\t\t\t\t{cell(m.public)}", "")
    w("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。", "")


def write_07(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "07", number, "单位：万元")
    w("项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余", "科目代码\t科目名称\t\t\t小计\t基本支出\t项目支出\t",
      "栏次\t\t1\t2\t3\t4\t5\t6")
    code = m.fund_code
    if code is None:
        w("合计\t\t\t\t\t\t\t", "")
        w("注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。", "", "说明：本表无数据", "")
        return
    spent = m.lines[code].f_project
    values = "\t".join(cell(v) for v in (m.fund_opening, m.fund_income, spent, 0, spent, m.fund_closing))
    w(f"合计\t\t{values}")
    for c in (code[:3], code[:5], code):
        w(f"{c}\t{FUNC[c]}\t{values}")
    w("", "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。", "")


def write_08(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "08", number, "单位：万元")
    w("项目\t\t本年支出\t\t", "科目代码\t科目名称\t合计\t基本支出\t项目支出", "栏次\t\t1\t2\t3", "合计\t\t\t\t", "")
    w("注：本表反映部门本年度国有资本经营预算财政拨款支出情况。", "", "说明：本表无数据", "")


def sangong_values(d: dict[str, int]) -> list[int]:
    vehicle = d["purchase"] + d["operation"]
    return [d["abroad"] + vehicle + d["reception"], d["abroad"], vehicle, d["purchase"], d["operation"], d["reception"]]


def write_09(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    name_line = f"部门名称：{m.name}"
    if len(m.name) > 9 and rng.random() < 0.5:
        cut = len(m.name) - rng.randint(3, 4)
        name_line = f"部门名称：{m.name[:cut]}\n{m.name[cut:]}"
    _meta(w, m, "09", number, name_line=name_line)
    w("预算数\t\t\t\t\t\t决算数\t\t\t\t\t",
      "合计\t因公出国 (境) 费\t公务用车购置及运行维护费\t\t\t公务接待 费\t合计\t因公出国 (境) 费\t公务用车购置及运行维护费\t\t\t公务接待 费",
      "\t\t小计\t公务用车 购置费\t公务用车 运行维护 费\t\t\t\t小计\t公务用车 购置费\t公务用车 运行维护 费\t",
      "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12")
    values = sangong_values(m.sangong_budget) + sangong_values(m.sangong_final)
    empty = not any(values)
    if not empty:
        w("\t".join(f"{wan(v):.2f}" for v in values))
    w("", "注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；"
          "决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。", "")
    if empty:
        w("说明：本表无数据", "")


def write_10(w: Writer, m: Model, number: int, rng: random.Random) -> None:
    _meta(w, m, "10", number, name_line=f"单位名称：{m.name}")
    p = m.procurement
    total = p["goods"] + p["works"] + p["services"]
    w("一、政府采购情况\t\t", "项目\t行次\t统计数", f"合计\t1\t{cell(total)}", f"货物\t2\t{cell(p['goods'])}",
      f"工程\t3\t{cell(p['works'])}", f"服务\t4\t{cell(p['services'])}", "二、机关运行经费\t\t", "项目\t\t统计数",
      f"(一) 行政单位\t5\t{cell(m.running_cost) if m.kind == '行政' else ''}",
      f"(二) 参照公务员法管理事业单位\t6\t{cell(m.running_cost) if m.kind == '参公' else ''}",
      "三、国有资产占用情况\t\t")
    v = m.vehicles
    count = lambda n: str(n) if n else ""  # noqa: E731
    w(f"(一) 车辆数合计(辆)\t7\t{count(sum(v.values()))}")
    for i, (key, label) in enumerate((("leader", "副部(省)级及以上领导用车"), ("head", "主要负责人用车"),
                                      ("confidential", "机要通信用车"), ("emergency", "应急保障用车"),
                                      ("enforcement", "执法执勤用车"), ("special", "特种专业技术用车"),
                                      ("retiree", "离退休干部服务用车"), ("other", "其他用车")), start=1):
        w(f"{i}. {label}\t{7 + i}\t{count(v[key])}")
    w(f"(二) 单价100万元(含)以上设备(不含车辆)\t17\t{count(m.equipment)}", "")
    w("注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。", "")
    if not (total or m.running_cost or sum(v.values()) or m.equipment):
        w("说明：本表无数据", "")


TABLE_WRITERS = {"01": write_01, "02": write_02, "03": write_03, "04": write_04, "05": write_05, "06": write_06,
                 "07": write_07, "08": write_08, "09": write_09, "10": write_10}


def write_narrative(w: Writer, m: Model, rng: random.Random, headings: list[str]) -> None:
    y = m.year
    reason = lambda up: rng.choice(REASONS_UP if up else REASONS_DOWN)  # noqa: E731
    for n, heading in enumerate(headings, start=1):
        w(f"{_cn(n)}、{heading}", "")
        if heading.startswith("收入支出决算总体"):
            g = wan(m.grand_total)
            prior = wan(m.prior["01"])
            word, _, _ = _yoy(g, prior)
            w.para(f"{y}年度收入总计{money(g)}万元，支出总计{money(g)}万元。与上年相比，{yoy_phrase('收入总计', g, prior)}，"
                   f"{yoy_phrase('支出总计', g, prior)}。主要原因是{reason(word == '增加')}。")
        elif heading.startswith("收入决算"):
            total = wan(m.income_total)
            w.para(f"{y}年度收入合计{money(total)}万元，其中：")
            parts = [("财政拨款收入", wan(m.fiscal_income)), ("事业收入", wan(m.business_income)), ("其他收入", wan(m.other_income))]
            parts = [p for p in parts if p[1]]
            for i, (label, value) in enumerate(parts):
                w.para(f"{label}{money(value)}万元，占比{pct(value, total):.2f}%{'。' if i == len(parts) - 1 else '；'}")
        elif heading.startswith("支出决算"):
            total = wan(m.expense_total)
            w.para(f"{y}年度支出合计{money(total)}万元，其中：")
            parts = [("基本支出", wan(m.total(lambda l: l.basic))), ("项目支出", wan(m.total(lambda l: l.project)))]
            parts = [p for p in parts if p[1]]
            for i, (label, value) in enumerate(parts):
                w.para(f"{label}{money(value)}万元，占比{pct(value, total):.2f}%{'。' if i == len(parts) - 1 else '；'}")
        elif heading.startswith("财政拨款收支决算总体"):
            income = wan(m.fiscal_income + m.fund_opening)
            spent = wan(m.fiscal_income + m.fund_opening)
            prior = wan(m.prior["04"])
            word, _, _ = _yoy(income, prior)
            w.para(f"{y}年度财政拨款收入总计{money(income)}万元，支出总计{money(spent)}万元。与上年相比，"
                   f"{yoy_phrase('财政拨款收入总计', income, prior)}；{yoy_phrase('财政拨款支出总计', spent, prior)}。"
                   f"主要原因是{reason(word == '增加')}。")
        elif heading.startswith("一般公共预算财政拨款支出决算"):
            write_general_budget(w, m, rng)
        elif heading.startswith("一般公共预算财政拨款基本支出"):
            write_basic(w, m, rng)
        elif heading.startswith("政府性基金"):
            if m.fund_code is None:
                w.para("本年度无此项收支。")
            else:
                code = m.fund_code
                w.para(f"{y}年度政府性基金预算财政拨款年初结转和结余{money(wan(m.fund_opening))}万元，本年收入{money(wan(m.fund_income))}万元，"
                       f"本年支出{money(wan(m.lines[code].f_project))}万元，年末结转和结余{money(wan(m.fund_closing))}万元。"
                       f"支出主要用于{_class_name(code[:3])}{FUNC[code[:5]]}{FUNC[code]}方面。")
        elif heading.startswith("国有资本经营"):
            w.para("本年度无此项支出。")
        elif "三公" in heading:
            write_sangong(w, m, rng)
        else:
            write_other(w, m, rng)


def write_general_budget(w: Writer, m: Model, rng: random.Random) -> None:
    y = m.year
    total = wan(m.total(lambda l: l.general))
    expense = wan(m.expense_total)
    prior = wan(m.prior["05"])
    classes = m.class_total(lambda l: l.general)
    w("（一）一般公共预算财政拨款支出决算总体情况", "")
    word, _, _ = _yoy(total, prior)
    w.para(f"{y}年一般公共预算财政拨款决算支出{money(total)}万元，占本年支出合计的{pct(total, expense):.2f}%。与上年相比，"
           f"{yoy_phrase('一般公共预算财政拨款支出', total, prior)}。主要原因是{rng.choice(REASONS_UP if word == '增加' else REASONS_DOWN)}。")
    w("（二）一般公共预算财政拨款支出决算结构情况", "")
    w.para(f"{y}年度一般公共预算财政拨款支出{money(total)}万元，主要用于以下方面：")
    items = list(classes.items())
    for i, (code, value) in enumerate(items):
        end = "。" if i == len(items) - 1 else "；"
        w.para(f"{_class_name(code)}(类){money(wan(value))}万元，占比{pct(wan(value), total):.2f}%{end}")
    w("（三）一般公共预算财政拨款支出决算具体情况", "")
    budget_total = wan(sum(m.budgets.values()))
    w.para(f"{y}年度一般公共预算财政拨款支出年初预算{money(budget_total)}万元，支出决算{money(total)}万元，"
           f"完成年初预算的{pct(total, budget_total):.2f}%。其中：")
    uses = {"208": "用于缴纳单位人员社会保险及离退休人员支出", "210": "用于缴纳单位人员医疗保险",
            "221": "用于缴纳单位人员住房公积金"}
    own = {m.profile.run_admin[:3], m.profile.run_civil[:3], *(c[:3] for c in m.profile.projects)}
    for code, value in items:
        shown = wan(value)
        budget = wan(m.budgets[code])
        prior_c = wan(m.prior[code])
        word, _, _ = _yoy(shown, prior_c)
        phrase = yoy_phrase("较上年决算", shown, prior_c)
        staff = code not in own and code in uses
        use = uses[code] if staff else "用于保障本单位正常运转和履行职能"
        reasons = (REASONS_STAFF_UP if word == "增加" else REASONS_STAFF_DOWN) if staff else (
            REASONS_UP if word == "增加" else REASONS_DOWN)
        w.para(f"{_class_name(code)}年初预算{money(budget)}万元，支出决算{money(shown)}万元，完成年初预算的{pct(shown, budget):.2f}%，"
               f"{use}。{phrase}，主要原因是{rng.choice(reasons)}。")


def write_basic(w: Writer, m: Model, rng: random.Random) -> None:
    fmt = short if rng.random() < 0.5 else money
    basic = wan(m.personnel + m.public)
    w.para(f"{m.year}年度财政拨款基本支出{money(basic)}万元，其中：")

    def items(prefix: tuple[str, ...]) -> str:
        return "、".join(f"{ECON_NAMES[c]}{fmt(wan(v))}万元" for c, v in m.econ.items() if c[:3] in prefix)

    c301 = sum(v for c, v in m.econ.items() if c[:3] == "301")
    c303 = sum(v for c, v in m.econ.items() if c[:3] == "303")
    text = f"人员经费{money(wan(m.personnel))}万元，主要包括工资福利支出{money(wan(c301))}万元，包括{items(('301',))}"
    if c303:
        text += f"；对个人和家庭的补助支出{money(wan(c303))}万元，包括{items(('303',))}"
    w.para(text + "；")
    # 310 items are named by their class: 办公设备购置 is also a 309 (基本建设) item of 06, and a
    # narrative "办公设备购置" is resolved to that —— row by the engine (see the report of juesuan_dev.synth).
    c310 = sum(v for c, v in m.econ.items() if c[:3] == "310")
    public = items(("302",)) + (f"、资本性支出{fmt(wan(c310))}万元" if c310 else "")
    w.para(f"公用经费{money(wan(m.public))}万元，主要包括{public}。")


def write_sangong(w: Writer, m: Model, rng: random.Random) -> None:
    y = m.year
    fin, bud, pri = m.sangong_final, m.sangong_budget, m.sangong_prior
    total = wan(sum(fin.values()))
    budget = wan(sum(bud.values()))
    prior = wan(sum(pri.values()))
    w("（一）“三公”经费财政拨款支出决算总体情况说明", "")
    head = f"{y}年度“三公”经费财政拨款支出全年预算{money(budget)}万元，支出决算{money(total)}万元"
    if budget:
        head += f"，完成全年预算的{pct(total, budget):.2f}%"
    if total == prior:
        head += "，与上年“三公”经费财政拨款支出决算相同。其中："
    else:
        word, _, _ = _yoy(total, prior)
        head += f"。{yoy_phrase('较上年', total, prior)}，主要原因是{rng.choice(REASONS_SANGONG_UP if word == '增加' else REASONS_SANGONG_DOWN)}。其中："
    w.para(head)
    labels = (("abroad", "因公出国（境）费支出"), ("purchase", "公务用车购置费支出"), ("operation", "公务用车运行维护费支出"),
              ("reception", "公务接待费支出"))
    for i, (key, label) in enumerate(labels):
        end = "。" if i == len(labels) - 1 else "；"
        cur, old = wan(fin[key]), wan(pri[key])
        name = label.removesuffix("支出")
        if cur == old:
            why = f"本单位无{name}支出" if cur == 0 else "严格控制相关支出"
            w.para(f"{label}{money(cur)}万元，与上年相同，主要原因是：{why}{end}")
        else:
            word, _, _ = _yoy(cur, old)
            why = rng.choice(REASONS_SANGONG_UP if word == "增加" else REASONS_SANGONG_DOWN) if cur else f"本年度无{name}支出"
            w.para(f"{label}{money(cur)}万元，{yoy_phrase('较上年', cur, old)}，主要原因是：{why}{end}")
    w("（二）“三公”经费财政拨款支出决算具体情况说明", "")
    c = m.counts
    abroad = wan(fin["abroad"])
    w.para(f"1、因公出国（境）费支出{money(abroad)}万元，出国（境）团组共{c['groups']}个，{c['travellers']}人次。主要用于："
           f"{'开展对外交流与考察' if abroad else '本单位无因公出国境费支出'}。")
    purchase = wan(fin["purchase"])
    w.para(f"2、公务用车购置支出{money(purchase)}万元，使用财政拨款共购置公务用车{c['bought']}辆，主要用于："
           f"{'更新已达报废年限的公务用车' if purchase else '本单位无公务用车购置支出'}。")
    operation = wan(fin["operation"])
    w.para(f"3、公务用车运行维护费支出{money(operation)}万元，使用财政拨款负担的公务用车保有量共{c['held']}辆，主要用于："
           f"{'公务用车燃料费、维修费、过路过桥费、保险费等支出' if operation else '本单位无公务用车运行维护费支出'}。")
    reception = wan(fin["reception"])
    if reception:
        w.para(f"4、公务接待费支出{money(reception)}万元，共接待{c['batches']}批次，{c['guests']}人次。国内接待费{money(reception)}万元，"
               f"共接待{c['batches']}批次，{c['guests']}人次，主要是接待上级部门检查指导和兄弟单位交流学习；"
               "本年度无外事接待和国（境）外接待。")
    else:
        w.para("4、公务接待费支出0万元，共接待0批次，0人次。国内接待费0万元，共接待0批次，0人次，其中外事接待费0万元，共接待0批次，0人次，"
               "主要是本单位无公务接待费支出；国（境）外接待费0万元，共接待国（境）外0批次，0人次，主要是本单位无国（境）外接待费支出。")


def write_other(w: Writer, m: Model, rng: random.Random) -> None:
    y = m.year
    w("（一）机关运行经费支出情况说明", "")
    if m.kind in ("行政", "参公"):
        cur, old = wan(m.running_cost), wan(m.running_prior)
        word, _, _ = _yoy(cur, old)
        w.para(f"{y}年度本部门（单位）机关运行经费支出{money(cur)}万元，{yoy_phrase('比上年', cur, old)}，主要原因是"
               f"{rng.choice(REASONS_UP if word == '增加' else REASONS_DOWN)}。")
    else:
        w.para("本部门（单位）无机关运行经费。")
    w("（二）政府采购情况说明", "")
    p = m.procurement
    total = wan(p["goods"] + p["works"] + p["services"])
    if total:
        sme, micro = wan(p["sme"]), wan(p["micro"])
        w.para(f"{y}年度政府采购支出总额{money(total)}万元，其中：政府采购货物支出{money(wan(p['goods']))}万元、"
               f"政府采购工程支出{money(wan(p['works']))}万元、政府采购服务支出{money(wan(p['services']))}万元。"
               f"政府采购授予中小企业合同金额{money(sme)}万元，占政府采购支出总额的{pct(sme, total):.2f}%。"
               f"其中：授予小微企业合同金额{money(micro)}万元，占政府采购支出总额的{pct(micro, total):.2f}%。")
    else:
        w.para(f"{y}年度本部门（单位）未发生政府采购支出。")
    w("（三）国有资产占用情况说明", "")
    w.para(f"截至{y}年12月31日，本部门（单位）共有车辆{sum(m.vehicles.values())}辆。单价100万元（含）以上设备（不含车辆）"
           f"{m.equipment}台（套）。")
    w("（四）预算绩效情况说明", "", "1、预算绩效管理工作开展情况", "")
    if m.projects:
        funds = sum((p["executed"] for p in m.projects), Decimal(0))
        grades = [grade(score_total(p)) for p in m.projects]
        tail = "，".join(f"{grades.count(g)}个项目自评等级为“{g}”" for g in ("优", "良", "中", "差") if grades.count(g))
        w.para(f"{y}年二级项目绩效自评个数{len(m.projects)}个，涉及资金{money(funds)}万元：{tail}。")
    else:
        w.para(f"{y}年本部门（单位）无项目支出，未开展二级项目绩效自评。")
    w("2、其他需要说明的事项", "", "无", "")


GLOSSARY = (
    "- 一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
    "- 二、事业收入：指事业单位开展专业业务活动及辅助活动取得的收入。",
    "- 三、经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "- 四、其他收入：指单位取得的除上述收入以外的各项收入。主要是事业单位固定资产出租收入、存款利息收入等。",
    "- 五、使用非财政拨款结余（含专用结余）：指单位按照预算管理要求使用非财政拨款结余弥补收支差额的金额，以及使用专用结余安排支出的金额。",
    "- 六、年初结转和结余：指单位以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金，或项目已完成等产生的结余资金。",
    "- 七、结余分配：指事业单位按照会计制度规定缴纳的所得税、提取的专用结余以及转入非财政拨款结余的金额等。",
    "- 八、年末结转和结余：指单位按有关规定结转到下年或以后年度继续使用的资金，或项目已完成等产生的结余资金。",
    "- 九、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用经费支出。",
    "- 十、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "- 十一、“三公”经费：指各级部门、单位用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费支出。",
    "- 十二、机关运行经费：指行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出。",
)


# --- the annex -----------------------------------------------------------------------------------------


def project_scores(p: dict) -> dict[str, int]:
    rate = p["executed"] / p["received"] * 100 if p["received"] else Decimal(100)
    execution = min(10, int(rate / 10))
    return {"execution": execution, "output": p["output"], "benefit": p["benefit"], "satisfaction": p["satisfaction"]}


def score_total(p: dict) -> int:
    return sum(project_scores(p).values())


def grade(total: int) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def write_annex(w: Writer, m: Model, rng: random.Random) -> None:
    w("第五部分 附件", "")
    if not m.projects:
        w("本单位无项目支出绩效自评表。", "")
        return
    city = re.match(r"^(.+?[市])", m.place)
    prefix = city.group(1) if city else m.place
    parent = m.place + m.profile.parent if m.profile.parent else m.name
    for n, p in enumerate(m.projects, start=1):
        name = FUNC[p["code"]] + rng.choice(("项目", "专项经费", "工作经费"))
        scores = project_scores(p)
        total = score_total(p)
        rate = pct(p["executed"], p["received"])
        leader = _person(rng)
        filler = _person(rng)
        phone = str(rng.randint(2000000, 8999999))
        w(f"附件{n}", "", f"{prefix}项目支出绩效自评表", "", "单位（盖章）：", "", f"填报日期：{m.year + 1}.{rng.randint(3, 5)}.{rng.randint(1, 28)}", "")
        w(f"项目名称\t\t{name}\t\t\t\t\t",
          f"项目负责人\t{leader}\t联系电话\t{phone}\t\t\t\t",
          f"主管部门\t{parent}\t实施单位\t{m.name}\t\t\t\t",
          f"项目起止时间\t{m.year}.01-{m.year}.12\t\t绩效自评评价年度\t{m.year}年度\t\t\t",
          f"项目预算金额 (万元)\t{p['budget']:.2f}\t实际到位金额 (万元)\t{p['received']:.2f}\t实际执行金额 (万元)\t{p['executed']:.2f}\t\t",
          "其中：中央、省财政\t\t其中：中央、省财政\t\t其中：中央、省财政\t\t\t",
          f"市财政\t{p['budget']:.2f}\t市财政\t{p['received']:.2f}\t市财政\t{p['executed']:.2f}\t\t",
          "县（区）财政\t\t县（区）财政\t\t县（区）财政\t\t\t",
          "其它\t\t其它\t\t其它\t\t\t",
          "项目预期 绩效目标\t项目提供的公共产品和服务的数量\t按计划完成年度各项工作任务。\t\t\t\t\t",
          "\t项目效果\t达到预期使用效果。\t\t\t\t\t",
          f"项目执行情况 (10分)\t预算执行率{rate:.2f}%，自评得分{scores['execution']}分。\t\t\t\t\t\t",
          "绩效目标自评情况\t\t\t\t\t\t\t",
          "一级指标\t二级指标\t三级指标\t\t年度指标值\t全年完成值\t未完成原因和改进措施\t自评得分",
          f"产出指标 (50分)\t数量指标\t指标1\t完成工作任务数量\t100%\t100%\t\t{scores['output']}",
          "\t质量指标\t指标1\t工作完成质量达标率\t95%以上\t100%\t\t",
          "\t时效指标\t指标1\t按时完成率\t按期完成\t100%\t\t",
          "\t成本指标\t指标1\t成本控制在预算内\t≤预算\t100%\t\t",
          f"效益指标 (30分)\t社会效益指标\t指标1\t服务水平提升\t有效提升\t达到预期\t\t{scores['benefit']}",
          "\t可持续性影响指标\t指标1\t长效机制建立\t持续发挥作用\t达到预期\t\t",
          f"满意度指标 (10分)\t服务对象满意度指标\t指标1\t服务对象满意度\t90%以上\t95%\t\t{scores['satisfaction']}",
          f"总 分\t\t\t\t\t\t\t{total}",
          "总分设置为100分；预算执行率10分、产出指标50分、效益指标30分、服务对象满意度指标10分。等级一划划分为四档：100-90（含）分为优、"
          "90-80（含）分为良、80-60（含）分为中、60分以下为差。\t\t\t\t\t\t\t",
          f"自评结论及结果分析\t本项目自评等级为{grade(total)}，项目资金按计划使用，预算执行、产出、效益和满意度情况基本达到预期目标。\t\t\t\t\t\t",
          "主要经验做法\t严格按照专项资金管理办法分配使用资金。\t\t\t\t\t\t",
          "存在问题与整改措施\t无\t\t\t\t\t\t",
          "评价人员\t\t姓名\t职称/职务\t工作单位\t\t签字\t",
          f"\t组长\t{leader}\t科长\t{m.name}\t\t\t",
          f"\t成员\t{filler}\t科员\t{m.name}\t\t\t", "")
        w(f"填报人：{filler}", "", f"联系电话：{phone}", "")


# --- faults --------------------------------------------------------------------------------------------


class NotApplicableFault(Exception):
    """This fault cannot be injected into this document."""


def _lines_after(text: str, anchor: str) -> tuple[list[str], int]:
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == anchor), None)
    if start is None:
        raise NotApplicableFault(anchor)
    return lines, start


def set_cells(text: str, anchor: str, row_start: str, cells: dict[int, str | Callable[[str], str]]) -> str:
    """Change cells of the first tab-separated row starting with ``row_start`` after the line ``anchor``."""
    lines, start = _lines_after(text, anchor)
    for i in range(start + 1, len(lines)):
        if lines[i].startswith(row_start) and "\t" in lines[i]:
            parts = lines[i].split("\t")
            for index, value in cells.items():
                while len(parts) <= index:
                    parts.append("")
                parts[index] = value(parts[index]) if callable(value) else value
            lines[i] = "\t".join(parts)
            return "\n".join(lines)
    raise NotApplicableFault(f"{row_start} after {anchor}")


def get_cells(text: str, anchor: str, row_start: str) -> list[str]:
    lines, start = _lines_after(text, anchor)
    for i in range(start + 1, len(lines)):
        if lines[i].startswith(row_start) and "\t" in lines[i]:
            return lines[i].split("\t")
    raise NotApplicableFault(f"{row_start} after {anchor}")


def replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise NotApplicableFault(old)
    return text.replace(old, new)


def _bump(value: str, by: str = "10.00") -> str:
    return f"{Decimal(value or '0') + Decimal(by):.2f}"


def _delete_table(text: str, title: str, next_marker: str) -> str:
    lines = text.split("\n")
    a = next(i for i, line in enumerate(lines) if line.strip() == title)
    b = next(i for i in range(a + 1, len(lines)) if lines[i].startswith(next_marker))
    return "\n".join(lines[:a] + lines[b:])


@dataclass(frozen=True)
class FaultKind:
    kind: str
    zone: str  # faults of one zone are not combined
    rules: tuple[str, ...]
    inject: Callable[[str, Model, random.Random], tuple[str, str]]  # -> (text, description)


def _f_02_cell(text, m, rng):
    rows = [c for c in m.lines if m.lines[c].general]
    code = rng.choice(rows)
    new = set_cells(text, TABLE_TITLES["02"], code + "\t", {2: _bump, 3: _bump})
    return new, f"公开02表{code}{FUNC[code]}的本年收入合计和财政拨款收入各多列10.00万元，与所属上级科目不平"


def _f_03_columns(text, m, rng):
    code = rng.choice(list(m.lines))
    new = set_cells(text, TABLE_TITLES["03"], code + "\t", {4: lambda v: _bump(v, "5.00")})
    return new, f"公开03表{code}{FUNC[code]}的项目支出多列5.00万元，本年支出合计不等于基本支出加项目支出"


def _f_06_item(text, m, rng):
    code = rng.choice([c for c in m.econ if c[:3] in ("301", "302")])
    col = 2 if code[:3] == "301" else 5
    lines, start = _lines_after(text, TABLE_TITLES["06"])
    for i in range(start + 1, len(lines)):
        parts = lines[i].split("\t")
        if len(parts) > col and parts[col - 2] == code:
            parts[col] = _bump(parts[col], "3.00")
            lines[i] = "\t".join(parts)
            return "\n".join(lines), f"公开06表{code}{ECON_NAMES[code]}多列3.00万元，与所属类合计不符"
    raise NotApplicableFault(code)


def _f_01_total(text, m, rng):
    new = set_cells(text, TABLE_TITLES["01"], "总计\t", {2: lambda v: _bump(v, "20.00")})
    return new, "公开01表收入总计多列20.00万元"


def _f_share(text, m, rng):
    shares = re.findall(r"占比(\d+\.\d\d)%", text)
    candidates = [s for s in shares if Decimal(s) >= 2 and text.count(f"占比{s}%") == 1]
    if not candidates:
        raise NotApplicableFault("share")
    s = rng.choice(candidates)
    wrong = Decimal(s) - Decimal("1.50")
    return replace_once(text, f"占比{s}%", f"占比{wrong:.2f}%"), f"情况说明中“占比{s}%”误写为“占比{wrong:.2f}%”"


def _f_yoy_percent(text, m, rng):
    found = re.findall(r"较上年决算(?:增加|减少)\d+\.\d\d万元，(?:增长|下降)(\d+\.\d\d)%", text)
    found = [p for p in found if text.count(p + "%") == 1 and Decimal(p) >= 3]
    if not found:
        raise NotApplicableFault("yoy")
    p = rng.choice(found)
    wrong = Decimal(p) + Decimal("2.00")
    return replace_once(text, p + "%", f"{wrong:.2f}%"), f"情况说明中一类支出的增减率{p}%误写为{wrong:.2f}%"


def _f_yoy_direction(text, m, rng):
    found = re.findall(r"较上年决算(增加|减少)(\d+\.\d\d)万元，(增长|下降)", text)
    if not found:
        raise NotApplicableFault("yoy")
    word, d, rate = rng.choice(found)
    old = f"较上年决算{word}{d}万元，{rate}"
    new = f"较上年决算{word}{d}万元，{'下降' if rate == '增长' else '增长'}"
    return replace_once(text, old, new), f"情况说明中“{word}{d}万元”后的方向词写成“{'下降' if rate == '增长' else '增长'}”，前后矛盾"


def _f_budget_rate(text, m, rng):
    found = re.findall(r"完成年初预算的(\d+\.\d\d)%", text)
    found = [p for p in found if text.count(f"完成年初预算的{p}%") == 1]
    if not found:
        raise NotApplicableFault("budget")
    p = rng.choice(found)
    wrong = Decimal(p) - Decimal("3.00")
    return replace_once(text, f"完成年初预算的{p}%", f"完成年初预算的{wrong:.2f}%"), f"预算完成率{p}%误写为{wrong:.2f}%"


def _f_missing_table(text, m, rng):
    if m.shanghai:
        new = _delete_table(text, TABLE_TITLES["08"], "第三部分")
        return new, "缺少国有资本经营预算财政拨款支出决算表（公开09表）"
    new = _delete_table(text, TABLE_TITLES["10"], "第三部分")
    return new, "缺少部门决算公开相关信息统计表（公开10表）"


def _f_year(text, m, rng):
    old = f"截至{m.year}年12月31日"
    return replace_once(text, old, f"截至{m.year - 1}年12月31日"), f"国有资产占用情况说明的截止日期写成{m.year - 1}年"


def _f_unit_name(text, m, rng):
    tid = rng.choice(("03", "05", "07"))
    wrong = m.place + rng.choice(("数据管理中心", "综合服务中心", "事务中心"))
    if wrong == m.name:
        raise NotApplicableFault("same name")
    lines, start = _lines_after(text, TABLE_TITLES[tid])
    for i in range(start + 1, start + 12):
        if lines[i].startswith("部门名称："):
            lines[i] = f"部门名称：{wrong}"
            return "\n".join(lines), f"{TABLE_TITLES[tid]}的部门名称写成“{wrong}”"
    raise NotApplicableFault("name line")


def _f_residue(text, m, rng):
    choice = rng.choice(("XX", "某某", "××"))
    old = "截至" if rng.random() < 0.5 else "主要用于以下方面："
    if old == "截至":
        new = replace_once(text, "，本部门（单位）共有车辆", f"，{choice}单位共有车辆")
    else:
        new = replace_once(text, old, f"主要用于{choice}等方面：")
    return new, f"情况说明残留模板占位符“{choice}”"


def _f_narrative_amount(text, m, rng):
    items = [c for c in m.econ if c[:3] == "301"]
    code = rng.choice(items)
    name = ECON_NAMES[code]
    m_ = re.search(re.escape("、" + name) + r"(\d+(?:\.\d+)?)万元|包括" + re.escape(name) + r"(\d+(?:\.\d+)?)万元", text)
    if not m_:
        raise NotApplicableFault(code)
    value = m_.group(1) or m_.group(2)
    old = m_.group(0)
    wrong = f"{Decimal(value) + Decimal('1.10'):.2f}"
    new = text.replace(old, old.replace(value + "万元", wrong + "万元"), 1)
    return new, f"基本支出说明中{name}{value}万元误写为{wrong}万元"


def _f_05_above_03(text, m, rng):
    code = rng.choice([c for c in m.lines if m.lines[c].g_basic and not m.lines[c].n_basic])
    new = set_cells(text, TABLE_TITLES["05"], code + "\t", {2: lambda v: _bump(v, "8.00"), 3: lambda v: _bump(v, "8.00")})
    return new, f"公开05表{code}{FUNC[code]}基本支出多列8.00万元，超过公开03表同一科目"


def _f_empty_statement(text, m, rng):
    lines, start = _lines_after(text, TABLE_TITLES["08"])
    for i in range(start + 1, start + 20):
        if lines[i] == "说明：本表无数据":
            del lines[i]
            return "\n".join(lines), "国有资本经营预算财政拨款支出决算表为空，但删去了“本表无数据”的说明"
    raise NotApplicableFault("statement")


def _f_09_total(text, m, rng):
    if not any(m.sangong_final.values()):
        raise NotApplicableFault("09 empty")
    lines, start = _lines_after(text, TABLE_TITLES["09"])
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("1\t2\t3"):
            parts = lines[i + 1].split("\t")
            parts[6] = _bump(parts[6], "1.00")
            lines[i + 1] = "\t".join(parts)
            return "\n".join(lines), "公开09表决算数合计多列1.00万元，不等于三项之和"
    raise NotApplicableFault("09 row")


def _f_10_procurement(text, m, rng):
    if m.shanghai or not sum(m.procurement[k] for k in ("goods", "works", "services")):
        raise NotApplicableFault("procurement")
    new = set_cells(text, TABLE_TITLES["10"], "货物\t", {2: lambda v: _bump(v, "2.00")})
    return new, "公开10表政府采购货物多列2.00万元，合计不等于货物、工程、服务之和"


def _f_sangong_count(text, m, rng):
    if m.sangong_final["purchase"]:
        raise NotApplicableFault("purchase")
    new = replace_once(text, "共购置公务用车0辆", "共购置公务用车2辆")
    return new, "公务用车购置费为0，情况说明却称购置公务用车2辆"


def _f_assets(text, m, rng):
    if m.shanghai:
        raise NotApplicableFault("no table 10")
    held = sum(m.vehicles.values())
    new = replace_once(text, f"共有车辆{held}辆", f"共有车辆{held + 2}辆")
    return new, f"国有资产占用情况说明称共有车辆{held + 2}辆，公开10表为{held}辆"


def _f_annex_total(text, m, rng):
    if not m.projects:
        raise NotApplicableFault("annex")
    total = score_total(m.projects[0])
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith("总 分\t"))
    lines[i] = lines[i].rsplit("\t", 1)[0] + f"\t{total - 3}"
    return "\n".join(lines), f"绩效自评表总分写成{total - 3}分，各项得分合计{total}分"


def _f_performance(text, m, rng):
    if not m.projects:
        raise NotApplicableFault("annex")
    n = len(m.projects)
    new = replace_once(text, f"绩效自评个数{n}个", f"绩效自评个数{n + 1}个")
    return new, f"情况说明称绩效自评{n + 1}个项目，附件只有{n}张自评表"


def _f_07_balance(text, m, rng):
    code = m.fund_code
    if code is None:
        raise NotApplicableFault("07 empty")
    new = set_cells(text, TABLE_TITLES["07"], code + "\t", {7: lambda v: _bump(v, "6.00")})
    return new, f"公开07表{code}年末结转和结余多列6.00万元，不等于年初＋本年收入－本年支出"


def _f_04_general(text, m, rng):
    code = next(iter(m.class_total(lambda l: l.general)))
    label = f"{CLASS_ORDINALS[CLASSES_01.index(code)]}、{_class_name(code)}"
    lines, start = _lines_after(text, TABLE_TITLES["04"])
    for i in range(start + 1, len(lines)):
        parts = lines[i].split("\t")
        if len(parts) > 6 and parts[3] == label:
            parts[5] = _bump(parts[5], "4.00")
            parts[6] = _bump(parts[6], "4.00")
            lines[i] = "\t".join(parts)
            return "\n".join(lines), f"公开04表{_class_name(code)}一般公共预算财政拨款支出多列4.00万元，与公开05表不符"
    raise NotApplicableFault("04 row")


def _f_glossary(text, m, rng):
    return replace_once(text, "\n第四部分 名词解释\n", "\n"), "删去了“第四部分 名词解释”（名词解释缺失）"


def _f_budget_word(text, m, rng):
    found = re.findall(r"年初预算(\d+\.\d\d)万元，支出决算(\d+\.\d\d)万元，完成", text)
    found = [(b, f) for b, f in found if Decimal(b) != Decimal(f)]
    if not found:
        raise NotApplicableFault("budget")
    b, f = rng.choice(found)
    word = "小于" if Decimal(f) > Decimal(b) else "大于"
    old = f"支出决算{f}万元，完成"
    new = replace_once(text, old, f"支出决算{f}万元，{word}年初预算，完成")
    return new, f"支出决算{f}万元与年初预算{b}万元比较，文中却说“{word}年初预算”"


FAULTS: tuple[FaultKind, ...] = (
    FaultKind("table_cell_02", "02", ("T02.hierarchy",), _f_02_cell),
    FaultKind("columns_03", "03", ("T03.columns",), _f_03_columns),
    FaultKind("item_06", "06", ("T06.hierarchy",), _f_06_item),
    FaultKind("total_01", "01", ("T01.income_total",), _f_01_total),
    FaultKind("wrong_share", "narrative-share", ("N.share",), _f_share),
    FaultKind("wrong_yoy_percent", "narrative-05", ("N.yoy_arithmetic",), _f_yoy_percent),
    FaultKind("yoy_direction_conflict", "narrative-05", ("N.yoy_direction",), _f_yoy_direction),
    FaultKind("wrong_budget_rate", "narrative-05b", ("N.budget_rate",), _f_budget_rate),
    FaultKind("budget_direction_word", "narrative-05b", ("N.budget_direction",), _f_budget_word),
    FaultKind("missing_table", "tables-tail", ("C.required_tables",), _f_missing_table),
    FaultKind("year_mismatch", "narrative-10", ("C.year",), _f_year),
    FaultKind("unit_name_mismatch", "names", ("C.unit_name",), _f_unit_name),
    FaultKind("template_residue", "residue", ("C.template_residue",), _f_residue),
    FaultKind("narrative_amount_typo", "narrative-06", ("N.amount_matches_table",), _f_narrative_amount),
    FaultKind("row_05_above_03", "05", ("X05_03.within",), _f_05_above_03),
    FaultKind("missing_empty_statement", "tables-tail", ("C.empty_table_statement",), _f_empty_statement),
    FaultKind("sangong_total_09", "09", ("T09.total",), _f_09_total),
    FaultKind("procurement_10", "tables-tail", ("T10.procurement",), _f_10_procurement),
    FaultKind("sangong_count_without_money", "narrative-09", ("N.sangong_counts",), _f_sangong_count),
    FaultKind("asset_count_mismatch", "tables-tail", ("N.assets_counts",), _f_assets),
    FaultKind("annex_total_score", "annex", ("A.total_score",), _f_annex_total),
    FaultKind("performance_count", "narrative-10b", ("N.performance",), _f_performance),
    FaultKind("fund_balance_07", "07", ("T07.balance",), _f_07_balance),
    FaultKind("general_04_vs_05", "04", ("X04_05.general_budget",), _f_04_general),
    FaultKind("glossary_missing", "glossary", ("C.glossary",), _f_glossary),
)


def inject_faults(text: str, model: Model, rng: random.Random, count: int) -> tuple[str, list[Fault]]:
    kinds = list(FAULTS)
    rng.shuffle(kinds)
    done: list[Fault] = []
    zones: set[str] = set()
    for kind in kinds:
        if len(done) >= count:
            break
        if kind.zone in zones:
            continue
        try:
            new, description = kind.inject(text, model, rng)
        except (NotApplicableFault, StopIteration, IndexError, ValueError):
            continue
        if new == text:
            continue
        text = new
        zones.add(kind.zone)
        done.append(Fault(kind.kind, description, list(kind.rules)))
    return text, done


# --- generation ----------------------------------------------------------------------------------------


def build_unit(seed: int, index: int, *, faults: bool = False, shanghai: bool | None = None) -> tuple[Model, str, list[Fault]]:
    """The model, the text and the injected faults of one unit (deterministic in seed and index)."""
    rng = random.Random(f"juesuan-synth:{seed}:{index}")
    if shanghai is None:
        shanghai = rng.random() < 0.2
    model = build_model(rng, index, shanghai)
    text = render_text(model, rng)
    injected: list[Fault] = []
    if faults and rng.random() < 0.4:
        text, injected = inject_faults(text, model, rng, rng.choice((1, 1, 2)))
    return model, text, injected


def features(model: Model) -> dict:
    return {
        "fund_07": model.fund_code is not None,
        "sangong_09": any(model.sangong_final.values()) or any(model.sangong_budget.values()),
        "procurement": any(model.procurement[k] for k in ("goods", "works", "services")),
        "vehicles": sum(model.vehicles.values()),
        "non_fiscal": bool(model.business_income or model.other_income),
        "projects_evaluated": len(model.projects),
        "classes": sorted(model.class_total(lambda l: l.total)),
    }


def generate(units: int, out_dir: Path, *, faults: bool = False, seed: int = 0, pdf_share: float = 0.2) -> list[SynthUnit]:
    """Write ``units`` disclosures and ``answer_key.json`` into ``out_dir``; returns what was written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    picker = random.Random(f"juesuan-synth-pdf:{seed}")
    pdf_count = int(Decimal(units) * Decimal(str(pdf_share)) + Decimal("0.5")) if units else 0
    pdf_indices = set(picker.sample(range(units), k=min(units, pdf_count)))
    result: list[SynthUnit] = []
    for index in range(units):
        model, text, injected = build_unit(seed, index, faults=faults)
        unit_id = f"synth-{seed}-{index:04d}"
        if index in pdf_indices:
            from juesuan_dev.render_pdf import render_text_to_pdf

            path = out_dir / f"{unit_id}.pdf"
            render_text_to_pdf(text, path, author="juesuan_dev.synth")
        else:
            path = out_dir / f"{unit_id}.txt"
            path.write_text(text, encoding="utf-8")
        result.append(SynthUnit(unit_id=unit_id, file_name=path.name, path=path, unit=model.name, year=model.year,
                                template=model.template, scope=model.scope, kind=model.kind, faults=injected,
                                features=features(model)))
    key = {"seed": seed, "units": {u.file_name: u.key_entry() for u in result}}
    (out_dir / "answer_key.json").write_text(json.dumps(key, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a convenience for benchmarks
    import argparse

    parser = argparse.ArgumentParser(description="Generate synthetic final-account disclosures with an answer key.")
    parser.add_argument("units", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pdf-share", type=Decimal, default=Decimal("0.2"))
    args = parser.parse_args(argv)
    written = generate(args.units, args.out, faults=args.faults, seed=args.seed, pdf_share=float(args.pdf_share))
    print(f"wrote {len(written)} units to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
