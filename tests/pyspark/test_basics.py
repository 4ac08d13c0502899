"""DataFrame basics through the real PySpark Connect client, answers from real Spark."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.sql.functions import col, lit
from pyspark.sql.types import (BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType,
                               FloatType, IntegerType, LongType, ShortType, StringType, StructField,
                               StructType, TimestampNTZType, TimestampType)

import golden

# --- spark.range --------------------------------------------------------------


def test_range_end_only(spark, request):
    golden.check(request, "range10", spark.range(10), ordered=True)


def test_range_start_end_step(spark, request):
    golden.check(request, "range_2_20_3", spark.range(2, 20, 3), ordered=True)


def test_range_negative_step(spark, request):
    golden.check(request, "range_10_0_m2", spark.range(10, 0, -2), ordered=True)


def test_range_num_partitions(spark, request):
    golden.check(request, "range_0_10_1_p3", spark.range(0, 10, 1, numPartitions=3), ordered=True)


def test_range_empty(spark, request):
    golden.check(request, "range_5_5", spark.range(5, 5))


def test_filter_even_count(spark, request):
    n = spark.range(10).filter(col("id") % 2 == 0).count()
    assert n == 5
    golden.check_value(request, "count", n)


def test_filter_even_rows(spark, request):
    golden.check(request, "even", spark.range(10).filter(col("id") % 2 == 0), ordered=True)


def test_select_mod_column_name(spark, request):
    # the unaliased column name is "(id % 2)"
    golden.check(request, "mod", spark.range(4).select(col("id"), col("id") % 2, col("id") % 2 == 0))


# --- createDataFrame ----------------------------------------------------------

TUPLES = [(1, "a"), (2, "b"), (3, None)]


def test_create_tuples_no_schema(spark, request):
    golden.check(request, "df", spark.createDataFrame(TUPLES))


def test_create_tuples_names(spark, request):
    golden.check(request, "df", spark.createDataFrame(TUPLES, ["a", "b"]))


def test_create_tuples_ddl(spark, request):
    golden.check(request, "df", spark.createDataFrame(TUPLES, "a INT, b STRING"))


def test_create_tuples_structtype(spark, request):
    schema = StructType([StructField("a", IntegerType(), False), StructField("b", StringType(), True)])
    golden.check(request, "df", spark.createDataFrame(TUPLES, schema))


def test_create_dicts(spark, request):
    data = [{"name": "x", "age": 1, "score": 1.5}, {"name": "y", "age": 2, "score": None}]
    golden.check(request, "df", spark.createDataFrame(data))


def test_create_rows(spark, request):
    data = [Row(a=1, b="x", c=True), Row(a=2, b=None, c=False)]
    golden.check(request, "df", spark.createDataFrame(data))


PDF = pd.DataFrame({"i": [1, 2, 3], "f": [1.5, float("nan"), -0.25], "s": ["a", None, "ccc"],
                    "b": [True, False, True]})


def test_create_pandas(spark, request):
    golden.check(request, "df", spark.createDataFrame(PDF))


def test_create_pandas_schema(spark, request):
    golden.check(request, "df", spark.createDataFrame(PDF, "i INT, f DOUBLE, s STRING, b BOOLEAN"))


ALL_TYPES_SCHEMA = StructType([
    StructField("bool", BooleanType()),
    StructField("byte", ByteType()),
    StructField("short", ShortType()),
    StructField("int", IntegerType()),
    StructField("bigint", LongType()),
    StructField("float", FloatType()),
    StructField("double", DoubleType()),
    StructField("str", StringType()),
    StructField("dec", DecimalType(10, 2)),
    StructField("date", DateType()),
    StructField("ts", TimestampType()),
    StructField("ts_ntz", TimestampNTZType()),
    StructField("bin", BinaryType()),
])

ALL_TYPES_ROWS = [
    (True, 1, 300, 70000, 2**40, 1.1, 2.5, "héllo ✓ 日本", Decimal("1.23"), date(2024, 1, 2),
     datetime(2024, 1, 2, 3, 4, 5, 123456), datetime(2024, 1, 2, 3, 4, 5), b"\x00\xffab"),
    (False, -128, -32768, -2147483648, -(2**63), float("-inf"), float("nan"), "", Decimal("-99999999.99"),
     date(1970, 1, 1), datetime(1970, 1, 1), datetime(1999, 12, 31, 23, 59, 59, 999999), b""),
    (None,) * 13,
]


@pytest.fixture(scope="module")
def all_types(spark):
    return spark.createDataFrame(ALL_TYPES_ROWS, ALL_TYPES_SCHEMA)


def test_create_all_types(all_types, request):
    golden.check(request, "df", all_types)


def test_create_inferred_types(spark, request):
    data = [(True, 1, 2**40, 1.5, "s", Decimal("1.23"), date(2024, 1, 2),
             datetime(2024, 1, 2, 3, 4, 5, 6), bytearray(b"\x01\x02"))]
    golden.check(request, "df", spark.createDataFrame(data))


def test_create_special_doubles(spark, request):
    data = [(float("nan"),), (float("inf"),), (float("-inf"),), (-0.0,), (0.0,), (1e308,), (5e-324,), (None,)]
    golden.check(request, "df", spark.createDataFrame(data, "d DOUBLE"))


def test_create_unicode_strings(spark, request):
    data = [("",), ("a",), ("ünïcödé",), ("日本語",), ("emoji 🎉",), ("tab\tnew\nline",), (None,)]
    golden.check(request, "df", spark.createDataFrame(data, ["s"]))


# --- select / withColumn / alias ------------------------------------------------


@pytest.fixture(scope="module")
def nums(spark):
    """a INT, b BIGINT, c DOUBLE, s STRING, with a row of nulls."""
    return spark.createDataFrame([(1, 10, 1.5, "x"), (2, -3, -0.5, "y"), (7, 2, 4.0, "z"), (None, None, None, None)],
                                 "a INT, b BIGINT, c DOUBLE, s STRING")


def test_select_column_refs(nums, request):
    golden.check(request, "df", nums.select("a", col("b"), nums.c, nums["s"], F.col("a").alias("a2")))


def test_select_star(nums, request):
    golden.check(request, "df", nums.select("*"))


def test_with_column_new_and_replace(nums, request):
    df = nums.withColumn("d", col("a") + 1).withColumn("a", col("a") * 100)
    golden.check(request, "df", df)


def test_alias(nums, request):
    golden.check(request, "df", nums.select(col("a").alias("x"), (col("b") + 1).alias("y"), lit(3).alias("z")))


LITERALS = {
    "int": 1,
    "bigint": 2**40,
    "double": 1.5,
    "str": "a",
    "bool": True,
    "none": None,
    "decimal": Decimal("1.23"),
    "date": date(2024, 1, 2),
    "datetime": datetime(2024, 1, 2, 3, 4, 5),
    "bytes": b"ab",
}


@pytest.mark.parametrize("kind", list(LITERALS))
def test_literal(spark, request, kind):
    golden.check(request, "df", spark.range(1).select(lit(LITERALS[kind])))


def test_literals_with_column(spark, request):
    df = spark.range(2).withColumn("one", lit(1)).withColumn("s", lit("x")).withColumn("n", lit(None))
    golden.check(request, "df", df)


# --- arithmetic ---------------------------------------------------------------


def test_arith_int_int(nums, request):
    a, b = col("a"), col("a") + 3
    golden.check(request, "df", nums.select(a + b, a - b, a * b, a / b, a % b, -a))


def test_arith_int_long(nums, request):
    a, b = col("a"), col("b")
    golden.check(request, "df", nums.select(a + b, a - b, a * b, a / b, a % b, -b))


def test_arith_mixed_double(nums, request):
    a, b, c = col("a"), col("b"), col("c")
    golden.check(request, "df", nums.select(a + c, b - c, c * b, a / c, c % a, -c))


def test_arith_literals(nums, request):
    a, c = col("a"), col("c")
    golden.check(request, "df", nums.select(a + 1, a * 2.5, 10 - a, 1 / a, c / 2, a + lit(2**40)))


def test_arith_modulo_signs(spark, request):
    df = spark.createDataFrame([(7, 3), (-7, 3), (7, -3), (-7, -3)], "x INT, y INT")
    golden.check(request, "df", df.select("x", "y", col("x") % col("y"), col("x") / col("y")))


# --- comparisons and boolean logic --------------------------------------------


def test_comparisons(nums, request):
    a, b = col("a"), col("b")
    golden.check(request, "df", nums.select(a == b, a != b, a < b, a <= b, a > b, a >= b, a.eqNullSafe(b)))


def test_comparisons_literals(nums, request):
    golden.check(request, "df", nums.select(col("a") == 1, col("s") == "y", col("c") > 0, col("a").eqNullSafe(None)))


@pytest.fixture(scope="module")
def bools(spark):
    vals = [True, False, None]
    return spark.createDataFrame([(x, y) for x in vals for y in vals], "x BOOLEAN, y BOOLEAN")


def test_boolean_and_or_not(bools, request):
    x, y = col("x"), col("y")
    golden.check(request, "df", bools.select("x", "y", x & y, x | y, ~x))


def test_boolean_filter_with_nulls(bools, request):
    golden.check(request, "df", bools.filter(col("x") | col("y")))


# --- cast -----------------------------------------------------------------------

CASTS = {
    # name: (values, source type DDL, target type)
    "int_to_string": ([1, -2, None], "INT", "string"),
    "int_to_bigint": ([1, -2, None], "INT", "bigint"),
    "int_to_double": ([1, -2, None], "INT", "double"),
    "int_to_boolean": ([0, 1, -1, None], "INT", "boolean"),
    "int_to_decimal": ([1, -2, None], "INT", "decimal(10,2)"),
    "bigint_to_int": ([1, -5, 2147483647, None], "BIGINT", "int"),
    "double_to_int": ([1.9, -1.9, 0.0, None], "DOUBLE", "int"),
    "double_to_bigint": ([1e10, -2.5, None], "DOUBLE", "bigint"),
    "double_to_string": ([1.0, 0.1, 1e10, 1e-5, 1.5e20, 123456789.123, float("nan"), float("inf"),
                          float("-inf"), -0.0, None], "DOUBLE", "string"),
    "double_to_decimal": ([1.005, -2.5, None], "DOUBLE", "decimal(10,2)"),
    "float_to_string": ([1.1, 3.0, 1e-3, None], "FLOAT", "string"),
    "float_to_double": ([1.1, None], "FLOAT", "double"),
    "string_to_int": (["1", "-42", " 7 ", "+3", "0012", None], "STRING", "int"),
    "string_to_bigint": (["9223372036854775807", "-1", None], "STRING", "bigint"),
    "string_to_double": (["1.5", "1e3", "-0", "NaN", "Infinity", "-Infinity", " 2.5 ", None], "STRING", "double"),
    "string_to_boolean": (["true", "FALSE", "t", "f", "yes", "no", "1", "0", None], "STRING", "boolean"),
    "string_to_decimal": (["1.234", "-5", " 3.1 ", None], "STRING", "decimal(10,2)"),
    "string_to_date": (["2024-01-02", "2024-1-2", "2024-01", "2024", "2024-01-02 10:11:12", None], "STRING", "date"),
    "string_to_timestamp": (["2024-01-02 03:04:05", "2024-01-02T03:04:05.123", "2024-01-02", None],
                            "STRING", "timestamp"),
    "boolean_to_int": ([True, False, None], "BOOLEAN", "int"),
    "boolean_to_string": ([True, False, None], "BOOLEAN", "string"),
    "date_to_string": ([date(2024, 1, 2), date(1, 1, 1), None], "DATE", "string"),
    "date_to_timestamp": ([date(2024, 1, 2), None], "DATE", "timestamp"),
    "timestamp_to_string": ([datetime(2024, 1, 2, 3, 4, 5, 123456), datetime(2024, 1, 2, 3, 4, 5), None],
                            "TIMESTAMP", "string"),
    "timestamp_to_date": ([datetime(2024, 1, 2, 23, 59, 59), None], "TIMESTAMP", "date"),
    "timestamp_to_bigint": ([datetime(2024, 1, 2, 3, 4, 5, 500000), None], "TIMESTAMP", "bigint"),
    "decimal_to_string": ([Decimal("1.20"), Decimal("-0.05"), None], "DECIMAL(10,2)", "string"),
    "decimal_to_int": ([Decimal("1.99"), Decimal("-1.99"), None], "DECIMAL(10,2)", "int"),
    "binary_to_string": ([b"abc", b"", None], "BINARY", "string"),
    "string_to_binary": (["abc", "", None], "STRING", "binary"),
}


@pytest.mark.parametrize("case", list(CASTS))
def test_cast(spark, request, case):
    values, src, dst = CASTS[case]
    df = spark.createDataFrame([(v,) for v in values], f"v {src}")
    golden.check(request, "df", df.select("v", col("v").cast(dst)))


def test_cast_with_datatype_objects(nums, request):
    golden.check(request, "df", nums.select(col("a").cast(StringType()), col("c").cast(IntegerType()),
                                            col("b").cast(DoubleType()), col("a").cast(BooleanType())))


# --- filter / where / limit / count / collect ---------------------------------


def test_where_gt(nums, request):
    golden.check(request, "df", nums.where(col("a") > 1))


def test_filter_string_eq(nums, request):
    golden.check(request, "df", nums.filter(col("s") == "y"))


def test_filter_combined(nums, request):
    golden.check(request, "df", nums.filter((col("a") >= 2) & (col("c") > 0) | col("a").isNull()))


def test_filter_chained(spark, request):
    golden.check(request, "df", spark.range(100).filter(col("id") > 10).where(col("id") % 7 == 0).filter(col("id") < 50))


def test_filter_nothing(nums, request):
    golden.check(request, "df", nums.filter(col("a") > 100))


def test_limit(spark, request):
    golden.check(request, "df", spark.range(100).limit(5), ordered=True)


def test_limit_zero(spark, request):
    golden.check(request, "df", spark.range(100).limit(0))


def test_limit_after_filter(spark, request):
    golden.check(request, "df", spark.range(100).filter(col("id") % 3 == 0).limit(4), ordered=True)


def test_top_n(spark, request):
    # orderBy + limit runs as a top-N over many chunks: keys with NULLs and NaN, two
    # keys (the second breaks every tie), an offset, and more rows asked than exist.
    df = spark.range(300_000).select(
        F.when(col("id") % 11 == 0, lit(None)).otherwise(col("id") % 7).alias("k"),
        F.when(col("id") % 13 == 0, lit(float("nan"))).otherwise(col("id") / 3.0).alias("d"), "id")
    golden.check(request, "asc", df.orderBy("k", F.desc("id")).limit(5), ordered=True)
    golden.check(request, "desc_nulls_last", df.orderBy(F.desc_nulls_last("k"), "id").limit(4), ordered=True)
    golden.check(request, "nan", df.orderBy(F.desc("d"), "id").limit(3), ordered=True)
    golden.check(request, "offset", df.orderBy("id").offset(299_990).limit(20), ordered=True)
    golden.check(request, "all", spark.range(5).orderBy(F.desc("id")).limit(10), ordered=True)


def test_counts(spark, nums, request):
    counts = [spark.range(0).count(), spark.range(1000).count(), nums.count(),
              nums.filter(col("a").isNotNull()).count(), spark.range(100).limit(7).count()]
    assert counts == [0, 1000, 4, 3, 7]
    golden.check_value(request, "counts", counts)


def test_collect_rows(nums, request):
    rows = nums.filter(col("a") == 1).collect()
    assert len(rows) == 1
    r = rows[0]
    assert (r.a, r["b"], r[2], r.s) == (1, 10, 1.5, "x")
    assert r.asDict() == {"a": 1, "b": 10, "c": 1.5, "s": "x"}
    golden.check_rows(request, "rows", rows)


def test_take_and_first(spark, request):
    df = spark.range(10)
    golden.check_rows(request, "take", df.take(3), ordered=True)
    golden.check_rows(request, "head", df.head(2), ordered=True)
    golden.check_value(request, "first", df.first())


# --- toPandas ---------------------------------------------------------------------


def test_to_pandas_basic(nums, request):
    golden.check_pandas(request, "pdf", nums.toPandas())


def test_to_pandas_all_types(all_types, request):
    golden.check_pandas(request, "pdf", all_types.toPandas())


def test_to_pandas_range(spark, request):
    golden.check_pandas(request, "pdf", spark.range(5).toPandas(), ordered=True)


def test_to_pandas_empty(spark, request):
    golden.check_pandas(request, "pdf", spark.range(5).filter(col("id") > 10).toPandas())


# --- show -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame(
        [(1, "Alice", 1.5, None), (2, "Bob", None, True), (3, "a much longer name than twenty characters", -3.25, False)],
        "id INT, name STRING, score DOUBLE, flag BOOLEAN")


def test_show_default(people, request):
    golden.check_show(request, "show", people)


def test_show_n(spark, request):
    golden.check_show(request, "show_n2", spark.range(10), n=2)
    golden.check_show(request, "show_n0", spark.range(10), n=0)


def test_show_range_more_than_20(spark, request):
    golden.check_show(request, "show", spark.range(25))


def test_show_truncate_false(people, request):
    golden.check_show(request, "show", people, truncate=False)


def test_show_truncate_5(people, request):
    golden.check_show(request, "show", people, truncate=5)


def test_show_truncate_3(people, request):
    golden.check_show(request, "show", people, truncate=3)


def test_show_vertical(people, request):
    golden.check_show(request, "show", people, vertical=True)
    golden.check_show(request, "show_n1", people, n=1, vertical=True)


def test_show_long_strings(spark, request):
    df = spark.createDataFrame([("x" * 19,), ("y" * 20,), ("z" * 21,), ("日本語" * 10,), ("short",)], ["s"])
    golden.check_show(request, "show", df)


def test_show_empty(spark, request):
    golden.check_show(request, "show", spark.range(3).filter(col("id") > 5))
    golden.check_show(request, "show_vertical", spark.range(3).filter(col("id") > 5), vertical=True)


def test_show_all_types(all_types, request):
    golden.check_show(request, "show", all_types, truncate=False)


def test_show_expressions(nums, request):
    golden.check_show(request, "show", nums.select(col("a") + col("b"), col("a") / col("b"), col("s") == "x",
                                                   lit(None), lit(Decimal("1.50"))))


# --- schema, printSchema, explain, dtypes, columns --------------------------------


def test_schema(all_types, request):
    golden.check_schema(request, "schema", all_types.schema)


def test_schema_of_expressions(nums, request):
    df = nums.select(col("a") + 1, col("a") / 2, col("a").cast("string"), lit(None), lit(1).alias("one"))
    golden.check_schema(request, "schema", df.schema)


def test_print_schema(all_types, request):
    golden.check_text(request, "printSchema", golden.capture_stdout(all_types.printSchema))


def test_print_schema_range(spark, request):
    golden.check_text(request, "printSchema", golden.capture_stdout(spark.range(3).printSchema))


def test_explain_runs(nums):
    # Exact plan text is engine specific and deliberately NOT compared.
    out = golden.capture_stdout(lambda: nums.filter(col("a") > 1).select("a").explain())
    assert out.strip()
    out = golden.capture_stdout(lambda: nums.explain(True))
    assert out.strip()


def test_dtypes_and_columns(all_types, nums, request):
    golden.check_value(request, "dtypes", all_types.dtypes)
    golden.check_value(request, "columns", all_types.columns)
    df = nums.select(col("a") % 2, (col("c") * 2).alias("c2"), col("s"))
    golden.check_value(request, "expr_dtypes", df.dtypes)
    golden.check_value(request, "expr_columns", df.columns)


def test_special_doubles_arith(spark, request):
    df = spark.createDataFrame([(float("nan"),), (float("inf"),), (0.0,), (-0.0,)], "d DOUBLE")
    d = col("d")
    golden.check(request, "df", df.select(d, d + 1, d * 0, d == d, d > 0, -d))
