"""DataFrame.na (fillna / na.fill, dropna / na.drop, replace / na.replace) through
the real PySpark client, answers recorded from real Spark: which columns a value
of each type applies to, subsets, dicts, NaN as missing, how / thresh, and the
resulting types and nullability."""

from __future__ import annotations

import math

import pytest

import golden


@pytest.fixture(scope="module")
def t(spark):
    return spark.createDataFrame(
        [(1, 1.5, "a", True, 10), (None, None, None, None, None), (3, math.nan, "c", False, None),
         (None, 4.0, None, True, 40), (5, None, "e", None, 50)],
        "i INT, d DOUBLE, s STRING, b BOOLEAN, l BIGINT")


@pytest.mark.parametrize("value", [0, 2.7, "z", True, -1])
def test_fill_by_type(t, request, value):
    golden.check(request, "df", t.fillna(value))


def test_fill_subset(t, request):
    golden.check(request, "number", t.fillna(7, subset=["i", "s"]))
    golden.check(request, "string", t.na.fill("q", ["s"]))


def test_fill_dict(t, request):
    golden.check(request, "df", t.fillna({"i": 9, "d": 0.25, "s": "none", "b": False}))


def test_drop(t, request):
    golden.check(request, "any", t.dropna())
    golden.check(request, "all", t.dropna(how="all"))
    golden.check(request, "thresh", t.dropna(thresh=3))
    golden.check(request, "subset", t.na.drop(subset=["i", "d"]))
    golden.check(request, "all_subset", t.na.drop(how="all", subset=["d", "l"]))


def test_replace(t, request):
    golden.check(request, "number", t.replace(1, 100))
    golden.check(request, "double", t.replace(1.5, 2.5))
    golden.check(request, "string", t.replace("a", "A"))
    golden.check(request, "list", t.replace(["a", "c"], ["x", "y"]))
    golden.check(request, "dict", t.replace({10: 11, 40: 41}))
    golden.check(request, "subset", t.replace(1, 7, subset=["l", "i"]))
    golden.check(request, "to_null", t.na.replace("e", None))
    golden.check(request, "bool", t.replace(True, False))


def test_fill_unknown_column(t, request):
    golden.check_error(request, "df", lambda: t.fillna(0, subset=["nope"]).collect())
