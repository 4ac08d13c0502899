"""SHOW FUNCTIONS, DESCRIBE FUNCTION [EXTENDED] and the catalog API's
listFunctions / functionExists / getFunction, answered from sk8's function
registry; answers recorded from real Spark. Patterns name only functions sk8
implements, so that Spark's list and sk8's agree."""

from __future__ import annotations

import pytest

import golden
import sk8_servers

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


# SQL forms Spark lists among its functions: between, case, cast, ||, range, sql_keywords.
SQL_FORMS = {
    "show": "SHOW FUNCTIONS LIKE 'between|case|cast|range|sql_keywords'",
    "show_concat_operator": "SHOW FUNCTIONS LIKE '|||'",
    "describe_between": "DESCRIBE FUNCTION EXTENDED between",
    "describe_case": "DESCRIBE FUNCTION `case`",
    "describe_cast": "DESCRIBE FUNCTION EXTENDED cast",
    "describe_concat_operator": "DESCRIBE FUNCTION `||`",
    "describe_range": "DESCRIBE FUNCTION range",
    "describe_sql_keywords": "DESCRIBE FUNCTION EXTENDED sql_keywords",
    "between_call": "SELECT between(2, 1, 3), between('b', 'a', 'c'), between(NULL, 1, 2), between(5, 1, 3), "
                    "2 BETWEEN 1 AND 3, 2 NOT BETWEEN 1 AND 3",
    "between_filter": "SELECT id FROM range(5) WHERE between(id, 1, 3)",
    "between_wrong_args": "SELECT between(1, 2)",
    "between_mixed_types": "SELECT between(1, 'a', DATE '2020-01-01')",
    "case_call": "SELECT `case`(1, 1, 'a')",
    "case_operand": "SELECT CASE(1) WHEN 1 THEN 'a' ELSE 'b' END, CASE(2 > 1) WHEN true THEN 1 END, "
                    "CASE(NULL) WHEN NULL THEN 1 ELSE 2 END",
    "concat_operator": "SELECT 'a' || 'b', NULL || 'x', 1 || 2, X'01' || X'02', 'a' || 'b' || 'c'",
    "cast_call": "SELECT cast(1)",
    "concat_operator_call": "SELECT `||`('a', 'b')",
    "range_call": "SELECT range(3)",
    "sql_keywords_call": "SELECT sql_keywords()",
}


@pytest.mark.parametrize("name", list(SQL_FORMS))
def test_sql_forms(spark, request, name):
    golden.check_sql(request, "sql", spark, SQL_FORMS[name], ordered=True)


def test_sql_forms_catalog(spark, request):
    golden.check_value(request, "exists", [spark.catalog.functionExists(n)
                                           for n in ("between", "case", "cast", "range", "sql_keywords")])
    golden.check_value(request, "list", _functions(spark.catalog.listFunctions(pattern="between|case|cast|range")))


SQL_KEYWORDS = {
    "all": "SELECT * FROM sql_keywords()",
    "count": "SELECT count(*), count_if(reserved) FROM sql_keywords()",
    "filtered": "SELECT keyword FROM sql_keywords() WHERE keyword LIKE 'S%' ORDER BY keyword DESC",
    "alias": "SELECT k.keyword FROM sql_keywords() AS k WHERE k.keyword = 'SELECT'",
    "arguments": "SELECT * FROM sql_keywords(1)",
}


@pytest.mark.parametrize("name", list(SQL_KEYWORDS))
def test_sql_keywords(spark, request, name):
    golden.check_sql(request, "sql", spark, SQL_KEYWORDS[name], ordered=True)


@pytest.mark.parametrize("ansi", [
    pytest.param("true", marks=pytest.mark.xfail(
        sk8_servers.target() == "sk8", strict=True,
        reason="sk8 answers reserved = false (Spark's default) even with enforceReservedKeywords on")),
    "false"])
def test_sql_keywords_reserved(spark, request, ansi):
    golden.check_sql(request, "sql", spark, "SELECT keyword FROM sql_keywords() WHERE reserved", ordered=True,
                     conf={"spark.sql.ansi.enabled": ansi, "spark.sql.ansi.enforceReservedKeywords": "true"})


def test_sql_keywords_dataframe(spark, request):
    golden.check(request, "df", spark.tvf.sql_keywords().where("keyword LIKE 'A%'"), ordered=True)
