#!/usr/bin/env python3
"""Writes the Grafana dashboards of deploy/grafana/ (server, queries, tenants) from
the panel lists below: edit here, run `python3 deploy/grafana/build_dashboards.py`,
commit both. tests/deploy/test_metrics.py checks the JSON is current and runs every
panel's PromQL against a real Prometheus scraping sk8.

Variables: $datasource (a Prometheus data source) and $job (the scrape jobs of
sk8, a regex; the chart's ServiceMonitor names the job after the release)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
J = '{job=~"$job"}'
RATE = "$__rate_interval"


def panel(title, exprs, unit="short", kind="timeseries", description=""):
    """exprs: [(PromQL, legend)]."""
    return {"title": title, "type": kind, "unit": unit, "description": description, "exprs": exprs}


def quantiles(metric, by=""):
    group = f"le{', ' + by if by else ''}"
    return [(f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{J}[{RATE}])))",
             f"p{int(q * 100)}" + (f" {{{{{by}}}}}" if by else "")) for q in (0.5, 0.95, 0.99)]


DASHBOARDS = {
    "sk8-server": ("sk8 / Server", "Health, memory, threads and sessions of each sk8 server.", [
        panel("Servers up", [(f"up{J}", "{{instance}} {{job}}")], kind="stat"),
        panel("Uptime", [(f"sk8_uptime_seconds{J}", "{{instance}}")], unit="s", kind="stat"),
        panel("Version", [(f"sk8_info{J}", "sk8 {{version}}, Spark {{spark_version}}")], kind="table"),
        panel("Memory in use, peak and budget", [
            (f"sk8_memory_used_bytes{J}", "in use {{instance}}"),
            (f"sk8_memory_peak_bytes{J}", "peak {{instance}}"),
            (f"sk8_memory_budget_bytes{J}", "budget {{instance}}"),
        ], unit="bytes"),
        panel("Memory in use / budget", [
            (f"sk8_memory_used_bytes{J} / sk8_memory_budget_bytes{J}", "{{instance}}"),
        ], unit="percentunit", description="Alert Sk8MemoryNearBudget fires above 90% for 5 minutes."),
        panel("Sessions and running operations", [
            (f"sk8_sessions_active{J}", "sessions {{instance}}"),
            (f"sk8_operations_active{J}", "operations {{instance}}"),
        ]),
        panel("Worker threads busy", [
            (f"sk8_threads_busy{J}", "busy {{instance}}"),
            (f"sk8_threads{J}", "threads {{instance}}"),
        ]),
        panel("Task queue wait", quantiles("sk8_task_queue_wait_seconds"), unit="s",
              description="How long query tasks wait for a worker thread; alert Sk8QueueWait fires when p95 > 0.5 s."),
        panel("CPU seconds per second (query execution)", [
            (f"sum by (instance) (rate(sk8_cpu_seconds_total{J}[{RATE}]))", "{{instance}}"),
        ]),
        panel("Plans by engine", [
            (f"sum by (engine) (rate(sk8_plans_total{J}[{RATE}]))", "{{engine}}"),
        ], unit="ops", description="native: sk8's engine; upstream: handed to a Spark cluster."),
        panel("Spark executor view: active tasks and memory", [
            (f"metrics_executor_activeTasks{J}", "active tasks {{executor_id}}"),
            (f"metrics_executor_memoryUsed_bytes{J}", "memory used {{executor_id}}"),
            (f"metrics_executor_maxMemory_bytes{J}", "max memory {{executor_id}}"),
        ], description="The names Spark 4 serves at /metrics/executors/prometheus, for existing Spark dashboards."),
    ]),
    "sk8-queries": ("sk8 / Queries", "Query rate, errors, latency and data volume.", [
        panel("Queries started per second", [
            (f"sum(rate(sk8_queries_started_total{J}[{RATE}]))", "started"),
            (f"sum(rate(sk8_queries_succeeded_total{J}[{RATE}]))", "succeeded"),
            (f"sum(rate(sk8_queries_failed_total{J}[{RATE}]))", "failed"),
        ], unit="ops"),
        panel("Failures by error class", [
            (f"sum by (error_class) (rate(sk8_queries_failed_total{J}[{RATE}]))", "{{error_class}}"),
        ], unit="ops"),
        panel("Failed queries by error class (total)", [
            (f"sum by (error_class) (sk8_queries_failed_total{J})", "{{error_class}}"),
        ], kind="table"),
        panel("Error ratio", [
            (f"sum(rate(sk8_queries_failed_total{J}[{RATE}])) / sum(rate(sk8_queries_started_total{J}[{RATE}]))",
             "failed / started"),
        ], unit="percentunit", description="Alert Sk8QueryErrors fires above 10% for 10 minutes."),
        panel("Query duration", quantiles("sk8_query_duration_seconds", "outcome"), unit="s"),
        panel("Rows read and returned per second", [
            (f"sum(rate(sk8_rows_read_total{J}[{RATE}]))", "read"),
            (f"sum(rate(sk8_rows_returned_total{J}[{RATE}]))", "returned"),
        ], unit="short"),
        panel("Bytes read and returned per second", [
            (f"sum(rate(sk8_bytes_read_total{J}[{RATE}]))", "read"),
            (f"sum(rate(sk8_bytes_returned_total{J}[{RATE}]))", "returned"),
        ], unit="Bps"),
        panel("Peak memory per query", quantiles("sk8_query_peak_memory_bytes"), unit="bytes"),
        panel("Spark executor view: tasks", [
            (f"sum(rate(metrics_executor_completedTasks_total{J}[{RATE}]))", "completed"),
            (f"sum(rate(metrics_executor_failedTasks_total{J}[{RATE}]))", "failed"),
            (f"sum(rate(metrics_executor_totalDuration_seconds_total{J}[{RATE}]))", "task seconds / s"),
            (f"sum(rate(metrics_executor_totalInputBytes_bytes_total{J}[{RATE}]))", "input bytes / s"),
        ]),
    ]),
    "sk8-tenants": ("sk8 / Tenants", "Usage per user and per session: CPU time, bytes scanned, queries.", [
        panel("CPU seconds per second by user", [
            (f"sum by (user) (rate(sk8_user_cpu_seconds_total{J}[{RATE}]))", "{{user}}"),
        ]),
        panel("Bytes scanned per second by user", [
            (f"sum by (user) (rate(sk8_user_bytes_scanned_total{J}[{RATE}]))", "{{user}}"),
        ], unit="Bps"),
        panel("Queries by user and outcome", [
            (f"sum by (user, outcome) (rate(sk8_user_queries_total{J}[{RATE}]))", "{{user}} {{outcome}}"),
        ], unit="ops"),
        panel("CPU seconds by user in the time range", [
            (f"sum by (user) (increase(sk8_user_cpu_seconds_total{J}[$__range]))", "{{user}}"),
        ], unit="s", kind="table"),
        panel("Bytes scanned by user in the time range", [
            (f"sum by (user) (increase(sk8_user_bytes_scanned_total{J}[$__range]))", "{{user}}"),
        ], unit="bytes", kind="table"),
        panel("Open sessions: top CPU", [
            (f"topk(10, sk8_session_cpu_seconds_total{J})", "{{user}} {{session_id}}"),
        ], unit="s", kind="table"),
        panel("Open sessions: top bytes scanned", [
            (f"topk(10, sk8_session_bytes_scanned_total{J})", "{{user}} {{session_id}}"),
        ], unit="bytes", kind="table"),
    ]),
}


def dashboard(uid: str, title: str, description: str, panels: list[dict]) -> dict:
    out = []
    for i, p in enumerate(panels):
        out.append({
            "id": i + 1,
            "title": p["title"],
            "description": p["description"],
            "type": p["type"],
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
            "fieldConfig": {"defaults": {"unit": p["unit"]}, "overrides": []},
            "options": {},
            "targets": [{"refId": chr(ord("A") + n), "expr": expr, "legendFormat": legend,
                         "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                        for n, (expr, legend) in enumerate(p["exprs"])],
        })
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["sk8", "spark"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0},
            {"name": "job", "label": "Job", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(sk8_info, job)", "refId": "job"},
             "definition": "label_values(sk8_info, job)", "includeAll": True, "multi": True,
             "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "refresh": 2, "hide": 0},
        ]},
        "panels": out,
    }


def render() -> dict[str, str]:
    return {f"{uid}.json": json.dumps(dashboard(uid, *spec), indent=2) + "\n" for uid, spec in DASHBOARDS.items()}


if __name__ == "__main__":
    for name, text in render().items():
        (HERE / name).write_text(text)
        print("wrote", HERE / name)
