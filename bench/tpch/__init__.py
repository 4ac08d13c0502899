"""TPC-H: the 22 queries as SQL text (qNN.sql) and as PySpark DataFrame programs
(dataframe.py)."""
