"""spark.read.json over files written here; answers from real Spark on the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F

import golden

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data() -> Path:
    """Input files under build/test-data (the same absolute path for sk8 and real Spark)."""
    root = REPO / "build" / "test-data" / "json"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "people.json").write_text(
        '{"name": "alice", "age": 30, "score": 1.5, "tags": ["a", "b"], "addr": {"city": "Paris", "zip": 75001}}\n'
        '{"name": "bob", "age": null, "score": 2, "tags": [], "addr": {"city": "Oslo"}, "extra": true}\n'
        "\n"
        '{"age": 12345678901234567890, "name": "carol\\u00e9\\n", "addr": null, "nulls": null}\n'
        '{"zeta": 1, "Alpha": "x", "name": "dave", "score": "high", "tags": [1, 2.5]}\n')
    (root / "mixed.json").write_text(
        '{"a": 1, "b": "x"}\n'
        '{"a": "two", "b": {"c": 1}}\n'
        '{"a": 3.5, "b": [1, 2]}\n'
        '{"a": true}\n')
    (root / "bad.json").write_text(
        '{"a": 1, "b": "one"}\n'
        '{"a": 2, "b": \n'
        '[1, 2]\n'
        '{"a": "three", "b": "three"}\n'
        '{"a": 4, "b": "four"}\n')
    (root / "multi.json").write_text(
        '[\n'
        '  {"id": 1, "v": {"x": [1, 2]}},\n'
        '  {"id": 2, "v": {"x": []}}\n'
        ']\n')
    (root / "comments.json").write_text(
        '{"a": 1 /* inline */, "b": 2} // trailing\n'
        '{"a": 3, "b": 4}\n')
    (root / "nulls.json").write_text(
        '{"a": 1, "n": null, "s": {"x": null}, "l": []}\n'
        '{"a": 2, "n": null, "s": {"x": null}, "l": [null]}\n')
    return root


def test_json_lines_inferred(spark, request, data):
    df = spark.read.json(str(data / "people.json"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)
    golden.check(request, "nested", df.select("name", F.col("addr.city"), F.col("addr.zip")).filter(F.col("name").isNotNull()))


def test_json_type_widening(spark, request, data):
    df = spark.read.json(str(data / "mixed.json"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_json_primitives_as_string_and_prefers_decimal(spark, request, data):
    golden.check(request, "as_string", spark.read.option("primitivesAsString", True).json(str(data / "people.json")))
    golden.check(request, "decimal", spark.read.option("prefersDecimal", True).json(str(data / "mixed.json")))


def test_json_modes(spark, request, data):
    path = str(data / "bad.json")
    df = spark.read.json(path)
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "permissive", df)
    golden.check(request, "dropmalformed", spark.read.option("mode", "DROPMALFORMED").json(path))
    golden.check(request, "user_schema", spark.read.schema("a INT, b STRING, _corrupt_record STRING").json(path))
    golden.check_error(request, "failfast",
                       lambda: spark.read.schema("a INT, b STRING").option("mode", "FAILFAST").json(path).collect(),
                       params=False)


def test_json_multiline(spark, request, data):
    df = spark.read.option("multiLine", True).json(str(data / "multi.json"))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)


def test_json_comments(spark, request, data):
    golden.check(request, "allowed", spark.read.option("allowComments", True).json(str(data / "comments.json")))


def test_json_drop_field_if_all_null(spark, request, data):
    golden.check_schema(request, "kept", spark.read.json(str(data / "nulls.json")).schema)
    golden.check_schema(request, "dropped",
                        spark.read.option("dropFieldIfAllNull", True).json(str(data / "nulls.json")).schema)


def test_json_user_schema(spark, request, data):
    df = spark.read.schema("name STRING, age BIGINT, addr STRUCT<city: STRING>, tags ARRAY<STRING>").json(
        str(data / "people.json"))
    golden.check(request, "rows", df)
    golden.check(request, "format_load", spark.read.format("json").load(str(data / "mixed.json")).select("a"))


def test_unordered_read_takes_larger_files_first(spark, tmp_path, request):
    # Spark packs file splits largest first: an unordered read of two folders
    # returns the larger file's rows first whatever the order of the paths.
    small, large = tmp_path / "small", tmp_path / "large"
    spark.createDataFrame([(30, "Bob")], "age INT, name STRING").write.json(str(small))
    spark.createDataFrame([(25, "Alice")], "age INT, name STRING").write.json(str(large))
    golden.check_rows(request, "rows", spark.read.json([str(small), str(large)]).collect(), ordered=True)
