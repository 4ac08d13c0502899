"""sk8 and real Spark share a bucket: Parquet and CSV written by sk8 to s3a:// are read by
real Spark (with hadoop-aws, from scripts/fetch-s3a-jars) and the other way round, with
partition pruning on both sides. Runs against sk8 only (it starts its own real Spark
next to it and a moto_server for both); skipped when the jars were not fetched."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from pyspark.sql import SparkSession

import golden
import sk8_servers
from test_s3 import REPO, describe, moto_store

pytestmark = pytest.mark.sk8_only


def s3a_jars() -> list[str]:
    run = subprocess.run([str(REPO / "scripts" / "fetch-s3a-jars"), "--present"], capture_output=True, text=True)
    return run.stdout.split() if run.returncode == 0 else []


@pytest.fixture(scope="module")
def store():
    if sk8_servers.target() != "sk8":
        pytest.skip("sk8 next to real Spark")
    with moto_store() as s:
        yield s


def s3a_confs(store) -> dict[str, str]:
    return {
        "spark.hadoop.fs.s3a.endpoint": store.endpoint,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.access.key": "testing",
        "spark.hadoop.fs.s3a.secret.key": "testing",
        "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
    }


@pytest.fixture(scope="module")
def real_spark(store):
    jars = s3a_jars()
    if not jars:
        # scripts/test fetches them; in CI a missing jar is a failure, not a skip.
        message = "hadoop-aws jars missing: run scripts/fetch-s3a-jars"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    confs = {"spark.sql.session.timeZone": "UTC", "spark.jars": ",".join(jars),
             "spark.hadoop.fs.s3a.connection.ssl.enabled": "false", **s3a_confs(store)}
    server = sk8_servers.start_spark(confs=confs, log_name="spark-s3a")
    # A session of its own (create, not getOrCreate): getOrCreate would hand back
    # the module's sk8 session, and stopping it would end the next modules' too.
    session = SparkSession.builder.remote(server.url).create()
    try:
        session.conf.set("spark.sql.session.timeZone", "UTC")
        yield session
    finally:
        session.stop()
        server.stop(30.0)


@pytest.fixture(scope="module")
def sk8(spark, store):
    for key, value in s3a_confs(store).items():
        spark.conf.set(key, value)
    return spark


ROWS = [(1, "a", 1.5, "2024-01-05"), (2, "b", None, "2024-01-06"), (3, "a", -2.0, None), (4, None, 0.25, "2024-01-07")]
SCHEMA = "id INT, k STRING, x DOUBLE, day STRING"


def both_read(sk8, real_spark, read) -> None:
    ours, theirs = describe(read(sk8)), describe(read(real_spark))
    assert ours == theirs, f"sk8 read:\n{ours}\nreal Spark read:\n{theirs}"
    assert ours["rows"], "nothing was read"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_sk8_writes_real_spark_reads(sk8, real_spark, store, fmt):
    url = store.url(f"by-sk8-{fmt}")
    sk8.createDataFrame(ROWS, SCHEMA).write.mode("overwrite").partitionBy("k").format(fmt) \
        .option("header", True).save(url)
    read = lambda s: s.read.format(fmt).option("header", True).option("inferSchema", True).load(url)  # noqa: E731
    both_read(sk8, real_spark, read)
    both_read(sk8, real_spark, lambda s: read(s).filter("k = 'a'").select("id", "x", "k"))
    assert real_spark.read.format(fmt).option("header", True).load(url).count() == len(ROWS)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_real_spark_writes_sk8_reads(sk8, real_spark, store, fmt):
    url = store.url(f"by-spark-{fmt}")
    real_spark.createDataFrame(ROWS, SCHEMA).write.mode("overwrite").partitionBy("k").format(fmt) \
        .option("header", True).save(url)
    assert "by-spark-" + fmt + "/_SUCCESS" in store.keys(f"by-spark-{fmt}/")
    read = lambda s: s.read.format(fmt).option("header", True).option("inferSchema", True).load(url)  # noqa: E731
    both_read(sk8, real_spark, read)
    both_read(sk8, real_spark, lambda s: read(s).filter("k = 'b' OR k IS NULL").select("id", "day", "k"))
    # sk8 prunes real Spark's partition directories: fewer files to read under a filter.
    assert files_scanned(read(sk8).filter("k = 'a'")) < files_scanned(read(sk8))


def files_scanned(df) -> int:
    plan = golden.capture_stdout(lambda: df.explain())
    found = re.findall(r"(\d+) file\(s\)", plan)
    assert found, plan
    return int(found[0])
