"""JSON and CSV functions through the real PySpark client, answers recorded from real
Spark: get_json_object (path syntax, wildcards, rendering), json_tuple,
json_array_length, json_object_keys, schema_of_json, from_json (DDL / JSON schemas,
struct / array / map results, PERMISSIVE partial results, FAILFAST, parser options,
date formats), to_json (every atomic type, nested values, options), from_csv, to_csv,
schema_of_csv, and Spark's errors for bad schemas and arguments."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

import golden

DOC = '{"a":{"b":[1,2.50,{"c":"x"}]},"s":"str","n":null,"t":true,"e":[],"o":{},"d":"a\\"b\\n"}'


@pytest.fixture(scope="module")
def docs(spark):
    df = spark.createDataFrame(
        [(1, DOC), (2, '{"a":{"b":[]}, "s": 5}'), (3, "{bad"), (4, None), (5, ""), (6, "[1,2,{\"s\":1}]"),
         (7, '{"s":"first","s":"second"}'), (8, '  {"s" : [ 1 , 2 ] }  trailing')],
        "id INT, j STRING")
    df.createOrReplaceTempView("json_docs")
    return df


PATHS = ["$", "$.a", "$.a.b", "$.a.b[0]", "$.a.b[1]", "$.a.b[2]", "$.a.b[2].c", "$.a.b[3]", "$.a.b[*]",
         "$.a.b[*].c", "$.s", "$.n", "$.t", "$.e", "$.o", "$.d", "$['a']['b'][2]['c']", "$[0]", "$[*]", "$[*].s",
         "$.*", "$.a.*", "a", "$..a", "$.a[", "$[ 1 ]", "$.missing", ""]


@pytest.mark.parametrize("path", PATHS, ids=[f"path{i}" for i in range(len(PATHS))])
def test_get_json_object(docs, request, path):
    golden.check(request, "df", docs.select("id", F.get_json_object("j", path).alias("v")))


def test_get_json_object_shapes(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT get_json_object('{"a":[{"b":1},{"b":2}]}', '$.a[*].b'),
               get_json_object('{"a":[{"b":1}]}', '$.a[*].b') AS one,
               get_json_object('{"a":[{"c":1}]}', '$.a[*].b') AS none,
               get_json_object('{"a":[[1,2],[3]]}', '$.a[*][*]') AS flat,
               get_json_object('{"a":[[1,2],[3]]}', '$.a[0][*]') AS first_row,
               get_json_object('{"a":[["x","y"]]}', '$.a[0][1]') AS nested_string,
               get_json_object('{"a":[1e10, 1.0E2, -0, 12345678901234567890, 0.1]}', '$.a') AS numbers,
               get_json_object('{"a": "x" , "b" : [ 1 , 2 ] }', '$') AS spaced,
               get_json_object('{"a":"\\u00e9\\n\\t"}', '$') AS escapes,
               get_json_object("{'a':'q'}", '$.a') AS single_quotes,
               get_json_object('{"a":NaN}', '$.a') AS nan,
               get_json_object('{"a":null,"a":1}', '$.a') AS dup,
               get_json_object('{"a b":1}', "$['a b']") AS bracket,
               get_json_object('{"a":1}', NULL) AS null_path,
               get_json_object(NULL, '$.a') AS null_json"""))


def test_get_json_object_column_path(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT p, get_json_object(j, p) AS v FROM VALUES ('{"a":1,"b":[2,{"c":3}]}', '$.a'),
               ('{"a":1,"b":[2,{"c":3}]}', '$.b[1].c'), ('{"a":1,"b":[2,{"c":3}]}', 'bad'),
               ('{"a":1}', NULL), (NULL, '$.a') AS t(j, p)"""))


def test_json_tuple(docs, request, spark):
    golden.check(request, "df", docs.select("id", F.json_tuple("j", "s", "t", "a", "n", "zz")))
    golden.check(request, "sql", spark.sql("""
        SELECT json_tuple('{"a":1,"b":{"c":[1,2]},"d":"x","a":2,"e":null}', 'a', 'b', 'd', 'e', 'a')"""))
    golden.check(request, "lateral", spark.sql("""
        SELECT id, s, t FROM json_docs LATERAL VIEW json_tuple(j, 's', 't') jt AS s, t"""))
    golden.check(request, "alias", docs.select(F.json_tuple("j", "s", "t").alias("x", "y")))


def test_json_tuple_errors(spark, request):
    golden.check_error(request, "null", lambda: spark.sql("SELECT json_tuple(NULL, 'a')").collect())
    golden.check_error(request, "int", lambda: spark.sql("SELECT json_tuple('{}', 1)").collect())
    golden.check_error(request, "count", lambda: spark.sql("SELECT json_tuple('{}')").collect())


def test_json_array_length_object_keys(docs, request, spark):
    golden.check(request, "df", docs.select("id", F.json_array_length("j"), F.json_object_keys("j")))
    golden.check(request, "sql", spark.sql("""
        SELECT json_array_length('[1,2,[3,4]]') AS a, json_array_length('[]') AS b, json_array_length('{}') AS c,
               json_array_length('[1,') AS d, json_array_length(NULL) AS e, json_array_length('[1] x') AS f,
               json_object_keys('{"b":1,"a":{"c":2},"b":3}') AS g, json_object_keys('[]') AS h,
               json_object_keys('{}') AS i, json_object_keys('{bad') AS k"""))
    golden.check_error(request, "type", lambda: spark.sql("SELECT json_array_length(1)").collect())


def test_schema_of_json(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT schema_of_json('{"a":1,"b":[1.5],"c":{"d":"x"},"e":null,"f":true,"g":12345678901234567890,"h":[]}') AS a,
               schema_of_json('[1,2]') AS b, schema_of_json('1') AS c, schema_of_json('"s"') AS d,
               schema_of_json('[{"a":1},{"b":"x"}]') AS e, schema_of_json('{"a":1.5}', map('prefersDecimal', 'true')) AS f,
               schema_of_json('{"a":1}', map('primitivesAsString', 'true')) AS g,
               schema_of_json('{"z":1,"a b":2,"A":3}') AS h, schema_of_json('{}') AS i, schema_of_json('[]') AS k"""))
    golden.check(request, "df", spark.range(1).select(
        F.schema_of_json(F.lit('{"a":[{"b":1.0}]}')), F.schema_of_json('{"x":1}', {"allowComments": "true"})))
    golden.check_error(request, "null", lambda: spark.sql("SELECT schema_of_json(NULL)").collect())
    golden.check_error(request, "column", lambda: spark.sql("SELECT schema_of_json(j) FROM json_docs").collect())


def test_from_json_struct(docs, request, spark):
    golden.check(request, "ddl", docs.select("id", F.from_json("j", "s STRING, t BOOLEAN, n INT, a STRING")))
    golden.check(request, "nested", docs.select(
        "id", F.from_json("j", "a STRUCT<b: ARRAY<STRING>>, e ARRAY<INT>, o MAP<STRING, INT>")))
    schema = StructType([StructField("s", StringType()), StructField("t", StringType())])
    golden.check(request, "structtype", docs.select("id", F.from_json("j", schema)))
    golden.check(request, "schema_of_json", docs.select(
        "id", F.from_json("j", F.schema_of_json(F.lit('{"s":"x","t":true}')))))
    golden.check(request, "sql", spark.sql("""
        SELECT from_json('{"a":1, "b":"x"}', 'a INT, b STRING') AS a,
               from_json('{"a":"x","b":"y"}', 'a INT, b STRING') AS partial,
               from_json('{"a":{"c":"q"},"b":[1,"z"]}', 'a struct<c:int>, b array<int>') AS partial_nested,
               from_json('{"A":1}', 'a INT') AS case_sensitive,
               from_json('[{"a":1},{"a":2}]', 'a INT') AS array_for_struct,
               from_json('{"a":1} x', 'a INT') AS trailing,
               from_json(NULL, 'a INT') AS null_input, from_json('', 'a INT') AS empty,
               from_json(' ', 'a INT') AS blank, from_json('null', 'a INT') AS null_literal,
               from_json('{"a":1}', 'struct<a:int>') AS struct_ddl"""))


def test_from_json_conversions(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT from_json('{"a":"1"}', 'a INT') AS str_int, from_json('{"a":1.5}', 'a INT') AS float_int,
               from_json('{"a":1}', 'a DOUBLE') AS int_double, from_json('{"a":"NaN"}', 'a DOUBLE') AS nan,
               from_json('{"a":1.50}', 'a STRING') AS num_string, from_json('{"a":{"b" : 2.50E1 }}', 'a STRING') AS obj_string,
               from_json('{"a":true}', 'a STRING') AS bool_string, from_json('{"a":12.30}', 'a DECIMAL(5,2)') AS dec,
               from_json('{"a":3000000000}', 'a INT') AS overflow, from_json('{"a":300}', 'a TINYINT') AS tiny,
               from_json('{"a":"2024-01-02", "b":"2024-01-02 03:04:05"}', 'a DATE, b TIMESTAMP') AS dates,
               from_json('{"a":[1,null,3]}', 'a ARRAY<BIGINT>') AS arr,
               from_json('{"b":"AQI="}', 'b BINARY') AS bin, from_json('{"t":1700000000}', 't TIMESTAMP') AS seconds,
               from_json('{"t":"2024-01-02T03:04:05.123+02:00", "n":"2024-01-02T03:04:05"}',
                         't TIMESTAMP, n TIMESTAMP_NTZ') AS zoned"""))
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        golden.check(request, "zone", spark.sql(
            "SELECT from_json('{\"t\":\"2024-01-02 03:04:05\"}', 't TIMESTAMP') AS t, "
            "to_json(from_json('{\"t\":\"2024-07-02 03:04:05\"}', 't TIMESTAMP')) AS back"))
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


def test_from_json_array_map(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT from_json('[1,2]', 'array<int>') AS a, from_json('[1,"x"]', 'array<int>') AS b,
               from_json('{"a":1}', 'array<int>') AS c, from_json('null', 'array<int>') AS d,
               from_json('{"a":1}', 'array<struct<a:int>>') AS e, from_json('[{"a":"x"}]', 'array<struct<a:int>>') AS f,
               from_json('[{"a":"x"}, 1]', 'array<struct<a:int>>') AS g, from_json('[]', 'array<int>') AS h"""))
    golden.check(request, "map", spark.sql("SELECT from_json('{\"a\":1,\"b\":null}', 'map<string,int>')"))
    golden.check(request, "map_bad", spark.sql("SELECT from_json('{\"a\":\"x\",\"b\":2}', 'map<string,int>')"))
    golden.check(request, "map_struct", spark.sql("SELECT from_json('{\"a\":{\"b\":\"x\"}}', 'map<string,struct<b:int>>')"))
    golden.check(request, "df", spark.createDataFrame([('[1,2]',), ('[3]',), (None,)], "j STRING").select(
        F.from_json("j", ArrayType(IntegerType()))))


def test_from_json_options(spark, request):
    golden.check(request, "parser", spark.sql("""
        SELECT from_json('/*c*/{"a":1}', 'a INT', map('allowComments','true')) AS comments,
               from_json('/*c*/{"a":1}', 'a INT') AS no_comments,
               from_json('{"a":01}', 'a INT', map('allowNumericLeadingZeros','true')) AS zeros,
               from_json('{"a":01}', 'a INT') AS no_zeros,
               from_json('{a:1}', 'a INT', map('allowUnquotedFieldNames','true')) AS unquoted,
               from_json("{'a':1}", 'a INT', map('allowSingleQuotes','false')) AS no_single,
               from_json('{"a":NaN}', 'a DOUBLE', map('allowNonNumericNumbers','false')) AS no_nan"""))
    golden.check(request, "formats", spark.sql("""
        SELECT from_json('{"t":"02/01/2024"}', 't DATE', map('dateFormat','dd/MM/yyyy')) AS d,
               from_json('{"t":"02/01/2024 10:11"}', 't TIMESTAMP', map('timestampFormat','dd/MM/yyyy HH:mm')) AS ts"""))
    golden.check(request, "corrupt", spark.sql("""
        SELECT from_json('{"a":1, "_corrupt_record":null}', 'a INT, _corrupt_record STRING') AS ok,
               from_json('{"a":"x"}', 'a INT, _corrupt_record STRING') AS bad,
               from_json('{bad', 'a INT, c STRING', map('columnNameOfCorruptRecord', 'c')) AS renamed"""))
    golden.check(request, "df", spark.createDataFrame([('{"a":"x"}',), ('{"a":2}',)], "j STRING").select(
        F.from_json("j", "a INT", {"mode": "PERMISSIVE"})))


@pytest.mark.parametrize("text", ['{bad', '{"a":"x","b":"y"}', '[1]', 'null'])
def test_from_json_failfast(spark, request, text):
    df = spark.createDataFrame([(text,)], "j STRING")
    golden.check_error(request, "err", lambda: df.select(F.from_json("j", "a INT, b STRING", {"mode": "FAILFAST"})).collect())


def test_from_json_errors(spark, request):
    golden.check_error(request, "dropmalformed",
                       lambda: spark.sql("SELECT from_json('{}', 'a INT', map('mode','DROPMALFORMED'))").collect())
    golden.check_error(request, "primitive", lambda: spark.sql("SELECT from_json('1', 'int')").collect())
    golden.check_error(request, "non_literal", lambda: spark.sql("SELECT from_json('{}', 1)").collect())
    golden.check_error(request, "bad_ddl", lambda: spark.sql("SELECT from_json('{}', 'a INT,')").collect(), params=False)
    golden.check_error(request, "bad_ddl2", lambda: spark.sql("SELECT from_json('{}', 'xx yy zz')").collect(), params=False)


def test_to_json(spark, request):
    golden.check(request, "atomic", spark.sql("""
        SELECT to_json(named_struct('a',1,'b','x','c',null,'d',array(1,2),'e',map('k',1.5D),'f',1.0E10D,
               'g',cast(1.5 as float),'h',1.23BD, 'i', date'2024-01-02', 'j', timestamp'2024-01-02 03:04:05.123',
               'k', X'0102', 'l', true, 'm', cast('Infinity' as double), 'n', cast('NaN' as double),
               'o', 123456789012345L, 'p', 0.1D, 'q', timestamp'2024-01-02 03:04:05', 'r', 1.50BD,
               's', cast(1 as decimal(20,10)), 't', cast(-0.0 as double), 'u', 1e-5D, 'v', cast(1e7 as float),
               'w', cast(7 as tinyint), 'x', timestamp_ntz'2024-01-02 03:04:05', 'y', 'q"\\\\\\n\\t/é'))"""))
    golden.check(request, "nested", spark.sql("""
        SELECT to_json(array(1,2)) AS a, to_json(map('a',1)) AS b, to_json(map(1,'a')) AS c,
               to_json(array(named_struct('a',1))) AS d, to_json(array(map('a',1))) AS e,
               to_json(named_struct('a', array(named_struct('b', null)))) AS f, to_json(array(cast(null as int), 1)) AS g,
               to_json(cast(null as struct<a:int>)) AS h, to_json(array()) AS i, to_json(map()) AS k"""))
    golden.check(request, "options", spark.sql("""
        SELECT to_json(named_struct('a',1,'b',array(1,2),'c',named_struct('d','x'),'e',array()), map('pretty','true')) AS pretty,
               to_json(named_struct('t',timestamp'2024-01-02 03:04:05'), map('timestampFormat','dd/MM/yyyy HH:mm')) AS ts,
               to_json(named_struct('d',date'2024-01-02'), map('dateFormat','dd/MM/yyyy')) AS d,
               to_json(named_struct('a',cast(null as int)), map('ignoreNullFields','false')) AS nulls"""))
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        golden.check(request, "zone", spark.sql(
            "SELECT to_json(named_struct('t', timestamp'2024-01-02 03:04:05', 's', timestamp'2024-07-02 03:04:05'))"))
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
    df = spark.createDataFrame([(1, "x", [1, 2]), (2, None, None)], "id INT, s STRING, a ARRAY<INT>")
    golden.check(request, "df", df.select(F.to_json(F.struct("id", "s", "a")), F.to_json("a")))
    golden.check_error(request, "atomic_error", lambda: spark.sql("SELECT to_json(1)").collect())


def test_to_json_roundtrip(spark, request):
    df = spark.createDataFrame([(1, "a", 1.5), (2, None, None)], "id INT, s STRING, d DOUBLE")
    golden.check(request, "df", df.select(
        F.from_json(F.to_json(F.struct("id", "s", "d")), "id INT, s STRING, d DOUBLE").alias("r")))


def test_from_csv(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT from_csv('1,abc', 'a INT, b STRING') AS a, from_csv('x,', 'a INT, b STRING') AS b,
               from_csv('1', 'a INT, b STRING') AS c, from_csv('1,2,3', 'a INT, b STRING') AS d,
               from_csv(NULL, 'a INT') AS e, from_csv('1;"a;b"', 'a INT, b STRING', map('sep',';')) AS f,
               from_csv('2024-01-02,1.5,true', 'd DATE, x DOUBLE, y BOOLEAN') AS g,
               from_csv('02/01/2024', 'd DATE', map('dateFormat','dd/MM/yyyy')) AS h,
               from_csv('"x,y",""', 'a STRING, b STRING') AS i,
               from_csv('NA,1', 'a STRING, b INT', map('nullValue','NA')) AS k"""))
    df = spark.createDataFrame([("1,a",), ("2,",), (None,)], "c STRING")
    golden.check(request, "df", df.select(F.from_csv("c", "x INT, y STRING")))
    golden.check(request, "schema_of_csv", df.select(F.from_csv("c", F.schema_of_csv(F.lit("1,a")))))
    golden.check_error(request, "failfast", lambda: spark.sql(
        "SELECT from_csv('x', 'a INT', map('mode','FAILFAST'))").collect())
    golden.check_error(request, "dropmalformed", lambda: spark.sql(
        "SELECT from_csv('x', 'a INT', map('mode','DROPMALFORMED'))").collect())


def test_to_csv(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT to_csv(named_struct('a',1,'b','x,y','c',null,'d','q"r','e',date'2024-01-02',
                                   'f',timestamp'2024-01-02 03:04:05','g',1.5D,'h',true,'i','')) AS a,
               to_csv(named_struct('a',1,'b','x'), map('sep','|')) AS b,
               to_csv(named_struct('a',array(1))) AS c, to_csv(named_struct('a',' pad ')) AS d,
               to_csv(named_struct('d',date'2024-01-02'), map('dateFormat','dd/MM/yyyy')) AS e,
               to_csv(named_struct('a',cast(null as int),'b','x'), map('nullValue','NA')) AS f"""))
    df = spark.createDataFrame([(1, "a"), (2, None)], "id INT, s STRING")
    golden.check(request, "df", df.select(F.to_csv(F.struct("id", "s"))))
    golden.check_error(request, "array", lambda: spark.sql("SELECT to_csv(array(1))").collect())


def test_schema_of_csv(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT schema_of_csv('1,abc,1.5,true,2024-01-02,,2024-01-02 03:04:05,12345678901') AS a,
               schema_of_csv('a|b', map('sep','|')) AS b,
               schema_of_csv('"1",x') AS d"""))
    golden.check(request, "df", spark.range(1).select(F.schema_of_csv(F.lit("1,x"))))
    golden.check_error(request, "null", lambda: spark.sql("SELECT schema_of_csv(NULL)").collect())
