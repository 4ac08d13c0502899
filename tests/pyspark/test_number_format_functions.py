"""to_number, try_to_number and to_char / to_varchar through the real PySpark client,
answers recorded from real Spark: digits with zero and space padding, grouping
separators, the decimal point, '$', S / MI / PR signs, overflow as '#', NULLs, and
the INVALID_FORMAT errors for bad formats and inputs."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


def test_to_number(spark, request):
    golden.check(request, "forms", spark.sql("""
        SELECT to_number('$78.12', '$99.99') AS a, to_number('-12,345.6', 'S99,999.9') AS b, to_number('12', '999') AS c,
               to_number('0012', '0000') AS d, to_number('+12', 'S99') AS e, to_number('12+', '99S') AS f,
               to_number('-12', 'MI99') AS g, to_number('12', '99MI') AS h, to_number('12', '99PR') AS i,
               to_number('<12>', '99PR') AS j, to_number('1,23', '9,999') AS k, to_number(' 12', '999') AS l,
               to_number('12,345,678', '99,999,999') AS m, to_number('45,678', '99,999,999') AS n,
               to_number('<12.5>', '99.9PR') AS o, to_number('12.5-', '99.9MI') AS p, to_number('1,234.5', '9G999D9') AS q,
               to_number('12.', '99.99') AS r, to_number('.5', '99.99') AS s, to_number('12', '99.99') AS t"""))
    golden.check(request, "column", spark.sql(
        "SELECT x, to_number(x, '99.9'), try_to_number(x, '99.9') FROM VALUES ('12'), (NULL), ('1.5'), ('9') AS t(x)"))
    golden.check(request, "try_column", spark.sql(
        "SELECT x, try_to_number(x, '99.9') FROM VALUES ('12'), (NULL), ('123'), ('x') AS t(x)"))
    golden.check(request, "try", spark.sql(
        "SELECT try_to_number('12.3', '99'), try_to_number('77', '$99.99'), try_to_number('$78.12', '$99.99')"))
    df = spark.createDataFrame([("$78.12",)], ["e"])
    golden.check(request, "df", df.select(F.to_number(df.e, F.lit("$99.99")).alias("r"),
                                          F.try_to_number(df.e, F.lit("$99.99")).alias("t")))


@pytest.mark.parametrize("query", [
    "SELECT to_number('78.12', '$99.99')", "SELECT to_number('1234', '9,999')", "SELECT to_number('123', '99')",
    "SELECT to_number('', '99')", "SELECT to_number('12.3', '99')", "SELECT to_number('12', '')",
    "SELECT to_number('12', '99.9.9')", "SELECT to_number('12', '9,,9')", "SELECT to_number('12', '99.9,9')",
    "SELECT to_number('12', '9$9')", "SELECT to_number('12', '99X')", "SELECT to_number('12', '$$99')",
    "SELECT to_char(12, 'abc')", "SELECT to_number('12', id) FROM range(1)"], ids=[f"e{i}" for i in range(14)])
def test_to_number_errors(spark, request, query):
    golden.check_error(request, "error", lambda: spark.sql(query).collect())


def test_to_char(spark, request):
    golden.check(request, "forms", spark.sql("""
        SELECT to_char(78.12, '$99.99') AS a, to_char(-12345.6, 'S99,999.99') AS b, to_char(12, '000') AS c,
               to_char(123, '99') AS d, to_char(12.5, '99.9PR') AS e, to_char(-12.5, '99.9PR') AS f,
               to_char(-12.5, '99.9MI') AS g, to_varchar(5.5, '9D9') AS h, to_char(1234.5, '9G999D9') AS i,
               to_char(5, '999') AS j, to_char(5, '000') AS k, to_char(5, '9,999') AS l, to_char(12345, '9,999') AS m,
               to_char(0, '9.99') AS n, to_char(0.5, '9.99') AS o, to_char(-5, '999') AS p, to_char(5, 'S999') AS q,
               to_char(5, '999S') AS r, to_char(-5, '999MI') AS s, to_char(1234.567, '9999.9') AS t,
               to_char(-0.5, 'S9.9') AS u, to_char(1234, '0,000') AS v, to_char(1234, '0,000,000') AS w,
               to_char(78.12, '$9,999.99') AS x, to_char(5, 'MI999') AS y, to_char(-2.5, '99.9PR') AS z"""))
    golden.check(request, "types", spark.sql("""
        SELECT to_char(NULL, '99'), to_char(12, NULL), to_char(123.456D, '999.99'), to_char(CAST(1 AS TINYINT), '9'),
               to_char(1.5D, '9.9'), to_char(12345678901234567890, '99999999999999999999')"""))
    golden.check(request, "delegated", spark.sql("""
        SELECT to_char(CAST('2016-03-11' AS DATE), 'yyyy-MM'), to_char(X'414243', 'hex'), to_char(X'414243', 'utf-8'),
               to_char(X'414243', 'base64')"""))
    df = spark.createDataFrame([(78.12,), (-3.5,), (None,)], ["e"])
    golden.check(request, "df", df.select(F.to_char(df.e, F.lit("$99.99")).alias("r"),
                                          F.to_varchar(df.e, F.lit("S99.99")).alias("v")))
