"""Differential queries as data: a source table and a list of operations, with
expressions as nested lists. One query renders three ways: PySpark DataFrame calls
(`build_df`), Spark SQL text (`to_sql`), and readable Python code (`to_python`).

Expressions:
  ["col", name]                 a column of the current input
  ["qcol", "l" | "r", name]     in a join condition: a column of the left / right input
  ["outer", name]               in a subquery: a column of the outer query
  ["lit", value, type]          a literal (value None: a typed NULL)
  ["bin", op, left, right]      op: + - * / %  = != < <= > >= <=>  and or
  ["not", e]
  ["cast", e, type]             type: int bigint double string boolean
  ["in_sub", e, sub, negated]   e [NOT] IN (SELECT sub.select FROM ... WHERE sub.where)  (SQL only)
  ["exists", sub, negated]      [NOT] EXISTS (SELECT * FROM ... WHERE sub.where)         (SQL only)
  ["scalar", sub]               (SELECT fn(arg) FROM ... WHERE sub.where)  sub.agg = [fn, arg]  (SQL only)
A subquery `sub` is {"source": table, "where": e or None, "select": e, "agg": [fn, e]}; its
["col"] are columns of its table, its ["outer"] columns of the query around it (in a
filter: the filter's input; in HAVING: the grouping keys).

Operations (applied in order to the source table):
  {"op": "filter", "cond": e}
  {"op": "select", "items": [[e, alias or None], ...]}     (None: Spark's own name;
                                                           only in a final select)
  {"op": "withColumn", "name": n, "expr": e}
  {"op": "agg", "keys": [column, ...], "aggs": [[fn, e, alias or None], ...], "having": e?}
                                 fn: count sum avg min max; no keys: global aggregate;
                                 `having` (over keys and aliases): HAVING / .filter after
  {"op": "orderBy", "keys": [[column, "asc" | "desc"], ...]}   (last, or before limit)
  {"op": "limit", "n": k}                                        (only after orderBy)
  {"op": "join", "right": rel, "how": inner|left|right|full|semi|anti|cross,
   "using": [column, ...] or None, "cond": e or None (over qcol), "prefix": "r_",
   "name": how as PySpark spells it (or None: the default), "df": DataFrame form,
   "rename": how the DataFrame form renames the right side, "sql": SQL form,
   "sql_kw": SQL join keyword, "sql_sel": "star" | "list"}
        output: the left columns, then the right ones renamed prefix + name; with
        `using`: the keys first (right's for a right join, coalesced for a full one),
        then the other left columns, then the other right ones (prefixed); semi and
        anti joins give the left columns only.
        df: "using_list" on=[...], "using_str" on="k", "expr" a Column over renamed
        columns, "bound" left["x"] == right["r_y"], "alias" left.alias("l") /
        right.alias("r") with F.col("l.x") then a select, "crossJoin", "nocond".
        sql: "on" (JOIN ... ON), "using" (JOIN ... USING), "comma" (FROM l, r WHERE).
  {"op": "setop", "kind": union|intersect|except, "all": bool, "by_name": bool,
   "allow_missing": bool, "right": rel, "df": method, "sql_kw": keyword}
        positional (types widened), or by name (unionByName [allowMissingColumns]);
        DISTINCT ones: union().distinct(), intersect, subtract; ALL ones: union/unionAll,
        intersectAll, exceptAll; SQL UNION/INTERSECT/EXCEPT/MINUS [ALL|DISTINCT].
  {"op": "distinct", "df": "distinct" | "dropDuplicates" | "drop_duplicates", "sql_star": bool}
                                 (SQL: SELECT DISTINCT * or the column list)
  {"op": "dropDuplicates", "subset": [column, ...]}
        the other columns then hold an arbitrary row's values: only a later select may
        drop them; anything else reading them makes the query invalid.
A relation `rel` (right side of a join or set operation) is {"source": table, "ops": [...]}.
A query: {"mode": "dataframe" | "sql", "source": table name, "ops": [...], "shape": ...,
"cte": bool (SQL: every stage a WITH common table expression)}.
"""

from __future__ import annotations

import math

ARITH = ["+", "-", "*", "/", "%"]
COMPARE = ["=", "!=", "<", "<=", ">", ">="]
LOGIC = ["and", "or"]
AGGS = ["count", "sum", "avg", "min", "max"]
NUMERIC = ["int", "bigint", "double"]
SQL_TYPE = {"int": "INT", "bigint": "BIGINT", "double": "DOUBLE", "string": "STRING", "boolean": "BOOLEAN"}
HOWS = ["inner", "left", "right", "full", "semi", "anti", "cross"]
# How PySpark's DataFrame.join spells each join type (all accepted by Spark).
JOIN_NAMES = {"inner": ["inner"], "left": ["left", "leftouter", "left_outer"],
              "right": ["right", "rightouter", "right_outer"],
              "full": ["full", "fullouter", "full_outer", "outer"],
              "semi": ["semi", "leftsemi", "left_semi"], "anti": ["anti", "leftanti", "left_anti"],
              "cross": ["cross"]}
SQL_JOIN = {"inner": ["JOIN", "INNER JOIN"], "left": ["LEFT JOIN", "LEFT OUTER JOIN"],
            "right": ["RIGHT JOIN", "RIGHT OUTER JOIN"], "full": ["FULL JOIN", "FULL OUTER JOIN"],
            "semi": ["SEMI JOIN", "LEFT SEMI JOIN"], "anti": ["ANTI JOIN", "LEFT ANTI JOIN"],
            "cross": ["CROSS JOIN"]}
SETOP_DF = {("union", True): ["union", "unionAll"], ("union", False): ["union"],
            ("intersect", False): ["intersect"], ("intersect", True): ["intersectAll"],
            ("except", False): ["subtract"], ("except", True): ["exceptAll"]}
SETOP_SQL = {("union", True): ["UNION ALL"], ("union", False): ["UNION", "UNION DISTINCT"],
             ("intersect", False): ["INTERSECT", "INTERSECT DISTINCT"], ("intersect", True): ["INTERSECT ALL"],
             ("except", False): ["EXCEPT", "EXCEPT DISTINCT", "MINUS", "MINUS DISTINCT"],
             ("except", True): ["EXCEPT ALL", "MINUS ALL"]}


class InvalidQuery(ValueError):
    """The query refers to a column its input does not have (e.g. after reduction)."""


# --- types ---------------------------------------------------------------------

def promote(a: str, b: str) -> str:
    order = {"int": 0, "bigint": 1, "double": 2}
    return a if order.get(a, 3) >= order.get(b, 3) else b


def compatible(a: str, b: str) -> bool:
    """Types Spark compares / unions without a string or boolean coercion."""
    return (a in NUMERIC and b in NUMERIC) or a == b


def unify(a: str, b: str) -> str:
    if not compatible(a, b):
        raise InvalidQuery(f"incompatible types {a} and {b}")
    return promote(a, b) if a in NUMERIC else a


def _plain(cols: dict) -> dict:
    return {n: t for n, t in cols.items() if "." not in n}


def sub_env(sub: dict, tables: dict, outer: dict) -> dict:
    """Names a subquery's expressions see: its table's columns and outer.<name>."""
    if sub.get("source") not in tables:
        raise InvalidQuery(f"no table {sub.get('source')!r}")
    env = {n: t for n, t in tables[sub["source"]]["schema"]}
    env.update({f"outer.{n}": t for n, t in outer.items()})
    return env


def expr_type(e: list, cols: dict[str, str], tables: dict | None = None, outer: dict | None = None) -> str:
    """The coarse type of e over `cols` (plain names, "l.x"/"r.x" for join conditions,
    "outer.x" inside subqueries); `outer`: what a subquery in e may correlate with
    (default: the plain columns)."""
    kind = e[0]
    if kind == "col":
        if e[1] not in cols:
            raise InvalidQuery(f"no column {e[1]!r}")
        return cols[e[1]]
    if kind == "qcol":
        if f"{e[1]}.{e[2]}" not in cols:
            raise InvalidQuery(f"no column {e[1]}.{e[2]}")
        return cols[f"{e[1]}.{e[2]}"]
    if kind == "outer":
        if f"outer.{e[1]}" not in cols:
            raise InvalidQuery(f"no outer column {e[1]!r}")
        return cols[f"outer.{e[1]}"]
    if kind == "lit":
        return e[2]
    if kind == "cast":
        expr_type(e[1], cols, tables, outer)
        return e[2]
    if kind == "not":
        expr_type(e[1], cols, tables, outer)
        return "boolean"
    if kind == "bin":
        lt, rt = expr_type(e[2], cols, tables, outer), expr_type(e[3], cols, tables, outer)
        op = e[1]
        if op in COMPARE or op in LOGIC or op == "<=>":
            return "boolean"
        if op == "/":
            return "double"
        if op not in ARITH:
            raise InvalidQuery(f"unknown operator {op!r}")
        return promote(lt, rt)
    if kind in ("in_sub", "exists", "scalar"):
        if tables is None or any(k.startswith("outer.") for k in cols):
            raise InvalidQuery("subqueries only at the top of a filter or HAVING (not nested)")
        sub = e[2] if kind == "in_sub" else e[1]
        env = sub_env(sub, tables, _plain(cols) if outer is None else outer)
        inner = {n: t for n, t in env.items() if "." not in n}
        if sub.get("where") is not None:
            _boolean(expr_type(sub["where"], env))
        if kind == "in_sub":
            lt = expr_type(e[1], cols, tables, outer)
            if not compatible(lt, expr_type(sub["select"], inner)):
                raise InvalidQuery("IN subquery of another type")
            return "boolean"
        if kind == "exists":
            return "boolean"
        fn, arg = sub["agg"]
        return agg_type(fn, expr_type(arg, inner))
    raise InvalidQuery(f"unknown expression {e!r}")


def expr_cols(e) -> set:
    """Plain column names an expression reads (not inside subqueries)."""
    if not isinstance(e, list) or not e:
        return set()
    if e[0] == "col":
        return {e[1]}
    if e[0] in ("bin",):
        return expr_cols(e[2]) | expr_cols(e[3])
    if e[0] in ("not", "cast", "in_sub"):
        return expr_cols(e[1])
    return set()


def agg_type(fn: str, arg_type: str) -> str:
    if fn == "count":
        return "bigint"
    if fn == "avg":
        return "double"
    if fn == "sum":
        return "double" if arg_type == "double" else "bigint"
    if fn not in AGGS:
        raise InvalidQuery(f"unknown aggregate {fn!r}")
    return arg_type


def is_ordered(q: dict) -> bool:
    ops = [o["op"] for o in q["ops"]]
    return bool(ops) and (ops[-1] == "orderBy" or ops[-2:] == ["orderBy", "limit"])


def tables_used(q: dict) -> set[str]:
    """Every table a query reads (source, join and set operation inputs, subqueries)."""
    used = {q["source"]}

    def in_expr(e):
        if not isinstance(e, list) or not e:
            return
        if e[0] in ("in_sub", "exists", "scalar"):
            used.add((e[2] if e[0] == "in_sub" else e[1])["source"])
        for x in e[1:]:
            in_expr(x)
    for op in q["ops"]:
        if "right" in op:
            used |= tables_used(op["right"])
        for key in ("cond", "expr", "having", "items", "aggs"):
            if op.get(key) is not None:
                in_expr(op[key])
    return used


def shape_of(q: dict) -> str:
    """The shape a query has (whatever it was generated as): subqueries if it has a
    subquery, else joins if it joins, else setops if it has a set operation, distinct or
    dropDuplicates, else basic."""
    text = repr(q)
    if any(f"'{k}'" in text for k in ("in_sub", "exists", "scalar")):
        return "subqueries"
    ops = []
    stack = [q]
    while stack:
        rel = stack.pop()
        for op in rel["ops"]:
            ops.append(op["op"])
            if "right" in op:
                stack.append(op["right"])
    if "join" in ops:
        return "joins"
    if {"setop", "distinct", "dropDuplicates"} & set(ops):
        return "setops"
    return "basic"


def join_key_type(how: str, lt: str, rt: str) -> str:
    if how == "right":
        return rt
    if how == "full":
        return unify(lt, rt)
    return lt


def output_columns(q: dict, tables: dict) -> list[tuple[str, str]]:
    """(name, coarse type) of each output column; raises InvalidQuery if the query does
    not fit its tables (unaliased final select columns get the name None)."""
    cols, tainted = _relation(q, tables)
    if tainted:
        raise InvalidQuery(f"columns {sorted(tainted)} hold an arbitrary row's values after dropDuplicates")
    return cols


def _relation(q: dict, tables: dict) -> tuple[list[tuple[str, str]], set]:
    if q.get("source") not in tables:
        raise InvalidQuery(f"no table {q.get('source')!r}")
    cols = [(n, t) for n, t in tables[q["source"]]["schema"]]
    tainted: set = set()
    ops = q["ops"]

    def reads(*exprs):
        for e in exprs:
            if expr_cols(e) & tainted:
                raise InvalidQuery("reads a column dropDuplicates left arbitrary")

    for i, op in enumerate(ops):
        env = dict(cols)
        kind = op["op"]
        if kind == "filter":
            _boolean(expr_type(op["cond"], env, tables))
            reads(op["cond"])
        elif kind == "select":
            if not op["items"]:
                raise InvalidQuery("empty select")
            if any(a is None for _, a in op["items"]) and i != len(ops) - 1:
                raise InvalidQuery("unaliased select items only in the final select")
            for e, _ in op["items"]:
                if e[0] != "col":
                    reads(e)
            tainted = {a for e, a in op["items"] if e[0] == "col" and e[1] in tainted}
            cols = [(a, expr_type(e, env, tables)) for e, a in op["items"]]
        elif kind == "withColumn":
            reads(op["expr"])
            t = expr_type(op["expr"], env, tables)
            names = [n for n, _ in cols]
            tainted.discard(op["name"])
            cols = [(n, t if n == op["name"] else ct) for n, ct in cols] if op["name"] in names \
                else cols + [(op["name"], t)]
        elif kind == "agg":
            for k in op["keys"]:
                if k not in env:
                    raise InvalidQuery(f"no column {k!r}")
            if not op["aggs"]:
                raise InvalidQuery("no aggregates")
            if any(a is None for _, _, a in op["aggs"]) and (i != len(ops) - 1 or op.get("having") is not None):
                raise InvalidQuery("unaliased aggregates only in the final operation")
            reads(*[["col", k] for k in op["keys"]], *[e for _, e, _ in op["aggs"]])
            cols = [(k, env[k]) for k in op["keys"]] + \
                   [(a, agg_type(fn, expr_type(e, env))) for fn, e, a in op["aggs"]]
            if op.get("having") is not None:
                if any(a in env and a not in op["keys"] for _, _, a in op["aggs"]):
                    raise InvalidQuery("HAVING over an alias that shadows an input column")
                _boolean(expr_type(op["having"], dict(cols), tables, outer={k: env[k] for k in op["keys"]}))
            tainted = set()
        elif kind == "orderBy":
            if not op["keys"] or any(k not in env for k, _ in op["keys"]):
                raise InvalidQuery("bad orderBy keys")
            reads(*[["col", k] for k, _ in op["keys"]])
            if i < len(ops) - 2 or (i == len(ops) - 2 and ops[-1]["op"] != "limit"):
                raise InvalidQuery("orderBy must be last (or before limit)")
        elif kind == "limit":
            if i == 0 or ops[i - 1]["op"] != "orderBy":
                raise InvalidQuery("limit only after orderBy")
        elif kind == "distinct":
            if tainted:
                raise InvalidQuery("distinct over arbitrary values")
        elif kind == "dropDuplicates":
            if not op["subset"] or any(k not in env for k in op["subset"]):
                raise InvalidQuery("bad dropDuplicates subset")
            reads(*[["col", k] for k in op["subset"]])
            tainted |= {n for n, _ in cols if n not in op["subset"]}
        elif kind == "join":
            if tainted:
                raise InvalidQuery("join over arbitrary values")
            cols = _join_columns(op, cols, output_columns(op["right"], tables), tables)
        elif kind == "setop":
            if tainted:
                raise InvalidQuery("set operation over arbitrary values")
            cols = _setop_columns(op, cols, output_columns(op["right"], tables))
        else:
            raise InvalidQuery(f"unknown operation {kind!r}")
        names = [n for n, _ in cols if n is not None]
        if len(set(names)) != len(names):
            raise InvalidQuery("duplicate column names")
    return cols, tainted


def _boolean(t: str) -> None:
    if t != "boolean":
        raise InvalidQuery(f"a condition of type {t}")


def _join_columns(op: dict, lc: list, rc: list, tables: dict) -> list:
    how, using, prefix = op["how"], op.get("using"), op["prefix"]
    if how not in HOWS:
        raise InvalidQuery(f"unknown join type {how!r}")
    if any(n is None for n, _ in lc + rc):
        raise InvalidQuery("unnamed join input")
    lenv, renv = dict(lc), dict(rc)
    left_names = set(lenv)
    if using:
        if op.get("cond") is not None or how == "cross" or len(set(using)) != len(using):
            raise InvalidQuery("USING takes no condition")
        for k in using:
            if k not in lenv or k not in renv or not compatible(lenv[k], renv[k]):
                raise InvalidQuery(f"bad USING key {k!r}")
        keys = [(k, join_key_type(how, lenv[k], renv[k])) for k in using]
        lrest = [(n, t) for n, t in lc if n not in using]
        rrest = [(prefix + n, t) for n, t in rc if n not in using]
        if left_names & {n for n, _ in rrest}:
            raise InvalidQuery("renamed right column clashes with a left one")
        return keys + lrest + ([] if how in ("semi", "anti") else rrest)
    renamed = [(prefix + n, t) for n, t in rc]
    if left_names & {n for n, _ in renamed}:
        raise InvalidQuery("renamed right column clashes with a left one")
    if op.get("cond") is not None:
        env = {f"l.{n}": t for n, t in lc}
        env.update({f"r.{n}": t for n, t in rc})
        _boolean(expr_type(op["cond"], env))
    elif op["df"] not in ("crossJoin", "nocond") or op["sql"] == "using":
        raise InvalidQuery("join without condition needs a condition-free form")
    if op["df"] in ("using_list", "using_str") or op["sql"] == "using":
        raise InvalidQuery("USING form without keys")
    if op["sql"] == "comma" and how not in ("inner", "cross"):
        raise InvalidQuery("comma joins are inner joins")
    return lc + ([] if how in ("semi", "anti") else renamed)


def _setop_columns(op: dict, lc: list, rc: list) -> list:
    if op["kind"] not in ("union", "intersect", "except"):
        raise InvalidQuery(f"unknown set operation {op['kind']!r}")
    if any(n is None for n, _ in lc + rc):
        raise InvalidQuery("unnamed set operation input")
    if op.get("by_name"):
        if op["kind"] != "union":
            raise InvalidQuery("by name: union only")
        renv = dict(rc)
        lnames = [n for n, _ in lc]
        if not op.get("allow_missing") and set(lnames) != set(renv):
            raise InvalidQuery("unionByName over other names")
        out = [(n, unify(t, renv[n]) if n in renv else t) for n, t in lc]
        return out + [(n, t) for n, t in rc if n not in lnames]
    if len(lc) != len(rc):
        raise InvalidQuery("set operation over different column counts")
    return [(n, unify(lt, rt)) for (n, lt), (_, rt) in zip(lc, rc)]


# --- DataFrame -------------------------------------------------------------------

def _no_qualifier(q, n):
    raise InvalidQuery(f"{q}.{n} outside a join condition")


def column(e: list, ref=_no_qualifier):
    """The Column of e; ref(qualifier, name) gives the Column of a ["qcol", ...]."""
    from pyspark.sql import functions as F

    kind = e[0]
    if kind == "col":
        return F.col(e[1])
    if kind == "qcol":
        return ref(e[1], e[2])
    if kind == "lit":
        v, t = e[1], e[2]
        if v is None or (t == "bigint" and -2**31 <= v < 2**31):
            return F.lit(v).cast(t)
        return F.lit(v)
    if kind == "cast":
        return column(e[1], ref).cast(e[2])
    if kind == "not":
        return ~column(e[1], ref)
    if kind != "bin":
        raise InvalidQuery(f"{kind} only in SQL")
    op, a, b = e[1], column(e[2], ref), column(e[3], ref)
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "%": lambda: a % b, "=": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b,
            "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b, "and": lambda: a & b,
            "or": lambda: a | b, "<=>": lambda: a.eqNullSafe(b)}[op]()


def agg_column(fn: str, e: list):
    from pyspark.sql import functions as F
    return getattr(F, fn)(column(e))


def _rename_df(df, op: dict, names: list[str]):
    """The right input of a join with its columns renamed prefix + name (USING keys kept)."""
    from pyspark.sql import functions as F

    keep = set(op.get("using") or [])
    new = {n: n if n in keep else op["prefix"] + n for n in names}
    how = op.get("rename", "select")
    if how == "toDF":
        return df.toDF(*[new[n] for n in names])
    if how == "withColumnsRenamed":
        return df.withColumnsRenamed({n: m for n, m in new.items() if n != m})
    if how == "withColumnRenamed":
        for n in names:
            if new[n] != n:
                df = df.withColumnRenamed(n, new[n])
        return df
    return df.select(*[F.col(n).alias(new[n]) if new[n] != n else F.col(n) for n in names])


def _join_df(left, right, op: dict, lnames: list[str], rnames: list[str]):
    from pyspark.sql import functions as F

    how, style, prefix = op["how"], op["df"], op["prefix"]
    extra = [] if op.get("name") is None else [op["name"]]
    if style == "alias":
        lq, rq = left.alias("l"), right.alias("r")
        cond = column(op["cond"], lambda q, n: F.col(f"{q}.{n}"))
        j = lq.join(rq, cond, *extra)
        out = [F.col(f"l.{n}").alias(n) for n in lnames]
        if how not in ("semi", "anti"):
            out += [F.col(f"r.{n}").alias(prefix + n) for n in rnames]
        return j.select(*out)
    rr = _rename_df(right, op, rnames)
    if style in ("using_list", "using_str"):
        on = op["using"][0] if style == "using_str" else list(op["using"])
        return left.join(rr, on, *extra)
    if style == "crossJoin":
        return left.crossJoin(rr)
    if style == "nocond":
        return left.join(rr, how=op["name"]) if op.get("name") else left.join(rr)
    if style == "bound":
        cond = column(op["cond"], lambda q, n: left[n] if q == "l" else rr[prefix + n])
    else:
        cond = column(op["cond"], lambda q, n: F.col(n if q == "l" else prefix + n))
    return left.join(rr, cond, *extra)


def _setop_df(left, right, op: dict):
    if op.get("by_name"):
        df = left.unionByName(right, allowMissingColumns=bool(op.get("allow_missing")))
        return df if op["all"] else df.distinct()
    df = getattr(left, op["df"])(right)
    return df.distinct() if op["kind"] == "union" and not op["all"] else df


def build_df(dfs: dict, q: dict, tables: dict | None = None):
    """The DataFrame of a dataframe-mode query over `dfs` (table name -> DataFrame)."""
    from pyspark.sql import functions as F

    df = dfs[q["source"]]
    names = None if tables is None else [n for n, _ in tables[q["source"]]["schema"]]
    for i, op in enumerate(q["ops"]):
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
            if op.get("having") is not None:
                df = df.filter(column(op["having"]))
        elif kind == "orderBy":
            df = df.orderBy(*[F.col(k).asc() if d == "asc" else F.col(k).desc() for k, d in op["keys"]])
        elif kind == "limit":
            df = df.limit(op["n"])
        elif kind == "distinct":
            df = getattr(df, op.get("df", "distinct"))()
        elif kind == "dropDuplicates":
            df = df.dropDuplicates(list(op["subset"]))
        elif kind == "join":
            right = build_df(dfs, op["right"], tables)
            lnames = names if names is not None else df.columns
            rnames = [n for n, _ in output_columns(op["right"], tables)] if tables is not None else right.columns
            df = _join_df(df, right, op, lnames, rnames)
        elif kind == "setop":
            df = _setop_df(df, build_df(dfs, op["right"], tables), op)
        if tables is not None:
            names = [n for n, _ in _relation(dict(q, ops=q["ops"][:i + 1]), tables)[0]]
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


def sql_sub(sub: dict, what: str, outer: str | None) -> str:
    """A subquery's text: its table aliased `i`, outer references through `outer`."""
    ctx = {"qual": "i", "outer": outer}
    if what == "exists":
        sel = "*"
    elif what == "in":
        sel = sql_expr(sub["select"], ctx)
    else:
        sel = f"{sub['agg'][0]}({sql_expr(sub['agg'][1], ctx)})"
    where = "" if sub.get("where") is None else f" WHERE {sql_expr(sub['where'], ctx)}"
    return f"SELECT {sel} FROM {sub['source']} AS i{where}"


def sql_expr(e: list, ctx: dict | None = None) -> str:
    """SQL text of e; ctx: "qual" qualifies plain columns, "outer" is the alias of the
    relation that subqueries' outer references read."""
    ctx = ctx or {}
    kind = e[0]
    if kind == "col":
        return (f"{ctx['qual']}." if ctx.get("qual") else "") + _ident(e[1])
    if kind == "qcol":
        return f"{e[1]}.{_ident(e[2])}"
    if kind == "outer":
        return f"{ctx.get('outer') or 'o'}.{_ident(e[1])}"
    if kind == "lit":
        return sql_literal(e[1], e[2])
    if kind == "cast":
        return f"CAST({sql_expr(e[1], ctx)} AS {SQL_TYPE[e[2]]})"
    if kind == "not":
        return f"(NOT {sql_expr(e[1], ctx)})"
    if kind == "in_sub":
        return f"({sql_expr(e[1], ctx)} {'NOT IN' if e[3] else 'IN'} ({sql_sub(e[2], 'in', ctx.get('outer'))}))"
    if kind == "exists":
        return f"({'NOT EXISTS' if e[2] else 'EXISTS'} ({sql_sub(e[1], 'exists', ctx.get('outer'))}))"
    if kind == "scalar":
        return f"({sql_sub(e[1], 'scalar', ctx.get('outer'))})"
    op = {"and": "AND", "or": "OR", "!=": "<>"}.get(e[1], e[1])
    return f"({sql_expr(e[2], ctx)} {op} {sql_expr(e[3], ctx)})"


class _Sql:
    """Renders relations; with `cte`, every stage becomes a WITH entry s0, s1, ..."""

    def __init__(self, tables: dict, cte: bool):
        self.tables = tables
        self.ctes: list[str] | None = [] if cte else None

    def src(self, text: str) -> str:
        """`text` as something to select FROM."""
        if self.ctes is None:
            return f"({text})"
        name = f"s{len(self.ctes)}"
        self.ctes.append(f"{name} AS ({text})")
        return name

    def relation(self, q: dict) -> str:
        tables = self.tables
        cur = f"SELECT * FROM {q['source']}"
        cols = [n for n, _ in tables[q["source"]]["schema"]]
        ops = q["ops"]
        i = 0
        while i < len(ops):
            op = ops[i]
            kind = op["op"]
            if kind == "filter":
                cur = f"SELECT * FROM {self.src(cur)} AS o WHERE {sql_expr(op['cond'], {'outer': 'o'})}"
            elif kind == "select":
                items = [sql_expr(e) if a is None else f"{sql_expr(e)} AS {_ident(a)}" for e, a in op["items"]]
                cur = f"SELECT {', '.join(items)} FROM {self.src(cur)}"
            elif kind == "withColumn":
                new = f"{sql_expr(op['expr'])} AS {_ident(op['name'])}"
                if op["name"] in cols:
                    items = [new if c == op["name"] else _ident(c) for c in cols]
                else:
                    items = [_ident(c) for c in cols] + [new]
                cur = f"SELECT {', '.join(items)} FROM {self.src(cur)}"
            elif kind == "agg":
                aggs = [f"{fn}({sql_expr(e)})" + ("" if a is None else f" AS {_ident(a)}")
                        for fn, e, a in op["aggs"]]
                keys = [_ident(k) for k in op["keys"]]
                cur = f"SELECT {', '.join(keys + aggs)} FROM {self.src(cur)} AS o" + \
                      (f" GROUP BY {', '.join(keys)}" if keys else "")
                if op.get("having") is not None:
                    cur += f" HAVING {sql_expr(op['having'], {'outer': 'o'})}"
            elif kind == "orderBy":
                order = ", ".join(f"{_ident(k)} {d.upper()}" for k, d in op["keys"])
                cur = f"SELECT * FROM {self.src(cur)} ORDER BY {order}"
                if i + 1 < len(ops) and ops[i + 1]["op"] == "limit":
                    cur += f" LIMIT {ops[i + 1]['n']}"
                    i += 1
            elif kind == "distinct":
                sel = "*" if op.get("sql_star", True) else ", ".join(map(_ident, cols))
                cur = f"SELECT DISTINCT {sel} FROM {self.src(cur)}"
            elif kind == "dropDuplicates":
                # The other columns are never read (see output_columns): any value will do.
                subset = set(op["subset"])
                items = [_ident(c) if c in subset else f"max({_ident(c)}) AS {_ident(c)}" for c in cols]
                cur = f"SELECT {', '.join(items)} FROM {self.src(cur)} GROUP BY " + \
                      ", ".join(_ident(c) for c in op["subset"])
            elif kind == "join":
                cur = self.join(cur, op, cols)
            elif kind == "setop":
                cur = self.setop(cur, op, _relation(dict(q, ops=ops[:i]), tables)[0])
            cols = [n for n, _ in _relation(dict(q, ops=ops[:i + 1]), tables)[0]]
            i += 1
        return cur

    def join(self, cur: str, op: dict, lcols: list[str]) -> str:
        rcols = [n for n, _ in output_columns(op["right"], self.tables)]
        right = self.relation(op["right"])
        how, prefix, using = op["how"], op["prefix"], op.get("using")
        kw = op.get("sql_kw") or SQL_JOIN[how][0]
        if using:
            renamed = ", ".join(_ident(n) if n in using else f"{_ident(n)} AS {_ident(prefix + n)}" for n in rcols)
            rsrc = self.src(f"SELECT {renamed} FROM {self.src(right)}")
            return f"SELECT * FROM {self.src(cur)} AS l {kw} {rsrc} AS r USING ({', '.join(map(_ident, using))})"
        if op.get("sql_sel") == "list" and how not in ("semi", "anti"):
            sel = ", ".join([f"l.{_ident(n)} AS {_ident(n)}" for n in lcols] +
                            [f"r.{_ident(n)} AS {_ident(prefix + n)}" for n in rcols])
            rsrc = self.src(right)
        else:  # rename the right side first, then select *
            sel = "*"
            renamed = ", ".join(f"{_ident(n)} AS {_ident(prefix + n)}" for n in rcols)
            rsrc = self.src(f"SELECT {renamed} FROM {self.src(right)}")
            if op.get("cond") is not None:
                # the condition reads the right side under its new names
                op = dict(op, cond=_requalify(op["cond"], prefix))
        cond = op.get("cond")
        if op["sql"] == "comma":
            where = "" if cond is None else f" WHERE {sql_expr(cond)}"
            return f"SELECT {sel} FROM {self.src(cur)} AS l, {rsrc} AS r{where}"
        on = "" if cond is None else f" ON {sql_expr(cond)}"
        if how == "cross" and cond is not None:
            kw = "INNER JOIN"
        return f"SELECT {sel} FROM {self.src(cur)} AS l {kw} {rsrc} AS r{on}"

    def setop(self, cur: str, op: dict, lc: list[tuple[str, str]]) -> str:
        lcols = [n for n, _ in lc]
        rc = output_columns(op["right"], self.tables)
        right = self.relation(op["right"])
        kw = op.get("sql_kw") or SETOP_SQL[(op["kind"], op["all"])][0]
        if op.get("by_name"):
            rnames = [n for n, _ in rc]
            extra = [(n, t) for n, t in rc if n not in lcols]
            left_sel = "*" + "".join(f", CAST(NULL AS {SQL_TYPE[t]}) AS {_ident(n)}" for n, t in extra)
            lt = dict(lc)
            right_sel = ", ".join(_ident(n) if n in rnames else f"CAST(NULL AS {SQL_TYPE[lt[n]]}) AS {_ident(n)}"
                                  for n in lcols + [n for n, _ in extra])
            return f"SELECT {left_sel} FROM {self.src(cur)} {kw} SELECT {right_sel} FROM {self.src(right)}"
        return f"SELECT * FROM {self.src(cur)} {kw} SELECT * FROM {self.src(right)}"


def _requalify(e, prefix: str):
    """A join condition over a right side already renamed: r.x becomes r.<prefix>x."""
    if isinstance(e, list) and e and e[0] == "qcol" and e[1] == "r":
        return ["qcol", "r", prefix + e[2]]
    if isinstance(e, list):
        return [_requalify(x, prefix) for x in e]
    return e


def to_sql(q: dict, tables: dict) -> str:
    r = _Sql(tables, bool(q.get("cte")))
    text = r.relation(q)
    if r.ctes:
        return "WITH " + ", ".join(r.ctes) + " " + text
    return text


# --- readable Python -----------------------------------------------------------------

def py_expr(e: list, ref=None) -> str:
    kind = e[0]
    if kind == "col":
        return f"F.col({e[1]!r})"
    if kind == "qcol":
        return ref(e[1], e[2]) if ref else f"F.col({(e[1] + '.' + e[2])!r})"
    if kind == "lit":
        v, t = e[1], e[2]
        lit = f"F.lit({'float(' + repr(repr(v)) + ')' if isinstance(v, float) and not math.isfinite(v) else repr(v)})"
        return f"{lit}.cast({t!r})" if v is None or (t == "bigint" and -2**31 <= v < 2**31) else lit
    if kind == "cast":
        return f"{py_expr(e[1], ref)}.cast({e[2]!r})"
    if kind == "not":
        return f"~{py_expr(e[1], ref)}"
    if kind != "bin":
        return f"<{kind}: SQL only>"
    if e[1] == "<=>":
        return f"{py_expr(e[2], ref)}.eqNullSafe({py_expr(e[3], ref)})"
    op = {"=": "==", "and": "&", "or": "|"}.get(e[1], e[1])
    return f"({py_expr(e[2], ref)} {op} {py_expr(e[3], ref)})"


def _py_rename(op: dict, names: list[str]) -> str:
    keep = set(op.get("using") or [])
    new = {n: n if n in keep else op["prefix"] + n for n in names}
    how = op.get("rename", "select")
    if how == "toDF":
        return f".toDF({', '.join(repr(new[n]) for n in names)})"
    if how == "withColumnsRenamed":
        return f".withColumnsRenamed({ {n: m for n, m in new.items() if n != m}!r})"
    if how == "withColumnRenamed":
        return "".join(f".withColumnRenamed({n!r}, {new[n]!r})" for n in names if new[n] != n)
    return f".select({', '.join(f'F.col({n!r}).alias({new[n]!r})' if new[n] != n else f'F.col({n!r})' for n in names)})"


def to_python(q: dict, tables: dict | None = None, _depth: list | None = None) -> str:
    """Readable PySpark code of a dataframe-mode query (`tables` names the columns of
    joins' inputs)."""
    depth = _depth if _depth is not None else [0]
    parts = [q["source"]]
    names = None if tables is None else [n for n, _ in tables[q["source"]]["schema"]]
    for i, op in enumerate(q["ops"]):
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
            if op.get("having") is not None:
                parts.append(f".filter({py_expr(op['having'])})")
        elif kind == "orderBy":
            parts.append(f".orderBy({', '.join(f'F.col({k!r}).{d}()' for k, d in op['keys'])})")
        elif kind == "limit":
            parts.append(f".limit({op['n']})")
        elif kind == "distinct":
            parts.append(f".{op.get('df', 'distinct')}()")
        elif kind == "dropDuplicates":
            parts.append(f".dropDuplicates({list(op['subset'])!r})")
        elif kind == "join":
            parts = _py_join(parts, op, names, tables, depth)
        elif kind == "setop":
            right = to_python(op["right"], tables, depth)
            if op.get("by_name"):
                call = f".unionByName({right}, allowMissingColumns={bool(op.get('allow_missing'))})"
                parts.append(call + ("" if op["all"] else ".distinct()"))
            else:
                d = "" if not (op["kind"] == "union" and not op["all"]) else ".distinct()"
                parts.append(f".{op['df']}({right}){d}")
        if tables is not None:
            try:
                names = [n for n, _ in _relation(dict(q, ops=q["ops"][:i + 1]), tables)[0]]
            except InvalidQuery:
                names = None
    return "\n    ".join(parts)


def _py_join(parts: list[str], op: dict, lnames, tables, depth: list) -> list[str]:
    depth[0] += 1
    d = depth[0]
    right = to_python(op["right"], tables, depth)
    rnames = None
    if tables is not None:
        try:
            rnames = [n for n, _ in output_columns(op["right"], tables)]
        except InvalidQuery:
            pass
    how, style, prefix = op["how"], op["df"], op["prefix"]
    extra = "" if op.get("name") is None else f", {op['name']!r}"
    left = "\n    ".join(parts)
    if style == "alias":
        cond = py_expr(op["cond"])
        out = [f"F.col('l.{n}').alias({n!r})" for n in (lnames or [])]
        if how not in ("semi", "anti"):
            out += [f"F.col('r.{n}').alias({prefix + n!r})" for n in (rnames or [])]
        return [f"({left}).alias('l')", f".join(({right}).alias('r'), {cond}{extra})", f".select({', '.join(out)})"]
    rr = f"({right}){_py_rename(op, rnames or [])}"
    if style in ("using_list", "using_str"):
        on = repr(op["using"][0]) if style == "using_str" else repr(list(op["using"]))
        return [f"({left})", f".join({rr}, {on}{extra})"]
    if style == "crossJoin":
        return [f"({left})", f".crossJoin({rr})"]
    if style == "nocond":
        return [f"({left})", f".join({rr}" + (f", how={op['name']!r})" if op.get("name") else ")")]
    if style == "bound":
        cond = py_expr(op["cond"], lambda q, n: f"l{d}[{n!r}]" if q == "l" else f"r{d}[{prefix + n!r}]")
        return [f"(l{d} := {left})", f".join((r{d} := {rr}), {cond}{extra})"]
    cond = py_expr(op["cond"], lambda q, n: f"F.col({(n if q == 'l' else prefix + n)!r})")
    return [f"({left})", f".join({rr}, {cond}{extra})"]
