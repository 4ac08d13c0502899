"""sentences and collation through the real PySpark client, answers recorded from
real Spark: sentence and word breaks (abbreviations, numbers, contractions, line
breaks, other scripts), locales, NULLs, and collation's name for strings."""

from __future__ import annotations

from pyspark.sql import functions as F

import golden


def test_sentences(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT sentences('Hi there! How are you? I am fine. Mr. smith went home.   Numbers 3.14 and 1,000 don''t e.g. work') AS a,
               sentences(NULL) AS b, sentences('') AS c, sentences('a\\nb c.\\n\\nNew para', NULL, NULL) AS d,
               sentences(1) AS e"""))
    golden.check(request, "locale", spark.sql(
        "SELECT sentences('Hello world. this is lower. ¿Qué? Ünïcödé wörds… end', 'de', 'DE')"))
    df = spark.createDataFrame([("This is an example sentence.",), (None,), ("Two. Sentences here!",)], ["s"])
    golden.check(request, "df", df.select("*", F.sentences(df.s, F.lit("en"), F.lit("US")), F.sentences(df.s)))
    golden.check_show(request, "doctest", df.select("*", F.sentences(df.s, F.lit("en"))), truncate=False)


def test_collation(spark, request):
    golden.check(request, "sql", spark.sql(
        "SELECT collation('a'), collation(NULL), collation(CAST(1 AS STRING))"))
    golden.check(request, "df", spark.createDataFrame([("name",), (None,)], ["dt"]).select(
        F.collation("dt").alias("collation")))
    golden.check_error(request, "int", lambda: spark.sql("SELECT collation(1)").collect())


def test_input_file_without_files(spark, request):
    # Rows that come from no file: '' and -1, as in Spark.
    golden.check(request, "range", spark.range(0, 3, 1, 1).select(
        "id", F.input_file_name(), F.input_file_block_start(), F.input_file_block_length()))
    golden.check(request, "sql", spark.sql(
        "SELECT input_file_name(), input_file_block_start(), input_file_block_length() FROM VALUES (1) AS t(x)"))
