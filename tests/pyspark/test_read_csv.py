"""spark.read.csv / text over files written here; answers from real Spark on the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

import golden

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data() -> Path:
    """Input files under build/test-data (the same absolute path for sk8 and real Spark)."""
    root = REPO / "build" / "test-data" / "csv"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "typed.csv").write_text(
        "id,name,price,big,flag,day,ts,mixed,empty\n"
        "1,alice,1.50,12345678901234567890,true,2024-01-05,2024-01-05 10:20:30,1,\n"
        '2,"bob, jr",2.25,3,FALSE,2024-02-29,2024-02-29T23:59:59.5,2.5,\n'
        '3,"say ""hi""",,4,true,,2024-03-01 00:00:00,abc,\n'
        '4,"back\\"slash",-7,5,false,2023-12-31,,,\n'
        "\n"
        "5,,NaN,6,true,2024-01-01,2024-01-01 01:02:03,7,\n")
    (root / "semi.txt").write_text(
        "# a comment line\n"
        "a;b;c\n"
        "'x;y';NA;1.5\n"
        "# another\n"
        "'it''s';n/a;NaN\n"
        "plain;NA;Inf\n")
    (root / "formats.csv").write_text(
        "d,t\n"
        "05/01/2024,05/01/2024 10:20\n"
        "29/02/2024,29/02/2024 23:59\n"
        "bad,bad\n")
    (root / "spaces.csv").write_text(" a , b \n  x  ,  y  \n")
    (root / "multiline.csv").write_text(
        'id,text\n'
        '1,"line one\nline two"\n'
        '2,"single"\n'
        '3,"a ""quoted""\nand more"\n')
    (root / "malformed.csv").write_text(
        "1,one\n"
        "two,2\n"
        "3,three,extra\n"
        "4\n"
        "5,five\n")
    (root / "latin1.csv").write_bytes("name,city\nJos\u00e9,M\u00fcnchen\n".encode("latin-1"))
    parts = root / "parts"
    parts.mkdir()
    (parts / "part-0.csv").write_text("k,v\na,1\nb,2\n")
    (parts / "part-1.csv").write_text("k,v\nc,3\n")
    (parts / "notes.txt").write_text("k,v\nzzz,999\n")
    (parts / "_SUCCESS").write_text("")
    (root / "lines.txt").write_text("first line\n\nthird, with comma\r\nlast without newline")
    return root


def test_csv_all_strings_by_default(spark, request, data):
    df = spark.read.csv(str(data / "typed.csv"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_csv_header_and_infer_schema(spark, request, data):
    df = spark.read.option("header", True).option("inferSchema", True).csv(str(data / "typed.csv"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)
    golden.check(request, "filtered", df.filter(F.col("id") > 2).select("name", "price", "day"))


def test_csv_header_all_strings(spark, request, data):
    df = spark.read.csv(str(data / "typed.csv"), header=True)
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df.select("id", "name", "empty"))


def test_csv_separator_quote_comment_null_nan(spark, request, data):
    df = (spark.read.option("sep", ";").option("quote", "'").option("comment", "#")
          .option("nullValue", "NA").option("nanValue", "n/a").option("header", True)
          .option("inferSchema", True).csv(str(data / "semi.txt")))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_csv_date_and_timestamp_formats(spark, request, data):
    reader = (spark.read.option("header", True).option("dateFormat", "dd/MM/yyyy")
              .option("timestampFormat", "dd/MM/yyyy HH:mm"))
    golden.check(request, "typed", reader.schema("d DATE, t TIMESTAMP").csv(str(data / "formats.csv")))
    golden.check(request, "inferred_schema",
                 spark.createDataFrame([(str(reader.option("inferSchema", True).csv(str(data / "formats.csv")).schema),)],
                                       "s string"))


def test_csv_whitespace_options(spark, request, data):
    golden.check(request, "kept", spark.read.csv(str(data / "spaces.csv")))
    golden.check(request, "trimmed", spark.read.option("ignoreLeadingWhiteSpace", True)
                 .option("ignoreTrailingWhiteSpace", True).csv(str(data / "spaces.csv")))


def test_csv_multiline(spark, request, data):
    df = spark.read.option("multiLine", True).option("header", True).option("inferSchema", True).csv(
        str(data / "multiline.csv"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_csv_modes(spark, request, data):
    path = str(data / "malformed.csv")
    golden.check(request, "permissive", spark.read.schema("a INT, b STRING").csv(path))
    golden.check(request, "permissive_corrupt",
                 spark.read.schema("a INT, b STRING, _corrupt_record STRING").csv(path))
    golden.check(request, "dropmalformed",
                 spark.read.schema("a INT, b STRING").option("mode", "DROPMALFORMED").csv(path))
    golden.check_error(request, "failfast",
                       lambda: spark.read.schema("a INT, b STRING").option("mode", "FAILFAST").csv(path).collect(),
                       params=False)


def test_csv_user_schema_struct_type(spark, request, data):
    schema = StructType([StructField("k", StringType()), StructField("v", IntegerType())])
    df = spark.read.schema(schema).option("header", True).csv(str(data / "parts"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_csv_directories_globs_filters(spark, request, data):
    parts = data / "parts"
    golden.check(request, "dir", spark.read.csv(str(parts), header=True))
    golden.check(request, "glob", spark.read.csv(str(parts / "part-*.csv"), header=True))
    golden.check(request, "filter", spark.read.option("pathGlobFilter", "*.csv").csv(str(parts), header=True))
    golden.check(request, "format_load", spark.read.format("csv").option("header", "true").load(
        [str(parts / "part-0.csv"), str(parts / "part-1.csv")]))


def test_csv_encoding(spark, request, data):
    golden.check(request, "latin1", spark.read.option("encoding", "ISO-8859-1").csv(str(data / "latin1.csv"),
                                                                                    header=True))


def test_csv_aggregate_and_sql(spark, request, data):
    spark.read.csv(str(data / "typed.csv"), header=True, inferSchema=True).createOrReplaceTempView("csv_typed")
    golden.check(request, "sql", spark.sql(
        "SELECT flag, count(*) AS n, sum(price) AS p, max(day) AS d FROM csv_typed GROUP BY flag"))


def test_read_errors(spark, request, data):
    golden.check_error(request, "missing_csv", lambda: spark.read.csv(str(data / "nope.csv")).collect(),
                       params=False)
    golden.check_error(request, "missing_glob", lambda: spark.read.csv(str(data / "nope*.csv")).collect(),
                       params=False)
    golden.check_error(request, "unknown_format",
                       lambda: spark.read.format("nosuchformat").load(str(data / "typed.csv")).collect())


def test_text(spark, request, data):
    golden.check(request, "lines", spark.read.text(str(data / "lines.txt")))
    golden.check(request, "wholetext", spark.read.text(str(data / "lines.txt"), wholetext=True))
    golden.check(request, "dir", spark.read.text(str(data / "parts")))


@pytest.mark.sk8_only
def test_hdfs_is_refused_naming_the_gateway(spark):
    with pytest.raises(Exception) as e:
        spark.read.csv("hdfs://namenode:8020/data/x.csv").collect()
    assert "UNSUPPORTED_FEATURE" in str(e.value)
    assert "sk8 serve --upstream" in str(e.value)


@pytest.mark.sk8_only
def test_corrupt_files_name_the_file(spark, data):
    # Real Spark fails the job ("Job aborted ...", no error class) with
    # FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER as its cause; sk8 raises that cause.
    bad = data / "corrupt"
    bad.mkdir(exist_ok=True)
    (bad / "not.parquet").write_bytes(b"PAR1 this is not a parquet file at all PAR1")
    with pytest.raises(Exception) as e:
        spark.read.parquet(str(bad / "not.parquet")).collect()
    assert type(e.value).__name__ == "SparkException"
    assert e.value.getCondition() == "FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER"
    assert str(bad / "not.parquet") in str(e.value)
