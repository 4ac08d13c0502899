"""SHOW FUNCTIONS, DESCRIBE FUNCTION [EXTENDED] and the catalog API's
listFunctions / functionExists / getFunction, answered from sk8's function
registry; answers recorded from real Spark. Patterns name only functions sk8
implements, so that Spark's list and sk8's agree."""

from __future__ import annotations

import pytest

import golden

SHOW = {
    "like_star": "SHOW FUNCTIONS LIKE 'log*'",
    "alternatives": "SHOW FUNCTIONS LIKE 'abs|SQRT|nvl*'",
    "without_like": "SHOW FUNCTIONS 'ln'",
    "system": "SHOW SYSTEM FUNCTIONS LIKE 'coalesce'",
    "all_in_default": "SHOW ALL FUNCTIONS IN default LIKE 'pmod'",
    "user": "SHOW USER FUNCTIONS",
    "no_match": "SHOW FUNCTIONS LIKE 'no_such_function*'",
}


@pytest.mark.parametrize("name", list(SHOW))
def test_show_functions(spark, request, name):
    golden.check(request, "df", spark.sql(SHOW[name]), ordered=True)


DESCRIBE = {
    "plain": "DESCRIBE FUNCTION abs",
    "extended": "DESCRIBE FUNCTION EXTENDED abs",
    "upper_case": "DESC FUNCTION SQRT",
    "string_name": "DESCRIBE FUNCTION 'coalesce'",
    "operator": "DESCRIBE FUNCTION +",
    "extended_operator": "DESCRIBE FUNCTION EXTENDED <=>",
    "extended_log": "DESCRIBE FUNCTION EXTENDED log",
}


@pytest.mark.parametrize("name", list(DESCRIBE))
def test_describe_function(spark, request, name):
    golden.check(request, "df", spark.sql(DESCRIBE[name]), ordered=True)


def test_describe_unknown_function(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("DESCRIBE FUNCTION no_such_function").collect())


def _functions(fs):
    return sorted((f.name, f.catalog, f.namespace, f.description, f.className, f.isTemporary) for f in fs)


def test_list_functions(spark, request):
    golden.check_value(request, "log", _functions(spark.catalog.listFunctions(pattern="log*")))
    golden.check_value(request, "alternatives", _functions(spark.catalog.listFunctions(pattern="abs|Sqrt")))


def test_function_exists(spark, request):
    golden.check_value(request, "exists", [spark.catalog.functionExists(n)
                                           for n in ("abs", "ABS", "coalesce", "no_such_function")])


def test_get_function(spark, request):
    f = spark.catalog.getFunction("sqrt")
    golden.check_value(request, "sqrt", (f.name, f.catalog, f.namespace, f.description, f.className, f.isTemporary))
    golden.check_error(request, "unknown", lambda: spark.catalog.getFunction("no_such_function"))
