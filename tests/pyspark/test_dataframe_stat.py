"""DataFrame.stat and reshaping through the real PySpark client, answers
recorded from real Spark: corr and cov of two columns (NULL pairs skipped,
integer and double columns); unpivot / melt (value columns widened to their
common type, every non-id column by default) and its type error."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture(scope="module")
def t(spark):
    return spark.createDataFrame(
        [(1, 2.0, 10), (2, 4.5, 7), (3, None, 1), (4, 8.25, 3), (None, 1.0, 5), (6, 12.0, 2)],
        "a INT, b DOUBLE, c BIGINT")


def test_corr_cov(t, request):
    # Spark's partitions of the rows decide the order partial results merge
    # in: the last digits may differ, so values are compared to 12 places.
    golden.check_value(request, "corr_ab", round(t.stat.corr("a", "b"), 12))
    golden.check_value(request, "corr_ac", round(t.corr("a", "c"), 12))
    golden.check_value(request, "cov_ab", round(t.stat.cov("a", "b"), 12))
    golden.check_value(request, "cov_bc", round(t.cov("b", "c"), 12))


def test_unpivot(t, request):
    golden.check(request, "ids", t.unpivot("a", ["b", "c"], "var", "val"))
    golden.check(request, "all_values", t.unpivot(["a"], None, "variable", "value"))
    golden.check(request, "melt", t.melt(["c"], ["a"], "k", "v"))


def test_unpivot_type_mismatch(spark, request):
    df = spark.createDataFrame([(1, "x", 2)], "id INT, s STRING, n INT")
    golden.check_error(request, "df", lambda: df.unpivot("id", ["s", "n"], "var", "val").collect())
