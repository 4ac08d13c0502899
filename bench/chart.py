"""PNG chart of a benchmark result: per-query grouped bars on a log scale (failed
queries marked), and panels for total time, cold start and peak memory."""

from __future__ import annotations

from pathlib import Path

from .common import LABELS, item_label, items
from .report import suite_name

COLORS = {"sk8": "#d62728", "spark": "#1f77b4", "spark-connect": "#17becf", "sail": "#ff7f0e",
          "duckdb": "#2ca02c"}


def draw(doc: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    run, systems, queries = doc["run"], doc["run"]["systems"], items(doc["run"])
    fig = plt.figure(figsize=(min(30, max(16, 0.07 * len(queries) * len(systems))), 9), dpi=110)
    gs = fig.add_gridspec(2, 3, height_ratios=[2.2, 1], hspace=0.42, wspace=0.28)
    ax = fig.add_subplot(gs[0, :])
    n = len(systems)
    width = 0.8 / n
    times = [doc["systems"][s]["queries"].get(q, {}).get("median") for s in systems for q in queries
             if doc["systems"][s]["queries"].get(q, {}).get("status") == "ok"]
    floor = min(times) / 3 if times else 0.01
    top = max(times) * 6 if times else 10
    handles = []
    for i, s in enumerate(systems):
        xs, ys, fails = [], [], []
        for j, q in enumerate(queries):
            st = doc["systems"][s]["queries"].get(q, {})
            x = j + (i - (n - 1) / 2) * width
            if st.get("status") == "ok":
                xs.append(x)
                ys.append(st["median"])
            else:
                fails.append((x, "W" if st.get("status") == "wrong" else "x"))
        label = LABELS[s]
        done = doc["summary"]["per_system"][s]["completed"]
        ax.bar(xs, ys, width, color=COLORS.get(s, "grey"))
        handles.append(Patch(color=COLORS.get(s, "grey"), label=f"{label} ({done}/{len(queries)} answered)"))
        for x, mark in fails:
            ax.text(x, floor * 1.05, mark, ha="center", va="bottom", fontsize=8, color=COLORS.get(s, "grey"),
                    fontweight="bold")
    ax.set_yscale("log")
    ax.set_ylim(floor, top)
    ax.set_xticks(range(len(queries)))
    ax.set_xticklabels([item_label(q) for q in queries], rotation=90 if len(queries) > 30 else 0)
    ax.set_ylabel("seconds (median, log scale)")
    ax.grid(axis="y", which="both", alpha=0.3)
    m = doc["machine"]
    ax.set_title(f"{suite_name(doc)} SF{run['sf']:g} — median of {run['runs']} runs — {m['cores']} cores, "
                 f"{m['memory_gib']:.0f} GiB — {doc['started'][:10]}   (x = error, W = wrong answer)")
    ax.legend(handles=handles, ncol=min(5, n), loc="upper left", fontsize=9)

    summ = doc["summary"]["per_system"]
    common = doc["summary"]["common_queries"]
    panels = [
        ("total time, s" + (f" ({len(common)} queries all systems with answers completed)" if common
                            else " (queries answered)"),
         {s: (summ[s]["total_common"] if common else summ[s]["total_seconds"]) for s in systems}, "{:.2f}"),
        ("cold start to first answer, s", {s: doc["systems"][s].get("cold_start") for s in systems}, "{:.2f}"),
        (f"peak RSS during {suite_name(doc)}, MiB", {s: doc["systems"][s].get("peak_rss_mib") for s in systems}, "{:.0f}"),
    ]
    for k, (title, vals, fmt) in enumerate(panels):
        a = fig.add_subplot(gs[1, k])
        names = [LABELS[s] for s in systems]
        v = [vals[s] or 0 for s in systems]
        bars = a.barh(names, v, color=[COLORS.get(s, "grey") for s in systems])
        for b, s in zip(bars, systems):
            a.text(b.get_width(), b.get_y() + b.get_height() / 2,
                   " " + fmt.format(vals[s]) if vals[s] else " n/a (no answers)", va="center", fontsize=8)
        a.set_title(title, fontsize=10)
        a.invert_yaxis()
        a.margins(x=0.25)
        a.tick_params(labelsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def main(argv=None) -> int:
    """python -m bench.chart RESULT.json [OUT.png]: redraw the chart of a saved result."""
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m bench.chart", description=main.__doc__)
    ap.add_argument("result", type=Path, help="a bench/results/*.json file")
    ap.add_argument("out", type=Path, nargs="?", help="PNG path (default: beside the JSON, .png)")
    args = ap.parse_args(argv)
    draw(json.loads(args.result.read_text()), args.out or args.result.with_suffix(".png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
