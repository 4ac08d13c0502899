"""User functions registered by class name: CREATE [OR REPLACE] [TEMPORARY]
FUNCTION ... AS 'class' [USING JAR ...] and DROP [TEMPORARY] FUNCTION, and how
they show in spark.catalog (getFunction, functionExists, listFunctions), SHOW
FUNCTIONS and DESCRIBE FUNCTION. Answers and errors recorded from real Spark.

The classes named here are on no classpath: real Spark keeps a persistent
function without loading its class, and fails when a query calls it or when a
temporary function is registered (it loads the class at once); sk8, which runs
no JVM, answers the same way."""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession

import golden
import sk8_servers

FUNCTIONS = ("ufn_f1", "ufn_f2", "ufn_jar", "upper")


@pytest.fixture
def clean(spark):
    def drop():
        spark.catalog.setCurrentDatabase("default")
        for f in FUNCTIONS:
            spark.sql(f"DROP FUNCTION IF EXISTS default.{f}")
        spark.sql("DROP DATABASE IF EXISTS ufn_db CASCADE")

    drop()
    yield
    drop()


def _user_functions(functions):
    """The non-built-in rows of a listing (the built-in ones differ: sk8 runs a subset)."""
    return [(f.name, f.catalog, f.namespace, f.description, f.className, f.isTemporary)
            for f in functions if f.catalog is not None]


def _function(f):
    return (f.name, f.catalog, f.namespace, f.description, f.className, f.isTemporary)


def _rows(df):
    return [tuple(r) for r in df.collect()]


def test_create_and_look_up(spark, request, clean):
    assert spark.sql("CREATE FUNCTION ufn_f1 AS 'test.org.apache.spark.sql.MyDoubleAvg'").columns == []
    for name in ("ufn_f1", "default.ufn_f1", "spark_catalog.default.ufn_f1", "UFN_F1"):
        golden.check_value(request, f"get_{name}", _function(spark.catalog.getFunction(name)))
    golden.check_value(request, "exists", [spark.catalog.functionExists(n) for n in (
        "ufn_f1", "default.ufn_f1", "spark_catalog.default.ufn_f1", "ufn_nothing", "count", "ufn_db.ufn_f1")])
    golden.check_value(request, "list", _user_functions(spark.catalog.listFunctions(pattern="ufn*")))
    golden.check_value(request, "list_none", _user_functions(spark.catalog.listFunctions(pattern="xyz*")))
    golden.check(request, "show_user", spark.sql("SHOW USER FUNCTIONS"), ordered=True)
    golden.check(request, "show_like", spark.sql("SHOW FUNCTIONS LIKE 'ufn*'"), ordered=True)
    golden.check(request, "show_all_like", spark.sql("SHOW ALL FUNCTIONS LIKE 'ufn_f1|abs'"), ordered=True)
    golden.check(request, "show_system_like", spark.sql("SHOW SYSTEM FUNCTIONS LIKE 'ufn*'"), ordered=True)
    golden.check(request, "describe", spark.sql("DESCRIBE FUNCTION ufn_f1"), ordered=True)
    golden.check(request, "describe_extended", spark.sql("DESCRIBE FUNCTION EXTENDED default.ufn_f1"), ordered=True)
    golden.check_error(request, "get_missing", lambda: spark.catalog.getFunction("ufn_f2"))
    golden.check_error(request, "get_missing_qualified", lambda: spark.catalog.getFunction("default.ufn_f2"))
    golden.check_error(request, "describe_missing", lambda: spark.sql("DESCRIBE FUNCTION ufn_f2").collect())


def test_replace_and_drop(spark, request, clean):
    spark.sql("CREATE FUNCTION ufn_f1 AS 'x.First'")
    golden.check_error(request, "exists", lambda: spark.sql("CREATE FUNCTION ufn_f1 AS 'x.Second'"))
    golden.check_error(request, "exists_qualified",
                       lambda: spark.sql("CREATE FUNCTION spark_catalog.default.ufn_f1 AS 'x.Second'"))
    spark.sql("CREATE FUNCTION IF NOT EXISTS ufn_f1 AS 'x.Second'")
    golden.check_value(request, "kept", spark.catalog.getFunction("ufn_f1").className)
    spark.sql("CREATE OR REPLACE FUNCTION ufn_f1 AS 'x.Third'")
    golden.check_value(request, "replaced", spark.catalog.getFunction("ufn_f1").className)
    spark.sql("CREATE FUNCTION ufn_jar AS 'x.J' USING JAR '/nonexistent/a.jar', FILE '/tmp/x.txt', ARCHIVE 'a.zip'")
    golden.check(request, "describe_jar", spark.sql("DESCRIBE FUNCTION ufn_jar"), ordered=True)
    # A persistent function may take a built-in's name; a bare call still means the built-in.
    spark.sql("CREATE FUNCTION upper AS 'x.Up'")
    golden.check_value(request, "get_upper", _function(spark.catalog.getFunction("default.upper")))
    golden.check(request, "upper_call", spark.sql("SELECT upper('a') AS u"))
    golden.check_error(request, "drop_builtin", lambda: spark.sql("DROP FUNCTION upper"))
    spark.sql("DROP FUNCTION default.upper")
    spark.sql("DROP FUNCTION ufn_f1")
    golden.check_value(request, "after_drop", spark.catalog.functionExists("ufn_f1"))
    golden.check_error(request, "drop_missing", lambda: spark.sql("DROP FUNCTION ufn_f1"))
    golden.check_error(request, "drop_missing_qualified",
                       lambda: spark.sql("DROP FUNCTION spark_catalog.default.ufn_f1"))
    spark.sql("DROP FUNCTION IF EXISTS ufn_f1")
    spark.sql("DROP FUNCTION IF EXISTS ufn_no_db.ufn_f1")
    spark.sql("DROP FUNCTION spark_catalog.default.ufn_jar")
    golden.check(request, "show_after", spark.sql("SHOW USER FUNCTIONS LIKE 'ufn*'"), ordered=True)


def test_functions_of_a_database(spark, request, clean):
    spark.sql("CREATE DATABASE ufn_db")
    spark.sql("CREATE FUNCTION ufn_db.ufn_g AS 'x.G'")
    spark.sql("CREATE FUNCTION spark_catalog.ufn_db.ufn_h AS 'x.H'")
    spark.sql("CREATE FUNCTION ufn_f2 AS 'x.F2'")
    golden.check_value(request, "list_db", _user_functions(spark.catalog.listFunctions("ufn_db")))
    golden.check_value(request, "list_db_pattern", _user_functions(spark.catalog.listFunctions("ufn_db", "*g")))
    golden.check_value(request, "list_default", _user_functions(spark.catalog.listFunctions(pattern="ufn*")))
    golden.check_value(request, "get", _function(spark.catalog.getFunction("ufn_db.ufn_g")))
    golden.check_value(request, "exists", [spark.catalog.functionExists(n) for n in (
        "ufn_db.ufn_g", "spark_catalog.ufn_db.ufn_h", "ufn_g", "ufn_no_db.ufn_g")])
    golden.check(request, "show_in", spark.sql("SHOW USER FUNCTIONS IN ufn_db"), ordered=True)
    golden.check(request, "show_from_like", spark.sql("SHOW FUNCTIONS FROM ufn_db LIKE 'ufn_g|ufn_h'"), ordered=True)
    golden.check(request, "describe", spark.sql("DESCRIBE FUNCTION spark_catalog.ufn_db.ufn_h"), ordered=True)
    spark.catalog.setCurrentDatabase("ufn_db")
    golden.check(request, "show_current", spark.sql("SHOW USER FUNCTIONS"), ordered=True)
    golden.check_value(request, "get_current", _function(spark.catalog.getFunction("ufn_g")))
    golden.check_error(request, "call_current", lambda: spark.sql("SELECT ufn_g(1)").collect())
    # The search path names the current database.
    golden.check_error(request, "unknown_current", lambda: spark.sql("SELECT ufn_nothing(1)").collect())
    golden.check_error(request, "get_unknown_current", lambda: spark.catalog.getFunction("ufn_nothing"))
    golden.check_error(request, "drop_unknown_current", lambda: spark.sql("DROP FUNCTION ufn_nothing"))
    spark.catalog.setCurrentDatabase("default")
    golden.check_error(request, "list_missing_db", lambda: spark.catalog.listFunctions("ufn_no_db"))
    golden.check_error(request, "show_missing_db", lambda: spark.sql("SHOW FUNCTIONS IN ufn_no_db").collect())
    golden.check_error(request, "create_missing_db", lambda: spark.sql("CREATE FUNCTION ufn_no_db.f AS 'x.Y'"))
    golden.check_error(request, "create_three_part", lambda: spark.sql("CREATE FUNCTION a.b.f AS 'x.Y'"))
    golden.check_error(request, "get_missing_db", lambda: spark.catalog.getFunction("ufn_no_db.ufn_g"))
    golden.check_error(request, "drop_missing_in_db", lambda: spark.sql("DROP FUNCTION ufn_db.ufn_nothing"))
    golden.check_error(request, "drop_db_not_empty", lambda: spark.sql("DROP DATABASE ufn_db"))
    spark.sql("DROP FUNCTION ufn_db.ufn_g")
    spark.sql("DROP FUNCTION ufn_db.ufn_h")
    spark.sql("DROP DATABASE ufn_db")
    golden.check_value(request, "db_dropped", spark.catalog.databaseExists("ufn_db"))


def test_call_cannot_load_class(spark, request, clean):
    spark.sql("CREATE FUNCTION ufn_f1 AS 'test.org.apache.spark.sql.MyDoubleAvg'")
    golden.check_error(request, "select", lambda: spark.sql("SELECT ufn_f1(1)").collect())
    golden.check_error(request, "select_upper_case", lambda: spark.sql("SELECT UFN_F1(1)").collect())
    golden.check_error(request, "aggregate", lambda: spark.sql(
        "SELECT x, ufn_f1(x) FROM range(3) AS t(x) GROUP BY x").collect())
    golden.check_error(request, "dataframe", lambda: spark.range(2).selectExpr("ufn_f1(id)").collect())
    golden.check_error(request, "unknown", lambda: spark.sql("SELECT ufn_nothing(1)").collect())


def test_temporary_functions(spark, request, clean):
    golden.check_error(request, "create", lambda: spark.sql("CREATE TEMPORARY FUNCTION ufn_t AS 'x.Tmp'"))
    golden.check_error(request, "create_mixed_case", lambda: spark.sql("CREATE TEMPORARY FUNCTION Ufn_T AS 'x.Tmp'"))
    golden.check_error(request, "create_replace",
                       lambda: spark.sql("CREATE OR REPLACE TEMPORARY FUNCTION ufn_t AS 'x.Tmp'"))
    golden.check_error(request, "create_builtin", lambda: spark.sql("CREATE TEMPORARY FUNCTION upper AS 'x.Up'"))
    golden.check_error(request, "replace_builtin",
                       lambda: spark.sql("CREATE OR REPLACE TEMPORARY FUNCTION upper AS 'x.Up'"))
    golden.check_value(request, "not_registered", [spark.catalog.functionExists("ufn_t"),
                                                   _rows(spark.sql("SHOW USER FUNCTIONS LIKE 'ufn*'"))])
    golden.check_error(request, "get", lambda: spark.catalog.getFunction("ufn_t"))
    golden.check_error(request, "drop", lambda: spark.sql("DROP TEMPORARY FUNCTION ufn_t"))
    spark.sql("DROP TEMPORARY FUNCTION IF EXISTS ufn_t")
    golden.check_error(request, "drop_builtin", lambda: spark.sql("DROP TEMPORARY FUNCTION upper"))
    golden.check_error(request, "drop_builtin_if_exists", lambda: spark.sql("DROP TEMPORARY FUNCTION IF EXISTS upper"))


@pytest.mark.parametrize("name,statement", [
    ("replace_if_not_exists", "CREATE OR REPLACE FUNCTION IF NOT EXISTS ufn_f1 AS 'x.Y'"),
    ("temporary_with_database", "CREATE TEMPORARY FUNCTION default.ufn_t AS 'x.Y'"),
    ("temporary_if_not_exists", "CREATE TEMPORARY FUNCTION IF NOT EXISTS ufn_t AS 'x.Y'"),
    ("resource_type", "CREATE FUNCTION ufn_f1 AS 'x.Y' USING BOGUS 'a.jar'"),
    ("drop_temporary_qualified", "DROP TEMPORARY FUNCTION default.ufn_t"),
    ("no_class", "CREATE FUNCTION ufn_f1"),
])
def test_statement_errors(spark, request, clean, name, statement):
    golden.check_error(request, name, lambda: spark.sql(statement).collect())
    assert not spark.catalog.functionExists("ufn_f1")


@pytest.mark.sk8_only
def test_functions_survive_restart(tmp_path):
    """A persistent function created by one sk8 server is known to the next one
    started on the same warehouse directory; a database's functions too."""
    args = ["--conf", f"spark.sql.warehouse.dir={tmp_path / 'warehouse'}"]
    for round in range(2):
        server = sk8_servers.start_sk8(extra_args=args)
        spark = SparkSession.builder.remote(server.url).create()
        try:
            if round == 0:
                spark.sql("CREATE FUNCTION keep_f AS 'x.Keep' USING JAR 'k.jar'")
                spark.sql("CREATE DATABASE keep")
                spark.sql("CREATE FUNCTION keep.g AS 'x.G'")
            else:
                f = spark.catalog.getFunction("keep_f")
                assert (f.name, f.namespace, f.className, f.isTemporary) == ("keep_f", ["default"], "x.Keep", False)
                assert [r.function for r in spark.sql("SHOW USER FUNCTIONS IN keep").collect()] == [
                    "spark_catalog.keep.g"]
                assert spark.sql("DESCRIBE FUNCTION keep_f").collect()[1].function_desc == "Class: x.Keep"
                spark.sql("DROP FUNCTION keep_f")
                assert not spark.catalog.functionExists("keep_f")
        finally:
            spark.stop()
            rc = server.stop()
        assert rc == 0, server.describe_death()
