"""A small mutation check: each planted bug (tests/mutants.py) must turn specific tests red.

A test that stays green with the code broken proves nothing. Each case runs a few selected tests in
a subprocess with ``JUESUAN_MUTANT`` set and requires every one of them to fail. The selected tests
pass in the ordinary run of the suite, so a failure here is the mutant's doing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

P = "tests/test_properties.py::"
CASES = [
    # (mutant, tests that must fail)
    ("raises=N.share", [P + "test_reader_reads_or_refuses_any_text",
                        P + "test_correctly_rounded_shares_are_never_errors",
                        "tests/test_faults.py::test_injected_fault_fails_its_rule[share]"]),
    ("raises=N.yoy_arithmetic", [P + "test_correct_year_on_year_statements_are_never_errors",
                                 "tests/test_faults.py::test_injected_fault_fails_its_rule[yoy percent]"]),
    ("envelope_zero", [P + "test_correctly_rounded_shares_are_never_errors",
                       P + "test_correct_year_on_year_statements_are_never_errors",
                       "tests/test_seed_audit.py::test_the_three_rounding_gaps_are_notes"]),
    ("hierarchy_off_by_one", ["tests/test_seed_audit.py::test_only_the_documents_real_defect_is_an_error",
                              "tests/test_seed_audit.py::test_the_three_rounding_gaps_are_notes"]),
    # The claim test must hold every kind to its own sentence: yoy, share and count included.
    ("quote_elsewhere", ["tests/test_claims.py::test_claim_extracted[yoy:*]",
                         "tests/test_claims.py::test_claim_extracted[share:*]",
                         "tests/test_claims.py::test_claim_extracted[count:*]"]),
]


def _failed(mutant: str, tests: list[str]) -> tuple[set[str], str]:
    selection = sorted({t.split("[")[0] if "*" in t else t for t in tests})
    env = {**os.environ, "JUESUAN_MUTANT": mutant}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *selection],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    failed = set(re.findall(r"^FAILED (.+?)(?: - .*)?$", done.stdout, flags=re.M))
    return failed, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.parametrize("mutant,tests", CASES, ids=[c[0] for c in CASES])
def test_mutant_turns_its_tests_red(mutant, tests):
    failed, output = _failed(mutant, tests)
    for test in tests:
        pattern = re.escape(test).replace(r"\*", ".*")
        assert any(re.fullmatch(pattern, f) for f in failed), f"{test} stayed green with mutant {mutant}:\n{output}"
