# Spark's error conditions (error class -> message template, SQLSTATE) are data
# shipped in the spark-common-utils jar of the pinned pyspark wheel. A generated
# table lets sk8 print exactly Spark's messages without retyping them.
execute_process(
  COMMAND "${SK8_PYTHON}" -c "import glob, os, pyspark; print(glob.glob(os.path.join(os.path.dirname(pyspark.__file__), 'jars', 'spark-common-utils_2.13-*.jar'))[0])"
  OUTPUT_VARIABLE SPARK_COMMON_UTILS_JAR RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "cannot find spark-common-utils jar in the pyspark wheel")
endif()
set(SPARK_ERROR_CONDITIONS_SRC "${CMAKE_BINARY_DIR}/gen/error_conditions_table.cc")
add_custom_command(
  OUTPUT "${SPARK_ERROR_CONDITIONS_SRC}"
  COMMAND "${SK8_PYTHON}" "${CMAKE_SOURCE_DIR}/scripts/gen_error_conditions.py"
          "${SPARK_COMMON_UTILS_JAR}" "${SPARK_ERROR_CONDITIONS_SRC}"
  DEPENDS "${SPARK_COMMON_UTILS_JAR}" "${CMAKE_SOURCE_DIR}/scripts/gen_error_conditions.py"
  COMMENT "generating Spark error-condition table" VERBATIM)
