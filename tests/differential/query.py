"""Differential queries as data: a source table and a list of operations, with
expressions as nested lists. One query renders three ways: PySpark DataFrame calls
(`build_df`), Spark SQL text (`to_sql`), and readable Python code (`to_python`).

Expressions:
  ["col", name]                 a column of the current input
  ["lit", value, type]          a literal (value None: a typed NULL)
  ["bin", op, left, right]      op: + - * / %  = != < <= > >=  and or
  ["not", e]
  ["cast", e, type]             type: int bigint double string boolean
Operations (applied in order to the source table):
  {"op": "filter", "cond": e}
  {"op": "select", "items": [[e, alias or None], ...]}     (None: Spark's own name;
                                                           only in a final select)
  {"op": "withColumn", "name": n, "expr": e}
  {"op": "agg", "keys": [column, ...], "aggs": [[fn, e, alias or None], ...]}
                                 fn: count sum avg min max; no keys: global aggregate
  {"op": "orderBy", "keys": [[column, "asc" | "desc"], ...]}   (last, or before limit)
  {"op": "limit", "n": k}                                        (only after orderBy)
A query: {"mode": "dataframe" | "sql", "source": table name, "ops": [...]}.
"""

from __future__ import annotations

import math

ARITH = ["+", "-", "*", "/", "%"]
COMPARE = ["=", "!=", "<", "<=", ">", ">="]
LOGIC = ["and", "or"]
AGGS = ["count", "sum", "avg", "min", "max"]
NUMERIC = ["int", "bigint", "double"]
SQL_TYPE = {"int": "INT", "bigint": "BIGINT", "double": "DOUBLE", "string": "STRING", "boolean": "BOOLEAN"}


class InvalidQuery(ValueError):
    """The query refers to a column its input does not have (e.g. after reduction)."""


# --- types ---------------------------------------------------------------------

def promote(a: str, b: str) -> str:
    order = {"int": 0, "bigint": 1, "double": 2}
    return a if order.get(a, 3) >= order.get(b, 3) else b


def expr_type(e: list, cols: dict[str, str]) -> str:
    kind = e[0]
    if kind == "col":
        if e[1] not in cols:
            raise InvalidQuery(f"no column {e[1]!r}")
        return cols[e[1]]
    if kind == "lit":
        return e[2]
    if kind == "cast":
        expr_type(e[1], cols)
        return e[2]
    if kind == "not":
        expr_type(e[1], cols)
        return "boolean"
    if kind == "bin":
        lt, rt = expr_type(e[2], cols), expr_type(e[3], cols)
        op = e[1]
        if op in COMPARE or op in LOGIC:
            return "boolean"
        if op == "/":
            return "double"
        return promote(lt, rt)
    raise InvalidQuery(f"unknown expression {e!r}")


def agg_type(fn: str, arg_type: str) -> str:
    if fn == "count":
        return "bigint"
    if fn == "avg":
        return "double"
    if fn == "sum":
        return "double" if arg_type == "double" else "bigint"
    return arg_type


def is_ordered(q: dict) -> bool:
    ops = [o["op"] for o in q["ops"]]
    return bool(ops) and (ops[-1] == "orderBy" or ops[-2:] == ["orderBy", "limit"])


def output_columns(q: dict, tables: dict) -> list[tuple[str, str]]:
    """(name, coarse type) of each output column; raises InvalidQuery if the query does
    not fit its tables (unaliased final select columns get the name None)."""
    if q["source"] not in tables:
        raise InvalidQuery(f"no table {q['source']!r}")
    cols = [(n, t) for n, t in tables[q["source"]]["schema"]]
    ops = q["ops"]
    for i, op in enumerate(ops):
        env = dict(cols)
        kind = op["op"]
        if kind == "filter":
            expr_type(op["cond"], env)
        elif kind == "select":
            if not op["items"]:
                raise InvalidQuery("empty select")
            if any(a is None for _, a in op["items"]) and i != len(ops) - 1:
                raise InvalidQuery("unaliased select items only in the final select")
            cols = [(a, expr_type(e, env)) for e, a in op["items"]]
        elif kind == "withColumn":
            t = expr_type(op["expr"], env)
            names = [n for n, _ in cols]
            cols = [(n, t if n == op["name"] else ct) for n, ct in cols] if op["name"] in names \
                else cols + [(op["name"], t)]
        elif kind == "agg":
            for k in op["keys"]:
                if k not in env:
                    raise InvalidQuery(f"no column {k!r}")
            if not op["aggs"]:
                raise InvalidQuery("no aggregates")
            if any(a is None for _, _, a in op["aggs"]) and i != len(ops) - 1:
                raise InvalidQuery("unaliased aggregates only in the final operation")
            cols = [(k, env[k]) for k in op["keys"]] + \
                   [(a, agg_type(fn, expr_type(e, env))) for fn, e, a in op["aggs"]]
        elif kind == "orderBy":
            if not op["keys"] or any(k not in env for k, _ in op["keys"]):
                raise InvalidQuery("bad orderBy keys")
            if i < len(ops) - 2 or (i == len(ops) - 2 and ops[-1]["op"] != "limit"):
                raise InvalidQuery("orderBy must be last (or before limit)")
        elif kind == "limit":
            if i == 0 or ops[i - 1]["op"] != "orderBy":
                raise InvalidQuery("limit only after orderBy")
        else:
            raise InvalidQuery(f"unknown operation {kind!r}")
        names = [n for n, _ in cols if n is not None]
        if len(set(names)) != len(names):
            raise InvalidQuery("duplicate column names")
    return cols


# --- DataFrame -------------------------------------------------------------------

def column(e: list):
    from pyspark.sql import functions as F

    kind = e[0]
    if kind == "col":
        return F.col(e[1])
    if kind == "lit":
        v, t = e[1], e[2]
        if v is None or (t == "bigint" and -2**31 <= v < 2**31):
            return F.lit(v).cast(t)
        return F.lit(v)
    if kind == "cast":
        return column(e[1]).cast(e[2])
    if kind == "not":
        return ~column(e[1])
    op, a, b = e[1], column(e[2]), column(e[3])
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "%": lambda: a % b, "=": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b,
            "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b, "and": lambda: a & b,
            "or": lambda: a | b}[op]()


def agg_column(fn: str, e: list):
    from pyspark.sql import functions as F
    return getattr(F, fn)(column(e))


def build_df(dfs: dict, q: dict):
    """The DataFrame of a dataframe-mode query over `dfs` (table name -> DataFrame)."""
    df = dfs[q["source"]]
    for op in q["ops"]:
        kind = op["op"]
        if kind == "filter":
            df = df.filter(column(op["cond"]))
        elif kind == "select":
            df = df.select(*[column(e) if a is None else column(e).alias(a) for e, a in op["items"]])
        elif kind == "withColumn":
            df = df.withColumn(op["name"], column(op["expr"]))
        elif kind == "agg":
            aggs = [agg_column(fn, e) if a is None else agg_column(fn, e).alias(a) for fn, e, a in op["aggs"]]
            df = df.groupBy(*op["keys"]).agg(*aggs)
        elif kind == "orderBy":
            from pyspark.sql import functions as F
            df = df.orderBy(*[F.col(k).asc() if d == "asc" else F.col(k).desc() for k, d in op["keys"]])
        elif kind == "limit":
            df = df.limit(op["n"])
    return df


# --- SQL ---------------------------------------------------------------------------

def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def sql_literal(v, t: str) -> str:
    if v is None:
        return f"CAST(NULL AS {SQL_TYPE[t]})"
    if t == "boolean":
        return "TRUE" if v else "FALSE"
    if t == "string":
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if t == "double":
        if math.isnan(v) or math.isinf(v):
            return f"CAST('{'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')}' AS DOUBLE)"
        return f"({v!r}D)" if v < 0 or (v == 0 and math.copysign(1, v) < 0) else f"{v!r}D"
    return f"CAST({v} AS {SQL_TYPE[t]})" if v < 0 or t == "bigint" else str(v)


def sql_expr(e: list) -> str:
    kind = e[0]
    if kind == "col":
        return _ident(e[1])
    if kind == "lit":
        return sql_literal(e[1], e[2])
    if kind == "cast":
        return f"CAST({sql_expr(e[1])} AS {SQL_TYPE[e[2]]})"
    if kind == "not":
        return f"(NOT {sql_expr(e[1])})"
    op = {"and": "AND", "or": "OR", "!=": "<>"}.get(e[1], e[1])
    return f"({sql_expr(e[2])} {op} {sql_expr(e[3])})"


def to_sql(q: dict, tables: dict) -> str:
    cur = f"SELECT * FROM {q['source']}"
    cols = [n for n, _ in tables[q["source"]]["schema"]]
    ops = q["ops"]
    i = 0
    while i < len(ops):
        op = ops[i]
        kind = op["op"]
        if kind == "filter":
            cur = f"SELECT * FROM ({cur}) WHERE {sql_expr(op['cond'])}"
        elif kind == "select":
            items = [sql_expr(e) if a is None else f"{sql_expr(e)} AS {_ident(a)}" for e, a in op["items"]]
            cur = f"SELECT {', '.join(items)} FROM ({cur})"
            cols = [a for _, a in op["items"]]
        elif kind == "withColumn":
            new = f"{sql_expr(op['expr'])} AS {_ident(op['name'])}"
            if op["name"] in cols:
                items = [new if c == op["name"] else _ident(c) for c in cols]
            else:
                items = [_ident(c) for c in cols] + [new]
                cols = cols + [op["name"]]
            cur = f"SELECT {', '.join(items)} FROM ({cur})"
        elif kind == "agg":
            aggs = [f"{fn}({sql_expr(e)})" + ("" if a is None else f" AS {_ident(a)}") for fn, e, a in op["aggs"]]
            keys = [_ident(k) for k in op["keys"]]
            cur = f"SELECT {', '.join(keys + aggs)} FROM ({cur})" + (f" GROUP BY {', '.join(keys)}" if keys else "")
            cols = list(op["keys"]) + [a for _, _, a in op["aggs"]]
        elif kind == "orderBy":
            order = ", ".join(f"{_ident(k)} {d.upper()}" for k, d in op["keys"])
            cur = f"SELECT * FROM ({cur}) ORDER BY {order}"
            if i + 1 < len(ops) and ops[i + 1]["op"] == "limit":
                cur += f" LIMIT {ops[i + 1]['n']}"
                i += 1
        i += 1
    return cur


# --- readable Python -----------------------------------------------------------------

def py_expr(e: list) -> str:
    kind = e[0]
    if kind == "col":
        return f"F.col({e[1]!r})"
    if kind == "lit":
        v, t = e[1], e[2]
        lit = f"F.lit({'float(' + repr(repr(v)) + ')' if isinstance(v, float) and not math.isfinite(v) else repr(v)})"
        return f"{lit}.cast({t!r})" if v is None or (t == "bigint" and -2**31 <= v < 2**31) else lit
    if kind == "cast":
        return f"{py_expr(e[1])}.cast({e[2]!r})"
    if kind == "not":
        return f"~{py_expr(e[1])}"
    op = {"=": "==", "and": "&", "or": "|"}.get(e[1], e[1])
    return f"({py_expr(e[2])} {op} {py_expr(e[3])})"


def to_python(q: dict) -> str:
    parts = [q["source"]]
    for op in q["ops"]:
        kind = op["op"]
        if kind == "filter":
            parts.append(f".filter({py_expr(op['cond'])})")
        elif kind == "select":
            items = [py_expr(e) if a is None else f"{py_expr(e)}.alias({a!r})" for e, a in op["items"]]
            parts.append(f".select({', '.join(items)})")
        elif kind == "withColumn":
            parts.append(f".withColumn({op['name']!r}, {py_expr(op['expr'])})")
        elif kind == "agg":
            aggs = [f"F.{fn}({py_expr(e)})" + ("" if a is None else f".alias({a!r})") for fn, e, a in op["aggs"]]
            parts.append(f".groupBy({', '.join(map(repr, op['keys']))}).agg({', '.join(aggs)})")
        elif kind == "orderBy":
            parts.append(f".orderBy({', '.join(f'F.col({k!r}).{d}()' for k, d in op['keys'])})")
        elif kind == "limit":
            parts.append(f".limit({op['n']})")
    return "\n    ".join(parts)
