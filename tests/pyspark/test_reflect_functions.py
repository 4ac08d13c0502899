"""reflect / java_method / try_reflect: the static methods sk8 answers without a JVM
(java.util.UUID.fromString, scala.Predef.require) give Spark's strings, NULLs and
errors (goldens from real Spark); any other method is refused by name."""

from __future__ import annotations

import pytest

import golden

CASES = {
    "uuid": "SELECT reflect('java.util.UUID', 'fromString', 'a5cf6c42-0c85-418f-af6c-3e4e5b1328f2')",
    "uuid_short_fields": "SELECT java_method('java.util.UUID', 'fromString', '1-2-3-4-5')",
    "uuid_upper_case": "SELECT reflect('java.util.UUID', 'fromString', 'A5CF6C42-0C85-418F-AF6C-3E4E5B1328F2')",
    "uuid_column": "SELECT a, try_reflect('java.util.UUID', 'fromString', a) FROM VALUES "
                   "('a5cf6c42-0c85-418f-af6c-3e4e5b1328f2'), ('bad'), (NULL), ('1-2-3-4-5-6') AS t(a)",
    "try_invalid": "SELECT try_reflect('java.util.UUID', 'fromString', 'bad')",
    "require_true": "SELECT reflect('scala.Predef', 'require', true)",
    "try_require_false": "SELECT try_reflect('scala.Predef', 'require', false)",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reflect(spark, request, name):
    golden.check(request, name, spark.sql(CASES[name]))


def test_reflect_errors(spark, request):
    golden.check_error(request, "class_not_literal",
                       lambda: spark.sql("SELECT reflect(a, 'fromString', 'x') FROM VALUES ('java.util.UUID') t(a)")
                       .collect(), params=False)


def test_reflect_unsupported_method_is_named(spark):
    """sk8's own behaviour (Spark runs the method): the refusal names it."""
    if golden._target == "spark":
        pytest.skip("real Spark calls java.lang.Math.abs")
    from pyspark.errors import PySparkException

    with pytest.raises(PySparkException) as raised:
        spark.sql("SELECT reflect('java.lang.Math', 'abs', -3)").collect()
    assert "UNSUPPORTED" in str(raised.value) and "java.lang.Math.abs" in str(raised.value)
