"""Memory limits (sk8.memory.limit), through the stock PySpark client.

A query past its budget fails with Spark's UNABLE_TO_ACQUIRE_MEMORY
(org.apache.spark.memory.SparkOutOfMemoryError), naming the operator and the limit;
the server lives on, the next query of the same session and other sessions run, and
the memory of the failed query is given back (the server's in-use bytes, logged with
each finished operation, return to zero).

The limit is sk8's own setting, so these tests are sk8_only; the second half starts a
server of its own with a small budget (`sk8 serve --conf sk8.memory.limit=64m`).
"""

from __future__ import annotations

import json

import pytest
from pyspark.errors import PySparkException
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import sk8_servers

pytestmark = [pytest.mark.sk8_only,
              pytest.mark.skipif(sk8_servers.target() != "sk8", reason="sk8.memory.limit is an sk8 setting")]


def _many_groups(spark, rows=3_000_000, groups=1_000_000):
    return spark.range(rows).groupBy((F.col("id") % groups).alias("k")).agg(F.count("id").alias("n"))


def _assert_out_of_memory(error: PySparkException, limit_text: str) -> None:
    assert error.getCondition() == "UNABLE_TO_ACQUIRE_MEMORY", str(error)
    assert error.getSqlState() == "53200"
    params = error.getMessageParameters()
    assert int(params["requestedBytes"]) > 0 and params["receivedBytes"] == "0"
    message = str(error)
    assert "Unable to acquire" in message
    assert "needed" in message and limit_text in message  # the operator and the limit
    assert "Raise sk8.memory.limit" in message


def test_session_limit_fails_a_big_group_by_then_the_session_goes_on(spark):
    spark.conf.set("sk8.memory.limit", "1m")
    try:
        assert spark.conf.get("sk8.memory.limit") == "1m"
        with pytest.raises(PySparkException) as info:
            _many_groups(spark).collect()
        _assert_out_of_memory(info.value, "1.0 MiB")
        # A small query fits even under the small limit.
        assert spark.range(10).agg(F.sum("id")).collect()[0][0] == 45
    finally:
        spark.conf.unset("sk8.memory.limit")
    # Back to the server's budget: the same query answers.
    assert _many_groups(spark).count() == 1_000_000
    assert _many_groups(spark).agg(F.sum("n")).collect()[0][0] == 3_000_000


def test_session_limit_values_are_checked(spark):
    default = spark.conf.get("sk8.memory.limit")  # the server's budget, in Spark's units
    assert default[-1] in "0123456789kmgtp"
    with pytest.raises(PySparkException) as info:
        spark.conf.set("sk8.memory.limit", "lots")
    assert info.value.getCondition() == "INVALID_CONF_VALUE.TYPE_MISMATCH"
    with pytest.raises(PySparkException) as info:
        spark.conf.set("sk8.memory.limit", "1000t")
    assert info.value.getCondition() == "INVALID_CONF_VALUE.REQUIREMENT"
    assert "server's budget" in str(info.value)
    assert spark.conf.get("sk8.memory.limit") == default


@pytest.fixture(scope="module")
def small_server():
    server = sk8_servers.start_sk8(extra_args=["--conf", "sk8.memory.limit=64m"])
    yield server
    died = not server.alive()
    rc = server.stop()
    assert not died and rc == 0, server.describe_death()


def _session(server) -> SparkSession:
    return SparkSession.builder.remote(server.url).create()


def _finished_operations(server) -> list[dict]:
    lines = server.log_path.read_text(errors="replace").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    return [r for r in records if r.get("msg", r.get("message")) == "operation finished"]


def test_server_budget_fails_big_sort_and_join_while_small_queries_answer(small_server):
    spark = _session(small_server)
    other = _session(small_server)
    try:
        with pytest.raises(PySparkException) as info:
            # A full sort (orderBy + limit would be a top-N, which buffers 3 rows per chunk).
            spark.range(20_000_000).orderBy(F.col("id").desc()).offset(19_999_997).collect()
        _assert_out_of_memory(info.value, "64.0 MiB")

        with pytest.raises(PySparkException) as info:
            big = spark.range(10_000_000)
            big.join(big.withColumnRenamed("id", "id2"), F.col("id") == F.col("id2")).count()
        _assert_out_of_memory(info.value, "64.0 MiB")

        # The same session and another one still answer.
        rows = spark.range(1000).groupBy((F.col("id") % 10).alias("k")).count().orderBy("k").collect()
        assert [(r.k, r["count"]) for r in rows] == [(k, 100) for k in range(10)]
        assert other.range(100).agg(F.sum("id")).collect()[0][0] == 4950
        # A session cannot raise its limit above the server's budget.
        with pytest.raises(PySparkException) as info:
            spark.conf.set("sk8.memory.limit", "1g")
        assert info.value.getCondition() == "INVALID_CONF_VALUE.REQUIREMENT"
        assert spark.conf.get("sk8.memory.limit") == "64m"
    finally:
        spark.stop()
        other.stop()

    finished = _finished_operations(small_server)
    peaks = [int(r["peak_memory_bytes"]) for r in finished]
    assert max(peaks) > 32 << 20  # the failed queries got close to the budget
    assert max(peaks) <= 64 << 20
    # Every operation gave its memory back: nothing in use once the last one ended.
    assert int(finished[-1]["server_memory_in_use_bytes"]) == 0


def test_session_limit_fails_a_big_window_then_the_session_goes_on(spark):
    from pyspark.sql import Window

    def windowed():
        w = Window.partitionBy((F.col("id") % 10).alias("g")).orderBy(F.desc("id"))
        return spark.range(2_000_000).select(F.sum("id").over(w.rowsBetween(-3, 3)).alias("s")).agg(F.sum("s"))

    spark.conf.set("sk8.memory.limit", "1m")
    try:
        with pytest.raises(PySparkException) as info:
            windowed().collect()
        _assert_out_of_memory(info.value, "1.0 MiB")
    finally:
        spark.conf.unset("sk8.memory.limit")
    # Each id is in the frames of the rows up to 3 away in its partition (fewer at the edges).
    expected = 0
    for g in range(10):
        ids = list(range(g, 2_000_000, 10))
        n = len(ids)
        expected += sum(v * (min(i, 3) + min(n - 1 - i, 3) + 1) for i, v in enumerate(ids))
    assert windowed().collect()[0][0] == expected
