"""The narrative claims ledger per real document: sentences, claims extracted, checked, skipped (with
the reasons), uncheckable (the document holds nothing to compare them with), not compared (no rule
applies). Target (issue #10): skipped under 10% of the claims on every real 决算 PDF.

Run: .venv/bin/python benchmarks/bench_claims.py [PDF ...]   (default: the 决算 in ../shared/realdocs and the seed)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from juesuan.claims import claims_summary
from juesuan.claims.normalize import narrative_text
from juesuan.claims.tokens import SENTENCE, is_grid_text
from juesuan.core.exceptions import InputError
from juesuan.engine import audit
from juesuan.extract import read_document

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = Path(os.environ.get("JUESUAN_REALDOCS") or ROOT.parent / "shared" / "realdocs")
FINAL_ACCOUNTS = ("putuo-finance-bureau-2024", "putuo-planning-resources-2024", "guangdong-foshan-rail-transit-final-2019",
                  "shaanxi-xian-health-commission-final-2022", "chongqing-swu-univ-final-2023")
TARGET = 0.10


def sentences(doc) -> int:
    """Sentences of the narrative's prose (a 绩效自评表 grid read as text is not prose)."""
    texts = [narrative_text(p.text) for section in doc.sections for p in section.paragraphs]
    return sum(len([s for s in SENTENCE.findall(t) if s.strip()]) for t in texts if not is_grid_text(t))


def line(name: str, doc) -> tuple[str, float]:
    result = audit(doc)
    ledger = claims_summary(result.claims)
    share = ledger["skipped"] / ledger["extracted"] if ledger["extracted"] else 0.0
    reasons = "；".join(f"{r}×{n}" for r, n in ledger["skipped_reasons"].items()) or "—"
    why_not = "；".join(f"{r}×{n}" for r, n in ledger["uncheckable_reasons"].items()) or "—"
    text = (f"{name}: sentences {sentences(doc)}, claims {ledger['extracted']}, checked {ledger['checked']}, "
            f"skipped {ledger['skipped']} ({share:.1%}), uncheckable {ledger['uncheckable']}, "
            f"not compared {ledger['not_compared']}; skipped because: {reasons}; uncheckable because: {why_not}")
    return text, share


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [REALDOCS / f"{stem}.pdf" for stem in FINAL_ACCOUNTS] + [
        ROOT / "data" / "yangquan-bigdata-center-2024.txt"]
    over = []
    for path in paths:
        if not path.exists():
            print(f"{path.stem}: not present")
            continue
        try:
            doc = read_document(path)
        except InputError as exc:
            print(f"{path.stem}: not read ({exc})")
            continue
        text, share = line(path.stem, doc)
        print(text)
        if share >= TARGET:
            over.append(path.stem)
    print(f"target: skipped < {TARGET:.0%} of claims on every document — "
          + ("met" if not over else "NOT met on " + ", ".join(over)))
    return 0 if not over else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
