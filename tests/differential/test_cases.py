"""Every saved differential case (tests/differential/cases/*.json) against the target:
its answer must equal real Spark's recorded one (rows, column names, types, error class).
An UNSUPPORTED answer from sk8 fails too: a saved case is a bug to fix."""

from __future__ import annotations

import json

import pytest

from tests.differential import cases, outcome

PATHS = cases.all_paths()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_case(spark, path):
    case = cases.load(path)
    got = cases.replay(spark, case)
    diff = outcome.compare(case["expected"], got)
    if diff:
        def side(o: dict) -> str:
            return json.dumps(o, ensure_ascii=False)[:2000]
        pytest.fail(f"{diff}\n--- real Spark (recorded):\n{side(case['expected'])}\n--- this server:\n{side(got)}"
                    f"\n--- repro:\n  " + "\n  ".join(case["repro"]), pytrace=False)

