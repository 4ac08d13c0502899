"""DataFrame._joinAsOf (relation as_of_join) through the real PySpark client, answers
recorded from real Spark: each left row with the nearest right row by the as-of
columns (backward, forward, nearest; exact matches allowed or not; within a
tolerance; inner or left), among the rows meeting the join condition; and the errors
for an unsupported join type, direction and a negative tolerance."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def sides(spark):
    left = spark.createDataFrame([(1, "a", 1), (5, "b", 2), (10, "c", 1), (None, "d", 1)], "a INT, left_val STRING, g INT")
    right = spark.createDataFrame([(1, 1, 1), (2, 2, 2), (3, 3, 1), (6, 6, 2), (7, 7, 2)],
                                  "a INT, right_val INT, g INT")
    return left, right


CASES = {
    "backward": {},
    "tolerance": {"tolerance": 1},
    "left_tolerance": {"how": "left", "tolerance": 1},
    "no_exact": {"allowExactMatches": False},
    "forward": {"direction": "forward"},
    "forward_left": {"direction": "forward", "how": "left"},
    "nearest": {"direction": "nearest"},
    "nearest_no_exact_left": {"direction": "nearest", "allowExactMatches": False, "how": "left"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_as_of_join(sides, request, case):
    left, right = sides
    options = dict(CASES[case])
    if "tolerance" in options:
        options["tolerance"] = F.lit(options["tolerance"])
    joined = left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a", **options)
    golden.check(request, "all", joined)
    golden.check(request, "selected", joined.select(left.a, "left_val", "right_val", right.g))


def test_as_of_join_condition(sides, request):
    left, right = sides
    golden.check(request, "on_name", left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a", on="g"))
    golden.check(request, "on_column", left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a",
                                                       on=left.g == right.g, how="left"))


def test_as_of_join_errors(sides, request):
    left, right = sides
    golden.check_error(request, "right_join", lambda: left._joinAsOf(
        right, leftAsOfColumn="a", rightAsOfColumn="a", how="right").collect())
    golden.check_error(request, "direction", lambda: left._joinAsOf(
        right, leftAsOfColumn="a", rightAsOfColumn="a", direction="sideways").collect())
    golden.check_error(request, "negative_tolerance", lambda: left._joinAsOf(
        right, leftAsOfColumn="a", rightAsOfColumn="a", tolerance=F.lit(-1)).collect())
