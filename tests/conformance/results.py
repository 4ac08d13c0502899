"""Suite results: counting, the printed table, the JSON file and the failure list."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

STATUSES = ("passed", "failed", "errored", "skipped")


def log(msg: str) -> None:
    """A progress line on stderr."""
    print(f"[conformance {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def first_line(text: str, limit: int = 240) -> str:
    """The first non-blank line of an error text, shortened."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 3] + "..."
    return ""


@dataclass
class Case:
    name: str
    status: str            # one of STATUSES
    error: str = ""        # first error line (failed/errored), or skip reason
    seconds: float = 0.0


@dataclass
class SuiteResult:
    suite: str
    cases: list[Case] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""         # e.g. "tests/sql does not exist yet"

    def add(self, name: str, status: str, error: str = "", seconds: float = 0.0) -> None:
        assert status in STATUSES, status
        self.cases.append(Case(name, status, error, seconds))

    def count(self, status: Optional[str] = None) -> int:
        return len(self.cases) if status is None else sum(c.status == status for c in self.cases)

    def pass_rate(self) -> Optional[float]:
        """passed / (total - skipped); None when nothing ran."""
        ran = self.count() - self.count("skipped")
        return self.count("passed") / ran if ran else None

    def groups(self) -> tuple[int, int]:
        """(groups whose every non-skipped case passed, groups with a non-skipped case),
        a group being the cases sharing the name before ':' (for doctests: one docstring,
        whose examples build on each other)."""
        by: dict[str, list[str]] = {}
        for c in self.cases:
            if c.status != "skipped":
                by.setdefault(c.name.rsplit(":", 1)[0], []).append(c.status)
        return sum(all(x == "passed" for x in v) for v in by.values()), len(by)

    def row(self) -> dict:
        ok, n = self.groups()
        return {"suite": self.suite, "total": self.count(),
                **{s: self.count(s) for s in STATUSES},
                "pass_rate": self.pass_rate(), "seconds": round(self.seconds, 1), "note": self.note,
                "groups_passed": ok, "groups": n}


def total(results: list[SuiteResult]) -> SuiteResult:
    t = SuiteResult("TOTAL", seconds=sum(r.seconds for r in results))
    for r in results:
        t.cases.extend(r.cases)
    return t


def _rate(r: Optional[float]) -> str:
    return "-" if r is None else f"{100 * r:.1f}%"


def table(results: list[SuiteResult], target: str) -> str:
    rows = [r.row() for r in results] + [total(results).row()]
    head = ["suite", "total", "passed", "failed", "errored", "skipped", "pass rate", "time"]
    body = [[x["suite"], str(x["total"]), str(x["passed"]), str(x["failed"]), str(x["errored"]),
             str(x["skipped"]), _rate(x["pass_rate"]), f"{x['seconds']:.0f}s"] for x in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    sep = "  ".join("-" * w for w in widths)
    lines = [f"Conformance against {target}", fmt(head), sep] + [fmt(b) for b in body[:-1]] + [sep, fmt(body[-1])]
    notes = [f"  note: {r.suite}: {r.note}" for r in results if r.note]
    docs = [r for r in results if r.suite.startswith("doctest-")]
    if docs:
        notes.append("doctests count every example (>>> line), including set-up lines without output; "
                     "docstrings whose examples all pass: " + ", ".join(
                         f"{r.suite.removeprefix('doctest-')} {r.groups()[0]}/{r.groups()[1]}" for r in docs))
    return "\n".join(lines + notes)


def error_kind(error: str) -> str:
    """The Spark error condition in an error line ([CONDITION] ...), else its exception
    type, else 'wrong answer'."""
    m = re.search(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]", error or "") or \
        re.match(r"error: \w+ ([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*) ", error or "")
    if m:
        return m.group(1)
    m = re.match(r"([A-Za-z_][\w.]*(?:Error|Exception|Timeout))\b", error or "")
    if m:
        return m.group(1).rsplit(".", 1)[-1]
    return "timeout" if "timed out" in (error or "") else "wrong answer"


def failure_list(results: list[SuiteResult], limit: int) -> str:
    lines = []
    for r in results:
        bad = [c for c in r.cases if c.status in ("failed", "errored")]
        if not bad:
            continue
        kinds = Counter(error_kind(c.error) for c in bad).most_common(6)
        lines.append(f"{r.suite}: {len(bad)} failed or errored; most common: "
                     + ", ".join(f"{k} x{n}" for k, n in kinds))
        for c in bad[:limit] if limit >= 0 else bad:
            lines.append(f"  {c.status.upper():7} {c.name}: {c.error}")
        if 0 <= limit < len(bad):
            lines.append(f"  ... {len(bad) - limit} more (all are in the JSON file)")
    return "\n".join(lines) if lines else "no failures"


def write_json(results: list[SuiteResult], target: str, meta: dict, path: Path) -> None:
    doc = {
        "target": target,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **meta,
        "summary": [r.row() for r in results] + [total(results).row()],
        "suites": {r.suite: [asdict(c) for c in r.cases] for r in results},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
