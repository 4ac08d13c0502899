# Spark's built-in functions (names, class names, usage texts) recorded from real
# Spark into src/functions/spark_functions.json; a generated table lets SHOW
# FUNCTIONS / DESCRIBE FUNCTION print exactly Spark's text for sk8's functions
# (and version() Spark's version and revision, from the spark-common-utils jar;
# and sql_keywords()'s rows, from src/functions/spark_sql_keywords.json).
set(SPARK_FUNCTIONS_SRC "${CMAKE_BINARY_DIR}/gen/spark_functions_table.cc")
add_custom_command(
  OUTPUT "${SPARK_FUNCTIONS_SRC}"
  COMMAND "${SK8_PYTHON}" "${CMAKE_SOURCE_DIR}/scripts/gen_spark_functions.py"
          "${CMAKE_SOURCE_DIR}/src/functions/spark_functions.json" "${SPARK_COMMON_UTILS_JAR}" "${SPARK_FUNCTIONS_SRC}"
          "${CMAKE_SOURCE_DIR}/src/functions/spark_sql_keywords.json"
  DEPENDS "${CMAKE_SOURCE_DIR}/src/functions/spark_functions.json" "${CMAKE_SOURCE_DIR}/scripts/gen_spark_functions.py"
          "${CMAKE_SOURCE_DIR}/src/functions/spark_sql_keywords.json"
          "${SPARK_COMMON_UTILS_JAR}"
  COMMENT "generating Spark function table" VERBATIM)
