"""Cross-check of the systems' answers before any time is reported.

Rows are compared as multisets (sorted), numbers within 1e-6 relative or 1e-5 absolute
(decimal vs double arithmetic differs in the last digits), text exactly (trailing
blanks ignored). For each query the reference answer is the one most systems agree
on (ties: the first in REFERENCE_ORDER); a system whose answer differs is WRONG for
that query, and its time is not reported.
"""

from __future__ import annotations

import math
from typing import Optional

REL_TOL = 1e-6
ABS_TOL = 1e-5   # decimal averages have 6 places; engines may round the last one differently
REFERENCE_ORDER = ["spark", "spark-connect", "duckdb", "sail", "sk8"]


def _key(v) -> tuple:
    if v is None:
        return (0, "")
    if isinstance(v, float):
        return (1, f"{v:.2e}")
    return (2, str(v).rstrip())


def _sorted(rows: list) -> list:
    return sorted(rows, key=lambda r: [_key(v) for v in r])


def _eq(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip() == b.rstrip()
    return a == b


def same(a: list, b: list) -> Optional[str]:
    """None if two answers agree, else the first difference."""
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)} rows"
    for i, (x, y) in enumerate(zip(_sorted(a), _sorted(b))):
        if len(x) != len(y):
            return f"row {i}: {len(x)} columns vs {len(y)}"
        if not all(_eq(u, v) for u, v in zip(x, y)):
            return f"row {i}: {x} vs {y}"
    return None


def cross_check(answers: dict[str, list]) -> tuple[Optional[str], dict[str, str]]:
    """answers: system -> rows (systems that answered). Returns (reference system,
    {system: difference} for the systems whose answer is wrong)."""
    systems = sorted(answers, key=lambda s: REFERENCE_ORDER.index(s) if s in REFERENCE_ORDER else 99)
    if not systems:
        return None, {}
    groups: list[list[str]] = []
    for s in systems:
        for g in groups:
            if same(answers[g[0]], answers[s]) is None:
                g.append(s)
                break
        else:
            groups.append([s])
    best = max(groups, key=lambda g: (len(g), -systems.index(g[0])))
    ref = best[0]
    wrong = {s: same(answers[ref], answers[s]) for s in systems if s not in best}
    return ref, wrong
