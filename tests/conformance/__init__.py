"""Conformance: the project's own corpus and PySpark's shipped doctests, run against a
freshly started sk8 (or real Spark for the reference row). Entry: scripts/conformance."""
