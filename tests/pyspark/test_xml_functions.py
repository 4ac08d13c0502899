"""to_xml: structs as Spark's XML text (attributes, _VALUE, NULLs left out, arrays,
nested structs and maps, escaping, rowTag); answers recorded from real Spark."""

from __future__ import annotations

from pyspark.sql import Row
from pyspark.sql import functions as F

import golden


def test_to_xml_values(spark, request):
    golden.check(request, "sql", spark.sql(r"""
        SELECT to_xml(named_struct('a', 1.5D, 'b', 'x<&>"''y]]>z', 'c', true, 'd', CAST(NULL AS STRING),
                                   'e', array(named_struct('f', 1)), 'g', 1.0F, 'h', 12.30BD, 'i', CAST(5 AS TINYINT),
                                   'j', DATE'2020-01-02')) a,
               to_xml(named_struct('_VALUE', 'v', '_a', 1)) b,
               to_xml(named_struct('a', array(array(1, 2), array()), 'm', map('k', 1, 'l', CAST(NULL AS INT))),
                      map('rowTag', 'r')) c,
               to_xml(CAST(NULL AS STRUCT<a: INT>)) d, to_xml(named_struct('a', CAST(NULL AS INT))) e,
               to_xml(named_struct('a', 1e20D, 'b', 1e-5D, 'c', CAST('NaN' AS DOUBLE),
                                   'n', array(CAST(NULL AS INT), 1))) f,
               to_xml(named_struct('a', named_struct('_x', 1, '_VALUE', 2), 'b', named_struct('c', CAST(NULL AS INT)),
                                   '_q', 'x<"&')) g,
               to_xml(named_struct('a', array())) h"""))


def test_to_xml_columns(spark, request):
    df = spark.createDataFrame([(1, Row(age=2, name="Alice")), (2, None), (3, Row(age=None, name="B&b"))],
                               "key int, value struct<age: int, name: string>")
    golden.check(request, "rows", df.select("key", F.to_xml(df.value, {"rowTag": "person"}).alias("xml"),
                                            F.to_xml("value")))
    golden.check_error(request, "not_struct", lambda: spark.sql("SELECT to_xml(array(1))").collect())
