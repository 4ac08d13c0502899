"""The 22 TPC-H queries as PySpark DataFrame programs (`scripts/bench --form dataframe`).

Each qN(spark) reads the temp views lineitem, orders, customer, part, partsupp,
supplier, nation and region (registered by bench.worker) with spark.table and returns
a DataFrame whose columns (names and order) and rows are those of bench/tpch/qNN.sql,
with the same substitution parameters. They are written the way a PySpark user writes
them: pyspark.sql.functions, join / groupBy / agg / filter / orderBy / limit. The
DataFrame API has no subqueries, so:

  scalar subquery (Q11, Q15, Q22)       a one-row aggregate joined beside the rows
  correlated scalar subquery            an aggregate grouped by the correlation keys,
    (Q2, Q17, Q20)                        joined back on them
  EXISTS / IN (Q4, Q18, Q20, Q21)       a left_semi join
  NOT EXISTS / NOT IN (Q16, Q21, Q22)   a left_anti join (the keys are never NULL)
  Q15's view revenue0                   a DataFrame, used twice

Interval arithmetic on the date parameters is done in Python (date '1994-01-01' +
interval '1' year is date(1995, 1, 1)); decimal literals of the SQL are Python floats
(double), as a PySpark user writes them.
"""

from __future__ import annotations

import inspect
from datetime import date, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

col = F.col


def _revenue():
    """l_extendedprice * (1 - l_discount): a line's discounted price."""
    return col("l_extendedprice") * (1 - col("l_discount"))


def q1(spark: SparkSession) -> DataFrame:
    lineitem = spark.table("lineitem")
    return (lineitem
            .filter(col("l_shipdate") <= date(1998, 12, 1) - timedelta(days=90))
            .groupBy("l_returnflag", "l_linestatus")
            .agg(F.sum("l_quantity").alias("sum_qty"),
                 F.sum("l_extendedprice").alias("sum_base_price"),
                 F.sum(_revenue()).alias("sum_disc_price"),
                 F.sum(_revenue() * (1 + col("l_tax"))).alias("sum_charge"),
                 F.avg("l_quantity").alias("avg_qty"),
                 F.avg("l_extendedprice").alias("avg_price"),
                 F.avg("l_discount").alias("avg_disc"),
                 F.count("*").alias("count_order"))
            .orderBy("l_returnflag", "l_linestatus"))


def q2(spark: SparkSession) -> DataFrame:
    part, supplier, partsupp = spark.table("part"), spark.table("supplier"), spark.table("partsupp")
    nation, region = spark.table("nation"), spark.table("region")
    europe = (region.filter(col("r_name") == "EUROPE")
              .join(nation, col("r_regionkey") == col("n_regionkey"))
              .join(supplier, col("n_nationkey") == col("s_nationkey")))
    europe_offers = partsupp.join(europe, col("ps_suppkey") == col("s_suppkey"))
    # The correlated min(ps_supplycost) per part, as an aggregate joined back on the part.
    cheapest = (europe_offers.groupBy(col("ps_partkey").alias("min_partkey"))
                .agg(F.min("ps_supplycost").alias("min_supplycost")))
    return (part.filter((col("p_size") == 15) & col("p_type").endswith("BRASS"))
            .join(europe_offers, col("p_partkey") == col("ps_partkey"))
            .join(cheapest, (col("p_partkey") == col("min_partkey"))
                  & (col("ps_supplycost") == col("min_supplycost")))
            .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
            .orderBy(col("s_acctbal").desc(), "n_name", "s_name", "p_partkey")
            .limit(100))


def q3(spark: SparkSession) -> DataFrame:
    customer, orders, lineitem = spark.table("customer"), spark.table("orders"), spark.table("lineitem")
    day = date(1995, 3, 15)
    return (customer.filter(col("c_mktsegment") == "BUILDING")
            .join(orders.filter(col("o_orderdate") < day), col("c_custkey") == col("o_custkey"))
            .join(lineitem.filter(col("l_shipdate") > day), col("l_orderkey") == col("o_orderkey"))
            .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
            .agg(F.sum(_revenue()).alias("revenue"))
            .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
            .orderBy(col("revenue").desc(), "o_orderdate")
            .limit(10))


def q4(spark: SparkSession) -> DataFrame:
    orders, lineitem = spark.table("orders"), spark.table("lineitem")
    late = lineitem.filter(col("l_commitdate") < col("l_receiptdate"))
    return (orders.filter((col("o_orderdate") >= date(1993, 7, 1)) & (col("o_orderdate") < date(1993, 10, 1)))
            .join(late, col("l_orderkey") == col("o_orderkey"), "left_semi")
            .groupBy("o_orderpriority")
            .agg(F.count("*").alias("order_count"))
            .orderBy("o_orderpriority"))


def q5(spark: SparkSession) -> DataFrame:
    customer, orders, lineitem = spark.table("customer"), spark.table("orders"), spark.table("lineitem")
    supplier, nation, region = spark.table("supplier"), spark.table("nation"), spark.table("region")
    return (customer
            .join(orders.filter((col("o_orderdate") >= date(1994, 1, 1)) & (col("o_orderdate") < date(1995, 1, 1))),
                  col("c_custkey") == col("o_custkey"))
            .join(lineitem, col("l_orderkey") == col("o_orderkey"))
            .join(supplier, (col("l_suppkey") == col("s_suppkey")) & (col("c_nationkey") == col("s_nationkey")))
            .join(nation, col("s_nationkey") == col("n_nationkey"))
            .join(region.filter(col("r_name") == "ASIA"), col("n_regionkey") == col("r_regionkey"))
            .groupBy("n_name")
            .agg(F.sum(_revenue()).alias("revenue"))
            .orderBy(col("revenue").desc()))


def q6(spark: SparkSession) -> DataFrame:
    lineitem = spark.table("lineitem")
    return (lineitem
            .filter((col("l_shipdate") >= date(1994, 1, 1)) & (col("l_shipdate") < date(1995, 1, 1))
                    & col("l_discount").between(0.05, 0.07) & (col("l_quantity") < 24))
            .agg(F.sum(col("l_extendedprice") * col("l_discount")).alias("revenue")))


def q7(spark: SparkSession) -> DataFrame:
    supplier, lineitem, orders = spark.table("supplier"), spark.table("lineitem"), spark.table("orders")
    customer, nation = spark.table("customer"), spark.table("nation")
    supp_nation = nation.select(col("n_nationkey").alias("supp_nationkey"), col("n_name").alias("supp_nation"))
    cust_nation = nation.select(col("n_nationkey").alias("cust_nationkey"), col("n_name").alias("cust_nation"))
    shipping = (supplier
                .join(lineitem.filter(col("l_shipdate").between(date(1995, 1, 1), date(1996, 12, 31))),
                      col("s_suppkey") == col("l_suppkey"))
                .join(orders, col("o_orderkey") == col("l_orderkey"))
                .join(customer, col("c_custkey") == col("o_custkey"))
                .join(supp_nation, col("s_nationkey") == col("supp_nationkey"))
                .join(cust_nation, col("c_nationkey") == col("cust_nationkey"))
                .filter(((col("supp_nation") == "FRANCE") & (col("cust_nation") == "GERMANY"))
                        | ((col("supp_nation") == "GERMANY") & (col("cust_nation") == "FRANCE")))
                .select("supp_nation", "cust_nation", F.year("l_shipdate").alias("l_year"),
                        _revenue().alias("volume")))
    return (shipping.groupBy("supp_nation", "cust_nation", "l_year")
            .agg(F.sum("volume").alias("revenue"))
            .orderBy("supp_nation", "cust_nation", "l_year"))


def q8(spark: SparkSession) -> DataFrame:
    part, supplier, lineitem = spark.table("part"), spark.table("supplier"), spark.table("lineitem")
    orders, customer = spark.table("orders"), spark.table("customer")
    nation, region = spark.table("nation"), spark.table("region")
    america = (region.filter(col("r_name") == "AMERICA")
               .join(nation, col("r_regionkey") == col("n_regionkey"))
               .select(col("n_nationkey").alias("cust_nationkey")))
    supp_nation = nation.select(col("n_nationkey").alias("supp_nationkey"), col("n_name").alias("nation"))
    all_nations = (part.filter(col("p_type") == "ECONOMY ANODIZED STEEL")
                   .join(lineitem, col("p_partkey") == col("l_partkey"))
                   .join(supplier, col("s_suppkey") == col("l_suppkey"))
                   .join(orders.filter(col("o_orderdate").between(date(1995, 1, 1), date(1996, 12, 31))),
                         col("l_orderkey") == col("o_orderkey"))
                   .join(customer, col("o_custkey") == col("c_custkey"))
                   .join(america, col("c_nationkey") == col("cust_nationkey"))
                   .join(supp_nation, col("s_nationkey") == col("supp_nationkey"))
                   .select(F.year("o_orderdate").alias("o_year"), _revenue().alias("volume"), "nation"))
    return (all_nations.groupBy("o_year")
            .agg((F.sum(F.when(col("nation") == "BRAZIL", col("volume")).otherwise(0))
                  / F.sum("volume")).alias("mkt_share"))
            .orderBy("o_year"))


def q9(spark: SparkSession) -> DataFrame:
    part, supplier, lineitem = spark.table("part"), spark.table("supplier"), spark.table("lineitem")
    partsupp, orders, nation = spark.table("partsupp"), spark.table("orders"), spark.table("nation")
    profit = (part.filter(col("p_name").contains("green"))
              .join(lineitem, col("p_partkey") == col("l_partkey"))
              .join(partsupp, (col("ps_suppkey") == col("l_suppkey")) & (col("ps_partkey") == col("l_partkey")))
              .join(supplier, col("s_suppkey") == col("l_suppkey"))
              .join(orders, col("o_orderkey") == col("l_orderkey"))
              .join(nation, col("s_nationkey") == col("n_nationkey"))
              .select(col("n_name").alias("nation"), F.year("o_orderdate").alias("o_year"),
                      (_revenue() - col("ps_supplycost") * col("l_quantity")).alias("amount")))
    return (profit.groupBy("nation", "o_year")
            .agg(F.sum("amount").alias("sum_profit"))
            .orderBy("nation", col("o_year").desc()))


def q10(spark: SparkSession) -> DataFrame:
    customer, orders = spark.table("customer"), spark.table("orders")
    lineitem, nation = spark.table("lineitem"), spark.table("nation")
    return (customer
            .join(orders.filter((col("o_orderdate") >= date(1993, 10, 1)) & (col("o_orderdate") < date(1994, 1, 1))),
                  col("c_custkey") == col("o_custkey"))
            .join(lineitem.filter(col("l_returnflag") == "R"), col("l_orderkey") == col("o_orderkey"))
            .join(nation, col("c_nationkey") == col("n_nationkey"))
            .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
            .agg(F.sum(_revenue()).alias("revenue"))
            .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
            .orderBy(col("revenue").desc())
            .limit(20))


def q11(spark: SparkSession, sf: float = 1.0) -> DataFrame:
    partsupp, supplier, nation = spark.table("partsupp"), spark.table("supplier"), spark.table("nation")
    german = (partsupp.join(supplier, col("ps_suppkey") == col("s_suppkey"))
              .join(nation.filter(col("n_name") == "GERMANY"), col("s_nationkey") == col("n_nationkey"))
              .select("ps_partkey", (col("ps_supplycost") * col("ps_availqty")).alias("stock_value")))
    threshold = german.agg((F.sum("stock_value") * (0.0001 / sf)).alias("threshold"))
    return (german.groupBy("ps_partkey")
            .agg(F.sum("stock_value").alias("value"))
            .join(threshold, col("value") > col("threshold"))
            .select("ps_partkey", "value")
            .orderBy(col("value").desc()))


def q12(spark: SparkSession) -> DataFrame:
    orders, lineitem = spark.table("orders"), spark.table("lineitem")
    urgent = col("o_orderpriority").isin("1-URGENT", "2-HIGH")
    return (lineitem
            .filter(col("l_shipmode").isin("MAIL", "SHIP")
                    & (col("l_commitdate") < col("l_receiptdate"))
                    & (col("l_shipdate") < col("l_commitdate"))
                    & (col("l_receiptdate") >= date(1994, 1, 1))
                    & (col("l_receiptdate") < date(1995, 1, 1)))
            .join(orders, col("o_orderkey") == col("l_orderkey"))
            .groupBy("l_shipmode")
            .agg(F.sum(F.when(urgent, 1).otherwise(0)).alias("high_line_count"),
                 F.sum(F.when(~urgent, 1).otherwise(0)).alias("low_line_count"))
            .orderBy("l_shipmode"))


def q13(spark: SparkSession) -> DataFrame:
    customer, orders = spark.table("customer"), spark.table("orders")
    c_orders = (customer
                .join(orders, (col("c_custkey") == col("o_custkey"))
                      & ~col("o_comment").like("%special%requests%"), "left")
                .groupBy("c_custkey")
                .agg(F.count("o_orderkey").alias("c_count")))
    return (c_orders.groupBy("c_count")
            .agg(F.count("*").alias("custdist"))
            .orderBy(col("custdist").desc(), col("c_count").desc()))


def q14(spark: SparkSession) -> DataFrame:
    lineitem, part = spark.table("lineitem"), spark.table("part")
    return (lineitem
            .filter((col("l_shipdate") >= date(1995, 9, 1)) & (col("l_shipdate") < date(1995, 10, 1)))
            .join(part, col("l_partkey") == col("p_partkey"))
            .agg((100.00 * F.sum(F.when(col("p_type").startswith("PROMO"), _revenue()).otherwise(0))
                  / F.sum(_revenue())).alias("promo_revenue")))


def q15(spark: SparkSession) -> DataFrame:
    lineitem, supplier = spark.table("lineitem"), spark.table("supplier")
    revenue0 = (lineitem
                .filter((col("l_shipdate") >= date(1996, 1, 1)) & (col("l_shipdate") < date(1996, 4, 1)))
                .groupBy(col("l_suppkey").alias("supplier_no"))
                .agg(F.sum(_revenue()).alias("total_revenue")))
    top = revenue0.agg(F.max("total_revenue").alias("max_revenue"))
    return (supplier.join(revenue0, col("s_suppkey") == col("supplier_no"))
            .join(top, col("total_revenue") == col("max_revenue"))
            .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
            .orderBy("s_suppkey"))


def q16(spark: SparkSession) -> DataFrame:
    partsupp, part, supplier = spark.table("partsupp"), spark.table("part"), spark.table("supplier")
    complaints = supplier.filter(col("s_comment").like("%Customer%Complaints%"))
    return (part.filter((col("p_brand") != "Brand#45")
                        & ~col("p_type").startswith("MEDIUM POLISHED")
                        & col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9))
            .join(partsupp, col("p_partkey") == col("ps_partkey"))
            .join(complaints, col("ps_suppkey") == col("s_suppkey"), "left_anti")
            .groupBy("p_brand", "p_type", "p_size")
            .agg(F.countDistinct("ps_suppkey").alias("supplier_cnt"))
            .orderBy(col("supplier_cnt").desc(), "p_brand", "p_type", "p_size"))


def q17(spark: SparkSession) -> DataFrame:
    lineitem, part = spark.table("lineitem"), spark.table("part")
    # The correlated 0.2 * avg(l_quantity) per part, as an aggregate joined back on the part.
    small = (lineitem.groupBy(col("l_partkey").alias("avg_partkey"))
             .agg((0.2 * F.avg("l_quantity")).alias("small_quantity")))
    return (part.filter((col("p_brand") == "Brand#23") & (col("p_container") == "MED BOX"))
            .join(lineitem, col("p_partkey") == col("l_partkey"))
            .join(small, col("p_partkey") == col("avg_partkey"))
            .filter(col("l_quantity") < col("small_quantity"))
            .agg((F.sum("l_extendedprice") / 7.0).alias("avg_yearly")))


def q18(spark: SparkSession) -> DataFrame:
    customer, orders, lineitem = spark.table("customer"), spark.table("orders"), spark.table("lineitem")
    large = (lineitem.groupBy(col("l_orderkey").alias("large_orderkey"))
             .agg(F.sum("l_quantity").alias("order_quantity"))
             .filter(col("order_quantity") > 300))
    return (orders.join(large, col("o_orderkey") == col("large_orderkey"), "left_semi")
            .join(customer, col("c_custkey") == col("o_custkey"))
            .join(lineitem, col("o_orderkey") == col("l_orderkey"))
            .groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
            .agg(F.sum("l_quantity"))
            .orderBy(col("o_totalprice").desc(), "o_orderdate")
            .limit(100))


def q19(spark: SparkSession) -> DataFrame:
    lineitem, part = spark.table("lineitem"), spark.table("part")

    def bracket(brand, containers, quantity, max_size):
        return ((col("p_brand") == brand)
                & col("p_container").isin(*containers)
                & col("l_quantity").between(quantity, quantity + 10)
                & col("p_size").between(1, max_size))

    return (lineitem
            .filter(col("l_shipmode").isin("AIR", "AIR REG") & (col("l_shipinstruct") == "DELIVER IN PERSON"))
            .join(part, col("p_partkey") == col("l_partkey"))
            .filter(bracket("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
                    | bracket("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10)
                    | bracket("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15))
            .agg(F.sum(_revenue()).alias("revenue")))


def q20(spark: SparkSession) -> DataFrame:
    supplier, nation, partsupp = spark.table("supplier"), spark.table("nation"), spark.table("partsupp")
    part, lineitem = spark.table("part"), spark.table("lineitem")
    forest = part.filter(col("p_name").startswith("forest"))
    # The correlated 0.5 * sum(l_quantity) per (part, supplier), joined back on both.
    shipped = (lineitem
               .filter((col("l_shipdate") >= date(1994, 1, 1)) & (col("l_shipdate") < date(1995, 1, 1)))
               .groupBy("l_partkey", "l_suppkey")
               .agg((0.5 * F.sum("l_quantity")).alias("half_quantity")))
    excess = (partsupp.join(forest, col("ps_partkey") == col("p_partkey"), "left_semi")
              .join(shipped, (col("l_partkey") == col("ps_partkey")) & (col("l_suppkey") == col("ps_suppkey")))
              .filter(col("ps_availqty") > col("half_quantity")))
    return (supplier.join(nation.filter(col("n_name") == "CANADA"), col("s_nationkey") == col("n_nationkey"))
            .join(excess, col("s_suppkey") == col("ps_suppkey"), "left_semi")
            .select("s_name", "s_address")
            .orderBy("s_name"))


def q21(spark: SparkSession) -> DataFrame:
    supplier, lineitem = spark.table("supplier"), spark.table("lineitem")
    orders, nation = spark.table("orders"), spark.table("nation")
    l1 = lineitem.alias("l1")
    same_order_other_supplier = ((col("l1.l_orderkey") == col("other.l_orderkey"))
                                 & (col("l1.l_suppkey") != col("other.l_suppkey")))
    late = col("l_receiptdate") > col("l_commitdate")
    waiting = (l1.filter(late)
               .join(lineitem.alias("other"), same_order_other_supplier, "left_semi")
               .join(lineitem.filter(late).alias("other"), same_order_other_supplier, "left_anti"))
    return (waiting
            .join(supplier, col("s_suppkey") == col("l1.l_suppkey"))
            .join(orders.filter(col("o_orderstatus") == "F"), col("o_orderkey") == col("l1.l_orderkey"))
            .join(nation.filter(col("n_name") == "SAUDI ARABIA"), col("s_nationkey") == col("n_nationkey"))
            .groupBy("s_name")
            .agg(F.count("*").alias("numwait"))
            .orderBy(col("numwait").desc(), "s_name")
            .limit(100))


def q22(spark: SparkSession) -> DataFrame:
    customer, orders = spark.table("customer"), spark.table("orders")
    codes = ["13", "31", "23", "29", "30", "18", "17"]
    candidates = (customer.withColumn("cntrycode", F.substring("c_phone", 1, 2))
                  .filter(col("cntrycode").isin(codes)))
    average = candidates.filter(col("c_acctbal") > 0).agg(F.avg("c_acctbal").alias("avg_acctbal"))
    return (candidates
            .join(average, col("c_acctbal") > col("avg_acctbal"))
            .join(orders, col("o_custkey") == col("c_custkey"), "left_anti")
            .groupBy("cntrycode")
            .agg(F.count("*").alias("numcust"), F.sum("c_acctbal").alias("totacctbal"))
            .orderBy("cntrycode"))


QUERIES = {n: globals()[f"q{n}"] for n in range(1, 23)}


def query(q: int, spark: SparkSession, sf: float = 1.0) -> DataFrame:
    """TPC-H query q (1..22) as a DataFrame on spark, with its parameters for scale factor sf."""
    fn = QUERIES[q]
    return fn(spark, sf=sf) if "sf" in inspect.signature(fn).parameters else fn(spark)
