"""TPC-H benchmark of sk8 against Apache Spark (classic and Connect), Sail and DuckDB.
Entry: scripts/bench (see docs/benchmark.md)."""
