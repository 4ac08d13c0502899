"""Random tables for the differential fuzzer: nulls, NaN, infinities, -0.0, integer
extremes, empty strings, skewed keys and empty tables, all from one seeded RNG.

A table is {"schema": [[name, type], ...], "rows": [[v, ...], ...]} with types from
TYPES; values are plain Python values (floats may be NaN/inf). Use `to_json`/`from_json`
to store them (JSON has no NaN).
"""

from __future__ import annotations

import math
import random

TYPES = ["int", "bigint", "double", "string", "boolean"]
INT_EXTREMES = [2**31 - 1, -2**31, 0, -1, 1]
BIGINT_EXTREMES = [2**63 - 1, -2**63, 0, -1, 1, 2**31, -2**31 - 1]
DOUBLE_SPECIALS = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e308, -1e308, 5e-324, 1.0, -1.5]
STRINGS = ["", "a", "b", "A", "ab", "a b", "é", "Z", "ä", "  ", "NULL", "0", "12", "-3", "1.5", "true"]


def _value(rng: random.Random, typ: str, null_rate: float, extreme_rate: float):
    if rng.random() < null_rate:
        return None
    extreme = rng.random() < extreme_rate
    if typ == "int":
        return rng.choice(INT_EXTREMES) if extreme else rng.randint(-20, 20)
    if typ == "bigint":
        return rng.choice(BIGINT_EXTREMES) if extreme else rng.randint(-1000, 1000)
    if typ == "double":
        return rng.choice(DOUBLE_SPECIALS) if extreme else round(rng.uniform(-100, 100), rng.choice([0, 1, 2, 6]))
    if typ == "string":
        return rng.choice(STRINGS)
    if typ == "boolean":
        return rng.random() < 0.5
    raise ValueError(typ)


def _key(rng: random.Random, typ: str, skew: float):
    """A grouping key: mostly one hot value when skewed, else a few distinct values."""
    if rng.random() < 0.1:
        return None
    hot = rng.random() < skew
    if typ in ("int", "bigint"):
        return 7 if hot else rng.randint(0, 4)
    if typ == "string":
        return "hot" if hot else rng.choice(["k0", "k1", "k2", ""])
    if typ == "boolean":
        return True if hot else rng.random() < 0.5
    return 1.5 if hot else rng.choice([0.0, -0.0, 2.5, math.nan])


def _like(rng: random.Random, typ: str) -> str:
    """The same type, or its integer sibling (int <-> bigint) now and then."""
    if typ in ("int", "bigint") and rng.random() < 0.3:
        return "bigint" if typ == "int" else "int"
    return typ


def table(rng: random.Random, name: str, like: dict | None = None) -> dict:
    """A random table; `like`: another table whose column types this one tends to share
    (so that joins find keys and set operations line up)."""
    n_cols = rng.randint(2, 5)
    schema = [["k", rng.choice(["int", "bigint", "string", "boolean", "double"])]]
    for i in range(1, n_cols):
        schema.append([f"{'abcdefgh'[i - 1]}", rng.choice(TYPES)])
    if like is not None:
        for i, (_, typ) in enumerate(like["schema"][:n_cols]):
            if rng.random() < (0.7 if i == 0 else 0.5):
                schema[i][1] = _like(rng, typ)
    n_rows = rng.choice([0, 1, 2, 3, 5, 8, 13, 30, 100])
    null_rate = rng.choice([0.0, 0.1, 0.3])
    extreme_rate = rng.choice([0.0, 0.05, 0.2])
    skew = rng.choice([0.0, 0.5, 0.9])
    rows = []
    for _ in range(n_rows):
        row = [_key(rng, schema[0][1], skew)]
        row += [_value(rng, t, null_rate, extreme_rate) for _, t in schema[1:]]
        rows.append(row)
    return {"schema": schema, "rows": rows}


def tables(rng: random.Random, count: int = 2) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i in range(count):
        out[f"t{i}"] = table(rng, f"t{i}", out["t0"] if i else None)
    return out


def spark_schema(t: dict):
    from pyspark.sql.types import (BooleanType, DoubleType, IntegerType, LongType, StringType, StructField,
                                   StructType)
    types = {"int": IntegerType(), "bigint": LongType(), "double": DoubleType(), "string": StringType(),
             "boolean": BooleanType()}
    return StructType([StructField(n, types[ty], True) for n, ty in t["schema"]])


def dataframe(spark, t: dict):
    return spark.createDataFrame([tuple(r) for r in t["rows"]], spark_schema(t))


# --- JSON with non-finite floats -------------------------------------------------

def enc(v):
    """A JSON-safe form of a value (NaN, infinities and -0.0 become {"double": text})."""
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v) or (v == 0.0 and math.copysign(1, v) < 0)):
        return {"double": "NaN" if math.isnan(v) else repr(v).replace("inf", "Infinity")}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {k: enc(x) for k, x in v.items()}
    return v


def dec(v):
    if isinstance(v, dict) and set(v) == {"double"}:
        return float(v["double"].replace("Infinity", "inf"))
    if isinstance(v, list):
        return [dec(x) for x in v]
    if isinstance(v, dict):
        return {k: dec(x) for k, x in v.items()}
    return v
