"""The Spark Connect catalog API (spark.catalog.*) over databases, persistent
tables, temporary and global temporary views; df.write.saveAsTable /
insertInto; persistent tables surviving a restart of the server. Answers
recorded from real Spark (paths and times, which differ between servers, are
left out of the goldens)."""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

import golden
import sk8_servers

TABLES = ("cat_t1", "cat_t2", "cat_part")


@pytest.fixture
def clean(spark):
    def drop():
        spark.catalog.setCurrentDatabase("default")
        for t in TABLES:
            spark.sql(f"DROP TABLE IF EXISTS {t}")
        spark.sql("DROP DATABASE IF EXISTS cat_db CASCADE")
        for v in ("cat_v", "cat_v2"):
            spark.catalog.dropTempView(v)
        spark.catalog.dropGlobalTempView("cat_gv")

    drop()
    yield
    drop()


def _tables(tables):
    return sorted((t.name, t.catalog, t.namespace, t.description, t.tableType, t.isTemporary) for t in tables)


def test_current_database(spark, request, clean):
    golden.check_value(request, "current", spark.catalog.currentDatabase())
    spark.sql("CREATE DATABASE cat_db")
    spark.catalog.setCurrentDatabase("cat_db")
    golden.check_value(request, "after_set", spark.catalog.currentDatabase())
    spark.catalog.setCurrentDatabase("default")
    golden.check_error(request, "missing", lambda: spark.catalog.setCurrentDatabase("cat_no_such_db"))
    golden.check_value(request, "catalog", [spark.catalog.currentCatalog(),
                                            [c.name for c in spark.catalog.listCatalogs("spark*")]])


def test_databases(spark, request, clean):
    spark.sql("CREATE DATABASE cat_db COMMENT 'a test database'")
    golden.check_value(request, "list", [(d.name, d.catalog, d.description)
                                         for d in spark.catalog.listDatabases("cat*|default")])
    d = spark.catalog.getDatabase("spark_catalog.cat_db")
    golden.check_value(request, "get", (d.name, d.catalog, d.description, d.locationUri.startswith("file:"),
                                        d.locationUri.endswith("cat_db.db")))
    golden.check_value(request, "exists", [spark.catalog.databaseExists(n)
                                           for n in ("default", "cat_db", "spark_catalog.cat_db", "cat_no_db")])
    golden.check_error(request, "get_missing", lambda: spark.catalog.getDatabase("cat_no_such_db"))


def test_tables_and_views(spark, request, clean):
    spark.sql("CREATE TABLE cat_t1 (name STRING, age INT) USING parquet")
    spark.range(3).createOrReplaceTempView("cat_v")
    spark.range(2).createOrReplaceGlobalTempView("cat_gv")
    golden.check_value(request, "list", _tables(spark.catalog.listTables(pattern="cat*")))
    golden.check_value(request, "list_global", _tables(spark.catalog.listTables("global_temp", "cat*")))
    golden.check_value(request, "get", _tables([spark.catalog.getTable("cat_t1"),
                                                spark.catalog.getTable("default.cat_t1"),
                                                spark.catalog.getTable("spark_catalog.default.cat_t1"),
                                                spark.catalog.getTable("cat_v")]))
    golden.check_value(request, "exists", [spark.catalog.tableExists(n) for n in
                                           ("cat_t1", "default.cat_t1", "spark_catalog.default.cat_t1", "cat_v",
                                            "global_temp.cat_gv", "cat_no_such")])
    golden.check_value(request, "exists_in_db", spark.catalog.tableExists("cat_t1", "default"))
    golden.check_value(request, "columns", [tuple(c) for c in spark.catalog.listColumns("cat_t1")])
    golden.check_value(request, "view_columns", [tuple(c) for c in spark.catalog.listColumns("cat_v")])
    golden.check_error(request, "get_missing", lambda: spark.catalog.getTable("cat_no_such"))
    golden.check(request, "global_view", spark.table("global_temp.cat_gv"))
    golden.check_value(request, "drop_temp", [spark.catalog.dropTempView("cat_v"), spark.catalog.dropTempView("cat_v")])
    golden.check_value(request, "drop_global", [spark.catalog.dropGlobalTempView("cat_gv"),
                                                spark.catalog.dropGlobalTempView("cat_gv")])
    golden.check_error(request, "dropped_global", lambda: spark.table("global_temp.cat_gv").collect())


def test_create_table(spark, request, clean, tmp_path):
    schema = StructType([StructField("id", LongType()), StructField("s", StringType())])
    spark.catalog.createTable("cat_t2", schema=schema, source="parquet")
    golden.check(request, "created", spark.table("cat_t2"))
    spark.createDataFrame([(1, "a")], "id long, s string").write.insertInto("cat_t2")
    golden.check(request, "after_insert", spark.table("cat_t2"))
    path = str(tmp_path / "ext")
    spark.range(3).write.parquet(path)
    spark.catalog.createTable("cat_t1", path=path)
    golden.check(request, "external", spark.table("cat_t1"))
    t = spark.catalog.getTable("cat_t1")
    golden.check_value(request, "external_type", (t.tableType, t.isTemporary))
    spark.sql("DROP TABLE cat_t1")
    golden.check(request, "files_kept", spark.read.parquet(path))


def test_cache(spark, request, clean):
    spark.sql("CREATE TABLE cat_t1 (a INT) USING parquet")
    spark.catalog.cacheTable("cat_t1")
    cached = [spark.catalog.isCached("cat_t1"), spark.catalog.isCached("spark_catalog.default.cat_t1")]
    spark.catalog.uncacheTable("cat_t1")
    cached.append(spark.catalog.isCached("cat_t1"))
    spark.catalog.cacheTable("cat_t1")
    spark.catalog.clearCache()
    cached.append(spark.catalog.isCached("cat_t1"))
    spark.catalog.refreshTable("cat_t1")
    golden.check_value(request, "cached", cached)
    golden.check_error(request, "missing", lambda: spark.catalog.isCached("cat_no_such"))
    golden.check_error(request, "cache_missing", lambda: spark.catalog.cacheTable("cat_no_such"))


def test_recover_partitions(spark, request, clean, tmp_path):
    path = str(tmp_path / "p")
    spark.range(4).selectExpr("id AS value", "id % 2 AS key").write.partitionBy("key").parquet(path)
    spark.sql(f"CREATE TABLE cat_part (value LONG, key LONG) USING parquet PARTITIONED BY (key) LOCATION '{path}'")
    golden.check(request, "before", spark.table("cat_part"))
    spark.catalog.recoverPartitions("cat_part")
    golden.check(request, "after", spark.table("cat_part"))
    spark.sql("INSERT INTO cat_part VALUES (10, 5)")
    golden.check(request, "inserted", spark.table("cat_part"))


def test_save_as_table(spark, request, clean):
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id long, s string")
    df.write.saveAsTable("cat_t1")
    golden.check(request, "created", spark.table("cat_t1"))
    golden.check_error(request, "exists", lambda: df.write.saveAsTable("cat_t1"))
    df.select("s", "id").write.mode("append").saveAsTable("cat_t1")
    golden.check(request, "appended_by_name", spark.read.table("cat_t1"))
    df.write.mode("ignore").saveAsTable("cat_t1")
    golden.check(request, "ignored", spark.table("cat_t1"))
    df.where("id = 1").write.mode("overwrite").saveAsTable("cat_t1")
    golden.check(request, "overwritten", spark.table("cat_t1"))
    spark.createDataFrame([(7, "x")], "a int, b string").write.insertInto("cat_t1")
    golden.check(request, "insert_into", spark.table("cat_t1"))
    df.write.insertInto("cat_t1", overwrite=True)
    golden.check(request, "insert_overwrite", spark.sql("SELECT * FROM cat_t1"))
    golden.check_error(request, "insert_too_many", lambda: spark.range(1).selectExpr("id", "id", "id")
                       .write.insertInto("cat_t1"))
    df.write.partitionBy("s").format("json").saveAsTable("cat_part")
    golden.check(request, "partitioned", spark.table("cat_part"))
    golden.check_value(request, "partitioned_columns", [tuple(c) for c in spark.catalog.listColumns("cat_part")])


@pytest.mark.sk8_only
def test_tables_survive_restart(tmp_path):
    """A table written by one sk8 server is read back by the next one started on
    the same warehouse directory (its metadata and files are on disk)."""
    args = ["--conf", f"spark.sql.warehouse.dir={tmp_path / 'warehouse'}"]
    expected = [(1, "a"), (2, "b")]
    for round in range(2):
        server = sk8_servers.start_sk8(extra_args=args)
        spark = SparkSession.builder.remote(server.url).create()
        try:
            if round == 0:
                spark.sql("CREATE DATABASE keep")
                spark.createDataFrame(expected, "id long, s string").write.saveAsTable("keep.t")
                spark.sql("CREATE VIEW keep.v AS SELECT id * 10 AS x FROM keep.t")
            else:
                assert [d.name for d in spark.catalog.listDatabases()] == ["default", "keep"]
                assert sorted(tuple(r) for r in spark.table("keep.t").collect()) == expected
                assert sorted(r.x for r in spark.sql("SELECT x FROM keep.v").collect()) == [10, 20]
                spark.sql("USE keep")
                assert [r.tableName for r in spark.sql("SHOW TABLES").collect()] == ["t", "v"]
        finally:
            spark.stop()
            rc = server.stop()
        assert rc == 0, server.describe_death()


def test_current_database_function(spark, request, clean):
    # current_database() answers the session's database (Spark names it current_schema()).
    golden.check_sql(request, "function_default", spark, "SELECT current_database(), current_database() = 'default'")


def test_current_database_function_after_set(spark, request, clean):
    spark.sql("CREATE DATABASE cat_db")
    spark.catalog.setCurrentDatabase("cat_db")
    try:
        golden.check_sql(request, "function_after_set", spark, "SELECT current_database(), current_schema()")
    finally:
        spark.catalog.setCurrentDatabase("default")
