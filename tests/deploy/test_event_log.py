"""Spark event logs read by the real Spark History Server of the pinned pyspark
wheel. sk8 runs a few queries through the real PySpark client (one fails) with
spark.eventLog.enabled, three times: a single uncompressed file, Spark 4's
default rolling layout with zstd (settings from --properties-file), and a server
killed with SIGKILL; then one History Server reads the folder, and its REST API
must show every query with its status, duration, plan and row counts, the failed
one with its error, and the killed server's log as an incomplete application."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import history_server
import sk8_servers

APP_ID = re.compile(r'"msg":"event log","path":"([^"]+)","app_id":"([^"]+)"')


def app_of(server: sk8_servers.Server) -> tuple[str, Path]:
    """The application id and log path sk8 logged at start."""
    match = APP_ID.search(server.log_path.read_text(errors="replace"))
    assert match, f"no event log line in {server.log_path}:\n{sk8_servers.log_tail(server.log_path)}"
    return match.group(2), Path(match.group(1))


def run_queries(server: sk8_servers.Server, fail: bool = True) -> None:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(server.url).create()
    assert spark.range(100).filter("id >= 10").count() == 90
    rows = spark.sql("SELECT k, count(*) AS n FROM (SELECT id % 3 AS k FROM range(30)) GROUP BY k").collect()
    assert sorted(r.n for r in rows) == [10, 10, 10]
    if fail:
        with pytest.raises(Exception, match="USER_RAISED_EXCEPTION"):
            spark.sql("SELECT raise_error('boom') AS x").collect()
    spark.stop()


def endless_query(url: str) -> subprocess.Popen:
    """A client in a process of its own runs a query until the server is killed
    under it (in this process, its retries would hold PySpark's shared reattach
    thread pool, which later sessions' stop() waits for)."""
    program = ("import sys\nfrom pyspark.sql import SparkSession\n"
               "SparkSession.builder.remote(sys.argv[1]).create().range(10**13).selectExpr('sum(id)').collect()\n")
    return subprocess.Popen([sys.executable, "-c", program, url], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """The three runs' application ids and log paths, all in one folder."""
    folder = tmp_path_factory.mktemp("spark-events")
    runs = {}

    single = sk8_servers.start_sk8(extra_args=[
        "--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir=file:{folder}",
        "--conf", "spark.eventLog.rolling.enabled=false", "--conf", "spark.eventLog.compress=false",
        "--conf", "spark.app.name=sk8 single file", "--conf", "spark.hadoop.fs.s3a.secret.key=hunter2"])
    app_id, path = app_of(single)
    assert path == folder / f"{app_id}.inprogress" and path.is_file()
    run_queries(single)
    assert single.stop() == 0, single.describe_death()
    assert not path.exists() and (folder / app_id).is_file(), "a clean stop renames the log"
    # Secrets are redacted as Spark's spark.redaction.regex does.
    text = (folder / app_id).read_text()
    assert "hunter2" not in text and '"spark.hadoop.fs.s3a.secret.key":"*********(redacted)"' in text
    runs["single"] = app_id

    # Spark 4's defaults: rolling files, zstd; the settings come from a properties file.
    conf = folder.parent / "spark-defaults.conf"
    conf.write_text(f"# as spark-submit reads it\nspark.eventLog.enabled true\nspark.eventLog.dir = {folder}\n"
                    "spark.eventLog.rolling.maxFileSize 4k\nspark.app.name: sk8 rolling\n")
    rolling = sk8_servers.start_sk8(extra_args=["--properties-file", str(conf)])
    app_id, path = app_of(rolling)
    assert path == folder / f"eventlog_v2_{app_id}"
    assert (path / f"appstatus_{app_id}.inprogress").is_file()
    run_queries(rolling)
    run_queries(rolling, fail=False)
    assert rolling.stop() == 0, rolling.describe_death()
    assert (path / f"appstatus_{app_id}").is_file() and not (path / f"appstatus_{app_id}.inprogress").exists()
    runs["rolling"] = app_id

    killed = sk8_servers.start_sk8(extra_args=[
        "--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir={folder}",
        "--conf", "spark.eventLog.rolling.enabled=false", "--conf", "spark.app.name=sk8 killed"])
    app_id, path = app_of(killed)
    run_queries(killed, fail=False)
    # A query still running when the server dies: its start is in the log.
    client = endless_query(killed.url)
    # The writer is asynchronous: wait for the events to reach the file.
    deadline = time.monotonic() + 20
    while True:
        text = subprocess.run(["zstd", "-dcq", str(path)], capture_output=True).stdout
        if text.count(b"SQLExecutionEnd") == 2 and text.count(b"SQLExecutionStart") == 3:
            break
        assert time.monotonic() < deadline, f"the queries' events never reached {path}"
        time.sleep(0.1)
    killed.proc.send_signal(signal.SIGKILL)
    killed.proc.wait()
    killed.stop()
    client.kill()
    client.wait()
    assert path == folder / f"{app_id}.zstd.inprogress" and path.is_file()
    runs["killed"] = app_id
    return folder, runs


@pytest.fixture(scope="module")
def shs(logs):
    folder, runs = logs
    server = history_server.start(folder)
    try:
        server.wait_for(set(runs.values()))
        yield server
    finally:
        server.stop()


def executions(shs, app_id: str) -> list[dict]:
    return sorted(shs.get(f"applications/{app_id}/sql?details=true"), key=lambda e: e["id"])


def test_applications_are_listed(shs, logs):
    _, runs = logs
    apps = {a["id"]: a for a in shs.applications()}
    for kind, name in (("single", "sk8 single file"), ("rolling", "sk8 rolling"), ("killed", "sk8 killed")):
        app = apps[runs[kind]]
        assert app["name"] == name
        [attempt] = app["attempts"]
        assert attempt["completed"] is (kind != "killed"), (kind, attempt)
        assert attempt["sparkUser"] and attempt["appSparkVersion"].startswith("4.")
        if kind != "killed":
            assert attempt["duration"] > 0


def test_jobs_and_stages(shs, logs):
    app_id = logs[1]["single"]
    jobs = sorted(shs.get(f"applications/{app_id}/jobs"), key=lambda j: j["jobId"])
    assert [j["status"] for j in jobs] == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert "GROUP BY k" in jobs[1]["description"]
    assert jobs[2]["numFailedTasks"] == 1
    stages = sorted(shs.get(f"applications/{app_id}/stages"), key=lambda s: s["stageId"])
    assert [s["status"] for s in stages] == ["COMPLETE", "COMPLETE", "FAILED"]
    # Rows and bytes the scans read, as Spark's input metrics.
    assert stages[0]["inputRecords"] == 100 and stages[0]["inputBytes"] > 0
    assert stages[1]["inputRecords"] == 30
    assert "USER_RAISED_EXCEPTION" in stages[2]["failureReason"]
    executors = shs.get(f"applications/{app_id}/allexecutors")
    assert [e["id"] for e in executors] == ["driver"] and executors[0]["totalTasks"] == 3


def rows_of(execution: dict) -> dict[str, list[int]]:
    """Operator name -> its 'number of output rows', as the SQL tab shows them."""
    out: dict[str, list[int]] = {}
    for node in execution["nodes"]:
        for metric in node["metrics"]:
            if metric["name"] == "number of output rows":
                out.setdefault(node["nodeName"], []).append(int(metric["value"].replace(",", "")))
    return out


def test_sql_tab_has_each_query_with_plan_and_rows(shs, logs):
    app_id = logs[1]["single"]
    count, group_by, failed = executions(shs, app_id)
    for execution in (count, group_by):
        assert execution["status"] == "COMPLETED", execution
        assert execution["duration"] >= 0 and execution["successJobIds"] and not execution["failedJobIds"]
        assert "== Physical Plan ==" in execution["planDescription"]
    assert rows_of(count)["Range"] == [100] and rows_of(count)["Filter"] == [90]
    assert group_by["description"].startswith("SELECT k, count(*)")
    assert rows_of(group_by)["Range"] == [30]
    assert 3 in rows_of(group_by)["HashAggregate"]
    assert failed["status"] == "FAILED" and failed["failedJobIds"]
    assert "raise_error('boom')" in failed["description"]
    # Spark 4.1's REST API has no error message for an execution; the SQL tab
    # lists the failed query with it, and its stage has it as failure reason.
    sql_tab = shs.page(f"history/{app_id}/SQL/")
    assert "Failed Queries (1)" in sql_tab
    assert "[USER_RAISED_EXCEPTION] boom" in (failed.get("errorMessage") or sql_tab)
    [stage] = shs.get(f"applications/{app_id}/stages/{failed['failedJobIds'][0]}")
    assert stage["failureReason"].startswith("[USER_RAISED_EXCEPTION] boom")


def test_rolling_zstd_layout_is_read(shs, logs):
    folder, runs = logs
    app_id = runs["rolling"]
    files = sorted(p.name for p in (folder / f"eventlog_v2_{app_id}").iterdir())
    events = [f for f in files if f.startswith("events_")]
    assert len(events) >= 2 and all(f.endswith(f"_{app_id}.zstd") for f in events), files
    assert f"events_1_{app_id}.zstd" in events
    found = executions(shs, app_id)
    assert [e["status"] for e in found] == ["COMPLETED", "COMPLETED", "FAILED", "COMPLETED", "COMPLETED"]
    assert rows_of(found[3])["Filter"] == [90]


def test_killed_server_leaves_a_readable_inprogress_log(shs, logs):
    app_id = logs[1]["killed"]
    found = executions(shs, app_id)
    # The query the server died running shows as running, as Spark's would.
    assert [e["status"] for e in found] == ["COMPLETED", "COMPLETED", "RUNNING"]
    assert rows_of(found[0])["Range"] == [100]
    assert "Range" in {n["nodeName"] for n in found[2]["nodes"]} and found[2]["runningJobIds"]


def test_unwritable_folder_stops_the_start(tmp_path):
    missing = tmp_path / "nope"
    result = subprocess.run([str(sk8_servers.sk8_binary()), "serve", "--port", "0", "--metrics-port", "off",
                             "--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir=file:{missing}"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    assert f"event log folder {missing} does not exist" in result.stderr, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert events[-1]["level"] == "error"
