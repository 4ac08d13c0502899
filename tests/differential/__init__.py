"""Differential testing: the same program on real Spark and on sk8, answers compared.
See tests/differential/README.md."""
