# sk8: the two commands are `make run` and `make test`; both install what is
# missing first. Targets stay thin: the work is in scripts/.
HOST ?= 127.0.0.1
PORT ?= 15002

.PHONY: all setup build run test unit conformance bench bench-tpcds bench-micro golden clean help

all: build

help:
	@echo "make run          build and serve Spark Connect on sc://$(HOST):$(PORT)"
	@echo "make test         build and run every test"
	@echo "make conformance  conformance suites (and TPC-DS at SF1) against sk8, then real Spark (reference row)"
	@echo "make bench        TPC-H, then TPC-DS, benchmark against Spark, Sail and DuckDB (SF=1)"
	@echo "make bench-tpcds  TPC-DS only: Spark's 99 queries on sk8, Spark Connect, Sail and DuckDB"
	@echo "make bench-micro  micro-benchmarks (aggregate, join, sort, filter) against DuckDB and Sail"
	@echo "make golden       re-record expected answers from real Spark"

setup:
	@scripts/setup

build: setup
	@scripts/build

run: build
	exec build/sk8 serve --host $(HOST) --port $(PORT)

test: build
	@scripts/test

unit: build
	@ctest --test-dir build --output-on-failure

# sk8's row, then real Spark's reference row (Spark takes a few minutes), then the
# PySpark suites through sk8's gateway in front of real Spark (docs/scale-out.md).
conformance: build
	@scripts/conformance --target sk8
	@scripts/conformance --target sk8 --suites tpcds,tpcds-v2.7
	@scripts/conformance --target spark
	@scripts/conformance --target sk8-upstream

bench: build
	@scripts/bench --sf $(or $(SF),1)
	@scripts/bench --suite tpcds --sf $(or $(SF),1)

bench-tpcds: build
	@scripts/bench --suite tpcds --sf $(or $(SF),1)

bench-micro: build
	@scripts/bench --suite micro

golden: setup
	@scripts/refresh-golden

clean:
	rm -rf build
