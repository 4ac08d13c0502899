"""SQL commands on the catalog: CREATE / DROP DATABASE, USE, CREATE [OR REPLACE]
[TEMP] VIEW, CREATE TABLE ... USING [PARTITIONED BY] [AS SELECT], INSERT INTO /
OVERWRITE [PARTITION], DROP TABLE / VIEW, ALTER TABLE RENAME TO / ADD COLUMNS,
TRUNCATE TABLE, SHOW DATABASES / TABLES / VIEWS / COLUMNS / CREATE TABLE /
TBLPROPERTIES, DESCRIBE [TABLE] / QUERY, SET / RESET, CACHE / UNCACHE / REFRESH
TABLE. Answers (output columns, rows, errors) recorded from real Spark."""

from __future__ import annotations

import pytest

import golden

TABLES = ("cmd_t", "cmd_t2", "cmd_p", "cmd_ctas", "cmd_renamed", "cmd_view")


@pytest.fixture
def clean(spark):
    def drop():
        spark.sql("USE default")
        for t in TABLES:
            spark.sql(f"DROP TABLE IF EXISTS {t}")
        spark.sql("DROP VIEW IF EXISTS cmd_pv")
        spark.sql("DROP DATABASE IF EXISTS cmd_db CASCADE")
        spark.sql("DROP VIEW IF EXISTS cmd_tv")
        spark.sql("DROP VIEW IF EXISTS global_temp.cmd_gv")

    drop()
    yield
    drop()


def test_databases(spark, request, clean):
    golden.check(request, "create", spark.sql("CREATE DATABASE cmd_db COMMENT 'x'"))
    golden.check_error(request, "create_again", lambda: spark.sql("CREATE DATABASE cmd_db"))
    spark.sql("CREATE DATABASE IF NOT EXISTS cmd_db")
    golden.check(request, "show", spark.sql("SHOW DATABASES LIKE 'cmd*|default'"))
    golden.check(request, "show_schemas", spark.sql("SHOW SCHEMAS 'cmd_*'"))
    spark.sql("USE cmd_db")
    golden.check_value(request, "current", spark.catalog.currentDatabase())
    spark.sql("CREATE TABLE cmd_t (a INT) USING parquet")
    golden.check_error(request, "drop_not_empty", lambda: spark.sql("DROP DATABASE cmd_db"))
    spark.sql("USE default")
    golden.check_error(request, "use_missing", lambda: spark.sql("USE cmd_no_db"))
    golden.check_error(request, "drop_missing", lambda: spark.sql("DROP DATABASE cmd_no_db"))
    spark.sql("DROP DATABASE IF EXISTS cmd_no_db")
    spark.sql("DROP DATABASE cmd_db CASCADE")
    golden.check(request, "dropped", spark.sql("SHOW DATABASES LIKE 'cmd*'"))


def test_create_table_and_insert(spark, request, clean):
    golden.check(request, "create", spark.sql("CREATE TABLE cmd_t (id INT, name STRING) USING parquet"))
    golden.check_error(request, "exists", lambda: spark.sql("CREATE TABLE cmd_t (id INT) USING parquet"))
    spark.sql("CREATE TABLE IF NOT EXISTS cmd_t (id INT) USING parquet")
    golden.check(request, "empty", spark.table("cmd_t"))
    golden.check(request, "insert", spark.sql("INSERT INTO cmd_t VALUES (1, 'a'), (2, 'b')"))
    spark.sql("INSERT INTO TABLE cmd_t SELECT 3, 'c'")
    spark.sql("INSERT INTO cmd_t (name, id) VALUES ('d', 4)")
    golden.check(request, "rows", spark.sql("SELECT * FROM cmd_t"))
    spark.sql("INSERT OVERWRITE cmd_t VALUES (10, 'A'), (20, 'B')")
    golden.check(request, "overwritten", spark.table("cmd_t"))
    golden.check_error(request, "arity", lambda: spark.sql("INSERT INTO cmd_t VALUES (1)"))
    golden.check_error(request, "cannot_cast", lambda: spark.sql("INSERT INTO cmd_t VALUES ('x', 'y')"))
    spark.sql("INSERT INTO cmd_t VALUES (5L, 6)")  # bigint to int, int to string
    golden.check(request, "cast_on_insert", spark.table("cmd_t"))
    golden.check_error(request, "missing", lambda: spark.sql("INSERT INTO cmd_no_such VALUES (1)"))
    golden.check_error(request, "select_missing", lambda: spark.sql("SELECT * FROM cmd_no_such"))


def test_ctas_and_formats(spark, request, clean):
    spark.sql("CREATE TABLE cmd_ctas USING json AS SELECT id, id % 3 AS k, CAST(id AS STRING) AS s FROM range(5)")
    golden.check(request, "ctas", spark.table("cmd_ctas"))
    spark.sql("CREATE TABLE cmd_t USING csv AS SELECT * FROM cmd_ctas WHERE k = 1")
    golden.check(request, "csv", spark.table("cmd_t"))
    golden.check_error(request, "replace", lambda: spark.sql("CREATE OR REPLACE TABLE cmd_t USING parquet AS SELECT 1"))
    golden.check(request, "describe", spark.sql("DESCRIBE TABLE cmd_ctas"))
    golden.check(request, "show_columns", spark.sql("SHOW COLUMNS IN cmd_ctas"))


def test_partitioned(spark, request, clean):
    spark.sql("CREATE TABLE cmd_p (v STRING, k INT) USING parquet PARTITIONED BY (k)")
    spark.sql("INSERT INTO cmd_p VALUES ('a', 1), ('b', 2)")
    spark.sql("INSERT INTO cmd_p PARTITION (k = 3) SELECT 'c'")
    spark.sql("INSERT INTO cmd_p PARTITION (k) VALUES ('d', 1)")
    golden.check(request, "rows", spark.table("cmd_p"))
    spark.sql("INSERT OVERWRITE cmd_p PARTITION (k = 1) VALUES ('z')")
    golden.check(request, "partition_overwritten", spark.table("cmd_p"))
    golden.check(request, "filtered", spark.sql("SELECT v FROM cmd_p WHERE k = 2"))
    golden.check(request, "describe", spark.sql("DESCRIBE cmd_p"))
    golden.check(request, "show_create", spark.sql("SHOW CREATE TABLE cmd_p"))
    spark.sql("CREATE TABLE cmd_t2 USING parquet PARTITIONED BY (k) AS SELECT id AS v, id % 2 AS k FROM range(4)")
    golden.check(request, "ctas_partitioned", spark.table("cmd_t2"))
    golden.check(request, "ctas_describe", spark.sql("DESC cmd_t2"))


def test_views(spark, request, clean):
    spark.sql("CREATE TABLE cmd_t USING parquet AS SELECT id, id * 2 AS twice FROM range(3)")
    golden.check(request, "create_temp", spark.sql("CREATE TEMPORARY VIEW cmd_tv AS SELECT id FROM cmd_t WHERE id > 0"))
    golden.check(request, "temp", spark.table("cmd_tv"))
    golden.check_error(request, "temp_exists", lambda: spark.sql("CREATE TEMP VIEW cmd_tv AS SELECT 1"))
    spark.sql("CREATE OR REPLACE TEMP VIEW cmd_tv (x, y) AS SELECT id, twice FROM cmd_t")
    golden.check(request, "temp_replaced", spark.sql("SELECT * FROM cmd_tv"))
    spark.sql("CREATE VIEW cmd_pv AS SELECT twice FROM cmd_t WHERE id < 2")
    golden.check(request, "persistent", spark.table("cmd_pv"))
    golden.check(request, "qualified", spark.sql("SELECT * FROM spark_catalog.default.cmd_pv"))
    golden.check_error(request, "view_exists", lambda: spark.sql("CREATE VIEW cmd_pv AS SELECT 1"))
    spark.sql("CREATE GLOBAL TEMPORARY VIEW cmd_gv AS SELECT 42 AS answer")
    golden.check(request, "global", spark.sql("SELECT * FROM global_temp.cmd_gv"))
    golden.check(request, "show_views", spark.sql("SHOW VIEWS LIKE 'cmd*'"))
    golden.check(request, "show_tables", spark.sql("SHOW TABLES LIKE 'cmd*'"))
    golden.check(request, "show_global", spark.sql("SHOW TABLES IN global_temp LIKE 'cmd*'"))
    golden.check_error(request, "drop_view_of_table", lambda: spark.sql("DROP VIEW cmd_t"))
    golden.check_error(request, "drop_table_of_view", lambda: spark.sql("DROP TABLE cmd_pv"))
    spark.sql("DROP VIEW cmd_pv")
    spark.sql("DROP VIEW cmd_tv")
    golden.check_error(request, "dropped", lambda: spark.table("cmd_tv").collect())
    golden.check_error(request, "drop_missing", lambda: spark.sql("DROP VIEW cmd_no_view"))
    golden.check_error(request, "drop_missing_table", lambda: spark.sql("DROP TABLE cmd_no_table"))


def test_alter_truncate(spark, request, clean):
    spark.sql("CREATE TABLE cmd_t (a INT) USING parquet TBLPROPERTIES ('owner.team' = 'sk8')")
    spark.sql("INSERT INTO cmd_t VALUES (1), (2)")
    spark.sql("ALTER TABLE cmd_t RENAME TO cmd_renamed")
    golden.check_error(request, "old_name", lambda: spark.table("cmd_t").collect())
    golden.check(request, "properties", spark.sql("SHOW TBLPROPERTIES cmd_renamed"))
    golden.check(request, "property", spark.sql("SHOW TBLPROPERTIES cmd_renamed ('owner.team')"))
    golden.check(request, "truncate", spark.sql("TRUNCATE TABLE cmd_renamed"))
    assert spark.table("cmd_renamed").count() == 0


def test_add_columns(spark, request, clean):
    spark.sql("CREATE TABLE cmd_t (a INT) USING parquet")
    spark.sql("INSERT INTO cmd_t VALUES (1), (2)")
    spark.sql("ALTER TABLE cmd_t ADD COLUMNS (b STRING, c DOUBLE)")
    spark.sql("INSERT INTO cmd_t VALUES (3, 'x', 1.5)")
    golden.check(request, "added", spark.table("cmd_t"))
    golden.check_error(request, "add_existing", lambda: spark.sql("ALTER TABLE cmd_t ADD COLUMN a INT"))
    golden.check(request, "describe_column", spark.sql("DESCRIBE cmd_t b"))


def test_describe_query(spark, request, clean):
    golden.check(request, "query", spark.sql("DESCRIBE QUERY SELECT 1 AS a, 'x' AS b, CAST(NULL AS DOUBLE) AS c"))
    golden.check(request, "without_keyword", spark.sql("DESCRIBE SELECT id, id > 1 AS big FROM range(2)"))
    spark.range(2).createOrReplaceTempView("cmd_tv")
    golden.check(request, "temp_view", spark.sql("DESCRIBE cmd_tv"))
    golden.check_error(request, "missing", lambda: spark.sql("DESCRIBE cmd_no_such"))


def test_set_reset(spark, request, clean):
    golden.check(request, "set", spark.sql("SET spark.sql.shuffle.partitions=7"))
    golden.check_value(request, "conf", spark.conf.get("spark.sql.shuffle.partitions"))
    golden.check(request, "get", spark.sql("SET spark.sql.shuffle.partitions"))
    golden.check(request, "undefined", spark.sql("SET sk8.test.no_such_key"))
    spark.sql("RESET spark.sql.shuffle.partitions")
    golden.check_value(request, "after_reset", spark.conf.get("spark.sql.shuffle.partitions"))
    spark.conf.set("spark.sql.ansi.enabled", "false")
    golden.check(request, "set_by_conf", spark.sql("SET spark.sql.ansi.enabled"))
    spark.sql("RESET spark.sql.ansi.enabled")


def test_cache_commands(spark, request, clean):
    spark.sql("CREATE TABLE cmd_t USING parquet AS SELECT 1 AS a")
    golden.check(request, "cache", spark.sql("CACHE TABLE cmd_t"))
    golden.check_value(request, "cached", spark.catalog.isCached("cmd_t"))
    spark.sql("UNCACHE TABLE cmd_t")
    spark.sql("UNCACHE TABLE IF EXISTS cmd_no_such")
    spark.sql("REFRESH TABLE cmd_t")
    spark.sql("CACHE LAZY TABLE cmd_tv AS SELECT 2 AS b")
    golden.check(request, "cached_query", spark.table("cmd_tv"))
    spark.sql("CLEAR CACHE")
    golden.check_value(request, "after_clear", [spark.catalog.isCached("cmd_t"), spark.catalog.isCached("cmd_tv")])
    golden.check_error(request, "uncache_missing", lambda: spark.sql("UNCACHE TABLE cmd_no_such"))


def _plan_outline(spark, sql: str) -> dict:
    """What sk8's and Spark's EXPLAIN answers share: the one `plan` column, the
    section headers, the trailing empty line (operator names differ by engine)."""
    df = spark.sql(sql)
    rows = [r[0] for r in df.collect()]
    text = rows[0]
    return {"columns": df.columns, "rows": len(rows),
            "headers": [line for line in text.split("\n") if line.startswith("== ")],
            "ends_with_empty_line": text.endswith("\n\n")}


@pytest.mark.parametrize("mode", ["", "EXTENDED", "FORMATTED", "COST"])
def test_explain_statement(spark, request, mode):
    spark.range(5).createOrReplaceTempView("cmd_ev")
    try:
        golden.check_schema(request, f"explain_{mode or 'simple'}_schema",
                            spark.sql(f"EXPLAIN {mode} SELECT id FROM cmd_ev WHERE id > 1").schema)
        golden.check_value(request, f"explain_{mode or 'simple'}",
                           _plan_outline(spark, f"EXPLAIN {mode} SELECT id FROM cmd_ev WHERE id > 1"))
    finally:
        # The session is shared by later modules (tests/sql's SHOW VIEWS LIKE 'cmd_*').
        spark.catalog.dropTempView("cmd_ev")


def test_explain_statement_errors(spark, request):
    # A query that fails to plan answers rows that say why, as Spark does.
    rows = [r[0] for r in spark.sql("EXPLAIN SELECT * FROM cmd_no_such_table").collect()]
    golden.check_value(request, "explain_missing_table", rows[:2])
    rows = [r[0] for r in spark.sql("EXPLAIN SELECT 1/0").collect()]
    golden.check_value(request, "explain_failing_constant", rows[:2])
    golden.check_error(request, "explain_syntax", lambda: spark.sql("EXPLAIN SELEC 1"))
