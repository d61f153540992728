"""The rule framework: a rule is one small function with a stable id, a statement and a basis.

A rule receives a :class:`Check`, compares figures through it and so records findings. Its outcome
is one of pass / fail / not applicable / could not check; a rule that could not run is never
counted as passed, and one that compared nothing is not applicable, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Callable, Iterable

from juesuan.core.model import Cell, Document, Location
from juesuan.core.money import Amount, Interval, format_percent, format_wan, signed_sum
from juesuan.core.labels import table_label


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    COULD_NOT_CHECK = "could_not_check"


STATUS_LABELS = {
    Status.PASS: "通过",
    Status.FAIL: "不通过",
    Status.NOT_APPLICABLE: "不适用",
    Status.COULD_NOT_CHECK: "无法检查",
}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.NOTE: "提示"}


@dataclass
class Finding:
    rule: str
    severity: Severity
    message: str
    expected: str | None
    actual: str | None
    difference: str | None
    location: Location

    def to_dict(self) -> dict:
        loc = self.location.to_dict()
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "location": loc,
        }


@dataclass
class Comparison:
    """One comparison a rule made, whatever its verdict: the evidence behind the ledger."""

    rule: str
    what: str
    expected: str
    actual: str
    difference: str
    envelope: str
    verdict: str  # 相符 / 尾数误差 / 不符
    location: Location


@dataclass
class RuleOutcome:
    rule: str
    status: Status
    reason: str
    findings: list[Finding]
    comparisons: int
    evidence: list[Comparison] = field(default_factory=list)
    #: Set by the engine when the rule raised by accident (a bug, not a verdict): ``Type: message``.
    crash: str | None = None


class NotApplicable(Exception):
    """Raised inside a rule: the identity does not apply to this document."""


class CouldNotCheck(Exception):
    """Raised inside a rule: the identity applies but the figures needed are missing or unreadable."""


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str  # one line, Chinese: the identity checked
    basis: str  # where the identity comes from (DOMAIN.md section, regulation)
    family: str  # tables / cross / narrative / completeness / annex
    func: Callable[["Check"], None]

    def run(self, doc: Document, context: "Context") -> RuleOutcome:
        check = Check(self, doc, context)
        try:
            self.func(check)
        except NotApplicable as exc:
            return RuleOutcome(self.id, Status.NOT_APPLICABLE, str(exc), [], check.comparisons, check.evidence)
        except CouldNotCheck as exc:
            return RuleOutcome(self.id, Status.COULD_NOT_CHECK, str(exc), check.findings, check.comparisons, check.evidence)
        return check.outcome()


RULE_MARK = "__juesuan_rule__"


@dataclass(frozen=True)
class RuleSpec:
    """What ``@rule`` records on a function: everything of a :class:`Rule` but the function itself."""

    id: str
    statement: str
    basis: str
    family: str


def rule(id: str, statement: str, basis: str, family: str):
    """Mark a function as the rule ``id``. It only marks: nothing is registered anywhere.

    :func:`juesuan.rules.registry` collects the marked functions of the family modules it lists.
    """

    def mark(func: Callable[["Check"], None]) -> Callable[["Check"], None]:
        setattr(func, RULE_MARK, RuleSpec(id, statement, basis, family))
        return func

    return mark


def rules_of(module) -> list[Rule]:
    """The rules a module defines (functions marked with ``@rule`` whose home is that module), in
    the order they are written."""
    found = []
    for obj in vars(module).values():
        spec = getattr(obj, RULE_MARK, None)
        if isinstance(spec, RuleSpec) and getattr(obj, "__module__", None) == module.__name__:
            found.append(Rule(spec.id, spec.statement, spec.basis, spec.family, obj))
    return found


@dataclass
class Context:
    """What every rule may use besides the document: the claims, read once, and the settings.

    ``extra_tolerance`` (万元) widens every rounding envelope: for documents compiled with a coarser
    rounding than DOMAIN.md §6 assumes. It is zero by default and shown in every report.
    """

    claims: list = field(default_factory=list)
    extra_tolerance: Decimal = Decimal(0)


class Check:
    """What a rule uses to compare figures and record findings."""

    def __init__(self, rule: Rule, doc: Document, context: Context):
        self.rule = rule
        self.doc = doc
        self.context = context
        self.findings: list[Finding] = []
        self.comparisons = 0
        self.skipped: list[str] = []
        self.evidence: list[Comparison] = []

    # --- outcome -----------------------------------------------------------------------------------

    def outcome(self) -> RuleOutcome:
        problems = [f for f in self.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
        notes = [f for f in self.findings if f.severity is Severity.NOTE]
        if problems:
            return RuleOutcome(self.rule.id, Status.FAIL, f"{len(problems)}处不符", self.findings, self.comparisons,
                               self.evidence)
        if self.comparisons == 0:
            reason = "；".join(self.skipped) if self.skipped else "没有可比对的数据"
            return RuleOutcome(self.rule.id, Status.NOT_APPLICABLE, reason, self.findings, 0, self.evidence)
        reason = f"比对{self.comparisons}处，均相符"
        if notes:
            reason += f"（其中{len(notes)}处为尾数误差）"
        return RuleOutcome(self.rule.id, Status.PASS, reason, self.findings, self.comparisons, self.evidence)

    def report(self, severity: Severity, message: str, location: Location, expected=None, actual=None,
               difference=None) -> None:
        self.findings.append(Finding(self.rule.id, severity, message, expected, actual, difference, location))

    def skip(self, reason: str) -> None:
        """Record why one comparison could not be made (shown when nothing else was compared)."""
        self.skipped.append(reason)

    def counted(self) -> None:
        self.comparisons += 1

    def log(self, what: str, expected: str, actual: str, difference: str, envelope: str, verdict: str,
            location: Location) -> None:
        self.evidence.append(Comparison(self.rule.id, what, expected, actual, difference, envelope, verdict, location))

    # --- table lookups -----------------------------------------------------------------------------

    def table(self, table_id: str, *, required: bool = True):
        """The readable table or NotApplicable (absent) / CouldNotCheck (unreadable)."""
        table = self.doc.tables.get(table_id)
        if table is None:
            raise NotApplicable(f"文件中没有{table_label(table_id)}")
        if not table.readable:
            raise CouldNotCheck(f"{table_label(table_id)}无法读取：{table.unreadable_reason}")
        return table

    @staticmethod
    def value(cell: Cell | None) -> Amount | None:
        """A cell as an amount: blank and —— count as an exact zero; text cannot be summed (None)."""
        return Amount.exact(0) if cell is None else cell.summand

    # --- comparisons -------------------------------------------------------------------------------

    def sum_equals(self, parts: Iterable[tuple[int, Amount | None]], total: Amount | None, *, what: str,
                   location: Location) -> None:
        """Σ sign × part = total, within the rounding envelope of the figures involved (DOMAIN.md §6)."""
        parts = list(parts)
        if total is None or any(p is None for _, p in parts):
            self.skip(f"{what}：含无法识别的数值")
            return
        expected, envelope = signed_sum(parts, total)
        self.compare(expected, total.value, envelope, what=what, location=location)

    def compare(self, expected: Decimal, actual: Decimal, envelope: Decimal, *, what: str, location: Location,
                severity: Severity = Severity.ERROR, unit: str = "万元") -> None:
        """Equal: pass. Off by no more than the rounding envelope: a note. Otherwise a finding.

        ``unit`` names what is compared in the messages: 万元 for money, 个/辆/台 for counts.
        """
        self.counted()
        diff = actual - expected
        envelope = envelope + self.context.extra_tolerance if unit == "万元" else envelope
        show = format_wan if unit == "万元" else (lambda v: f"{v.normalize():f}")
        verdict = "相符" if diff == 0 else "尾数误差" if abs(diff) <= envelope else "不符"
        self.log(what, show(expected), show(actual), show(diff), f"±{show(envelope)}", verdict, location)
        if diff == 0:
            return
        if abs(diff) <= envelope:
            self.report(Severity.NOTE, f"{what}：相差{show(abs(diff))}{unit}，在尾数误差范围（±{show(envelope)}）内",
                        location, show(expected), show(actual), show(diff))
            return
        self.report(severity, f"{what}：应为{show(expected)}{unit}，实为{show(actual)}{unit}，相差{show(diff)}{unit}",
                    location, show(expected), show(actual), show(diff))

    def at_most(self, part: Amount | None, whole: Amount | None, *, what: str, location: Location,
                severity: Severity = Severity.ERROR) -> None:
        """part ≤ whole (a part cannot exceed what contains it), with rounding slack."""
        if part is None or whole is None:
            self.skip(f"{what}：含无法识别的数值")
            return
        self.counted()
        slack = part.half_step + whole.half_step + self.context.extra_tolerance
        diff = part.value - whole.value
        verdict = "相符" if diff <= 0 else "尾数误差" if diff <= slack else "不符"
        self.log(what, f"≤{format_wan(whole.value)}", format_wan(part.value), format_wan(max(diff, Decimal(0))),
                 f"±{format_wan(slack)}", verdict, location)
        if part.value <= whole.value:
            return
        diff = part.value - whole.value
        sev = Severity.NOTE if diff <= slack else severity
        self.report(sev, f"{what}：部分{format_wan(part.value)}万元大于整体{format_wan(whole.value)}万元", location,
                    f"≤{format_wan(whole.value)}", format_wan(part.value), format_wan(diff))

    def percent(self, numerator: Interval, denominator: Interval, stated: Decimal, stated_half: Decimal, *,
                point: tuple[Decimal, Decimal] | None, what: str, location: Location) -> None:
        """A stated percentage against the interval the true ratio can lie in (DOMAIN.md §6).

        Pass when the printed figures give the stated percent exactly after rounding; a note when only
        the rounding intervals reconcile them; an error otherwise.
        """
        ratio = numerator.ratio(denominator)
        if ratio is None:
            self.counted()
            self.report(Severity.ERROR, f"{what}：分母为零，百分比{format_percent(stated)}无意义", location,
                        "无定义", format_percent(stated), None)
            return
        self.counted()
        ratio = ratio.scaled(Decimal(100))
        stated_interval = Interval(stated - stated_half, stated + stated_half)
        exponent = Decimal(1).scaleb(-_places(stated_half))
        computed = point[0] / point[1] * 100 if point is not None and point[1] != 0 else None
        shown = computed.quantize(exponent) if computed is not None else None
        exact = computed is not None and abs(computed - stated) <= stated_half
        verdict = "相符" if exact else "尾数误差" if ratio.overlaps(stated_interval) else "不符"
        self.log(what, format_percent(shown), format_percent(stated),
                 "" if shown is None else f"{(stated - shown):f}", f"{format_percent(ratio.low)}～{format_percent(ratio.high)}",
                 verdict, location)
        if exact:
            return
        if ratio.overlaps(stated_interval):
            self.report(Severity.NOTE, f"{what}：按表列数计算为{format_percent(shown)}，所述{format_percent(stated)}在尾数误差范围内",
                        location, format_percent(shown), format_percent(stated),
                        None if shown is None else f"{(stated - shown):f}个百分点")
            return
        self.report(Severity.ERROR, f"{what}：按所列金额计算应为{format_percent(shown)}，文中为{format_percent(stated)}",
                    location, format_percent(shown), format_percent(stated),
                    None if shown is None else f"{(stated - shown):f}个百分点")


def _places(half: Decimal) -> int:
    """0.005 -> 2, 0.05 -> 1, 0.5 -> 0."""
    places = 0
    step = half * 2
    while step < 1 and places < 10:
        step *= 10
        places += 1
    return places
