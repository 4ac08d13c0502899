"""Smoke test of other Spark Connect client versions than the reference 4.1 (Spark
3.5 LTS, and the newer 4.2 and 4.3 clients), each from its own venv:

    V=$(scripts/setup-client py35 | tail -1); SK8_CLIENT=py35 $V/bin/python -m pytest tests/clients

There are no golden files here: the expected values are literals. They were verified
by running this file against real Spark 4.1.3 (the repo's pinned wheel, Java 17) with
SK8_TEST_TARGET=spark.
"""

from __future__ import annotations

import pyspark
import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import Row
from pyspark.sql.functions import col, lit
from pyspark.sql.types import LongType, StringType, StructField, StructType


EXPECTED_CLIENT = {"py35": "3.5.", "py42": "4.2.", "py43": "4.3."}


def test_client_version():
    """The venv holds the client the test run claims to test."""
    import os

    wanted = EXPECTED_CLIENT[os.environ.get("SK8_CLIENT", "py35")]
    assert pyspark.__version__.startswith(wanted), pyspark.__version__


def test_range_filter_count(spark):
    df = spark.range(10).filter(col("id") % 2 == 0)
    assert df.count() == 5
    assert df.collect() == [Row(id=0), Row(id=2), Row(id=4), Row(id=6), Row(id=8)]
    assert spark.range(2, 20, 3).collect() == [Row(id=i) for i in (2, 5, 8, 11, 14, 17)]


def test_column_names_and_types(spark):
    df = spark.range(3).select(col("id"), col("id") % 2, (col("id") + lit(1.5)).alias("x"))
    assert df.columns == ["id", "(id % 2)", "x"]
    assert df.dtypes == [("id", "bigint"), ("(id % 2)", "bigint"), ("x", "double")]
    assert df.collect() == [Row(id=0, **{"(id % 2)": 0}, x=1.5), Row(id=1, **{"(id % 2)": 1}, x=2.5),
                            Row(id=2, **{"(id % 2)": 0}, x=3.5)]


def test_create_dataframe_collect(spark):
    df = spark.createDataFrame([(1, "a"), (2, None), (3, "ccc")], ["a", "b"])
    assert df.schema == StructType([StructField("a", LongType(), True), StructField("b", StringType(), True)])
    assert df.collect() == [Row(a=1, b="a"), Row(a=2, b=None), Row(a=3, b="ccc")]
    assert df.filter(col("b").isNotNull()).count() == 2


def test_show(spark, capsys):
    spark.range(3).select(col("id"), (col("id") * 10).alias("tens")).show()
    assert capsys.readouterr().out == (
        "+---+----+\n"
        "| id|tens|\n"
        "+---+----+\n"
        "|  0|   0|\n"
        "|  1|  10|\n"
        "|  2|  20|\n"
        "+---+----+\n"
        "\n")


def test_to_pandas(spark):
    pdf = spark.createDataFrame([(1, "a"), (2, "b")], "a INT, b STRING").toPandas()
    assert list(pdf.columns) == ["a", "b"]
    assert [str(t) for t in pdf.dtypes] == ["int32", "object"]
    assert pdf.to_dict("records") == [{"a": 1, "b": "a"}, {"a": 2, "b": "b"}]


def test_missing_column(spark):
    with pytest.raises(AnalysisException) as ei:
        spark.range(3).select("nope").collect()
    # A 3.5 client takes the exception class from the ErrorInfo "classes" metadata and
    # keeps only the message (getErrorClass() is None even against Spark); all clients
    # show the same message text.
    msg = str(ei.value)
    assert msg.startswith("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function "
                          "parameter with name `nope` cannot be resolved. Did you mean one of the "
                          "following? [`id`]. SQLSTATE: 42703"), msg
    # the session still works afterwards
    assert spark.range(3).count() == 3
