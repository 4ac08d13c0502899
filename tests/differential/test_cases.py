"""Every saved differential case (tests/differential/cases/*.json) against the target:
its answer must equal real Spark's recorded one (rows, column names, types, error class).
An UNSUPPORTED answer from sk8 fails too: a saved case is a bug to fix."""

from __future__ import annotations

import pytest

from tests.differential import cases, outcome

PATHS = cases.all_paths()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_case(spark, path):
    case = cases.load(path)
    got = cases.replay(spark, case)
    diff = outcome.compare(case["expected"], got)
    if diff:
        pytest.fail(f"{diff}\nrepro:\n  " + "\n  ".join(case["repro"]), pytrace=False)

