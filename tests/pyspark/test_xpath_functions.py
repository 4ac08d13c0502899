"""The XPath functions over XML strings (xpath, xpath_boolean, xpath_string and the
numeric forms); answers recorded from real Spark."""

from __future__ import annotations

from pyspark.sql import functions as F

import golden

DOCS = ["<a><b>b1</b><b>b2</b><c>c</c></a>", "<a><b>1</b><b>2</b><c>3.5</c></a>", "<a/>", "",
        "<a><b id=\"1\"/><b id=\"2\">x</b></a>", "<a>1.9</a>", "<a>70000</a>", "<a>-1e20</a>", "<a>x</a>", None]


def test_xpath_values(spark, request):
    df = spark.createDataFrame([(d,) for d in DOCS], "x string")
    golden.check(request, "nodes", df.select("x", F.xpath("x", F.lit("a/b/text()")), F.xpath("x", F.lit("a/b")),
                                             F.xpath("x", F.lit("a/b/@id")), F.xpath("x", F.lit("//c/text()"))))
    golden.check(request, "scalars", df.select(
        "x", F.xpath_boolean("x", F.lit("a/b")), F.xpath_string("x", F.lit("a/c")), F.xpath_string("x", F.lit("a")),
        F.xpath_double("x", F.lit("sum(a/b)")), F.xpath_number("x", F.lit("a")), F.xpath_float("x", F.lit("a")),
        F.xpath_int("x", F.lit("a")), F.xpath_long("x", F.lit("a")), F.xpath_short("x", F.lit("a"))))


def test_xpath_sql(spark, request):
    golden.check(request, "sql", spark.sql(
        "SELECT xpath_string('<a><b>x</b></a>', 'name(a/*)') a, xpath_int('<a><b>1</b><b>2</b></a>', 'count(a/b)') b, "
        "xpath_boolean('<a><b>1</b></a>', 'a/b = 1') c, xpath('<a><b><c>1</c>2</b></a>', 'a/b') d, "
        "xpath_string('<a>1</a>', NULL) e, xpath(NULL, 'a') f, xpath_double('<a>2</a>', 'a * 1.5') g"))
    golden.check_error(request, "non_foldable", lambda: spark.sql(
        "SELECT xpath_string(x, p) FROM VALUES ('<a>1</a>', 'a') t(x, p)").collect())
