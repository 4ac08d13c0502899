# Spark Connect protos, taken from the official spark-connect jar inside the pinned
# pyspark wheel (the same artifact Maven Central serves as
# org.apache.spark:spark-connect_2.13), and compiled with protoc + grpc_cpp_plugin.
# Extracted only when the jar changes, so unchanged protos are never regenerated.
find_package(Protobuf REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

execute_process(
  COMMAND "${SK8_PYTHON}" -c "import glob, os, pyspark; print(glob.glob(os.path.join(os.path.dirname(pyspark.__file__), 'jars', 'spark-connect_2.13-*.jar'))[0]); print(pyspark.__version__)"
  OUTPUT_VARIABLE _jar_out RESULT_VARIABLE _jar_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _jar_rc EQUAL 0)
  message(FATAL_ERROR "cannot find the spark-connect jar in the pyspark wheel: run scripts/setup")
endif()
string(REPLACE "\n" ";" _jar_lines "${_jar_out}")
list(GET _jar_lines 0 SPARK_CONNECT_JAR)
list(GET _jar_lines 1 SPARK_PROTO_VERSION)
message(STATUS "Spark Connect protos ${SPARK_PROTO_VERSION} from ${SPARK_CONNECT_JAR}")

set(PROTO_SRC_DIR "${CMAKE_BINARY_DIR}/proto-src")
set(PROTO_GEN_DIR "${CMAKE_BINARY_DIR}/proto-gen")
set(_stamp "${PROTO_SRC_DIR}/.jar-${SPARK_PROTO_VERSION}")
if(NOT EXISTS "${_stamp}")
  file(REMOVE_RECURSE "${PROTO_SRC_DIR}")
  file(ARCHIVE_EXTRACT INPUT "${SPARK_CONNECT_JAR}" DESTINATION "${PROTO_SRC_DIR}"
       PATTERNS "spark/connect/*.proto" "google/rpc/status.proto" "google/rpc/error_details.proto")
  file(TOUCH "${_stamp}")
endif()
file(GLOB _spark_protos RELATIVE "${PROTO_SRC_DIR}" "${PROTO_SRC_DIR}/spark/connect/*.proto")
set(_protos ${_spark_protos} google/rpc/status.proto google/rpc/error_details.proto)

set(_gen_srcs)
foreach(_p ${_protos})
  string(REGEX REPLACE "\\.proto$" "" _base "${_p}")
  set(_outs "${PROTO_GEN_DIR}/${_base}.pb.cc" "${PROTO_GEN_DIR}/${_base}.pb.h")
  set(_plugin_args)
  if(_p STREQUAL "spark/connect/base.proto")
    list(APPEND _outs "${PROTO_GEN_DIR}/${_base}.grpc.pb.cc" "${PROTO_GEN_DIR}/${_base}.grpc.pb.h")
    set(_plugin_args --grpc_out=${PROTO_GEN_DIR} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${_outs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${PROTO_GEN_DIR}"
    COMMAND protobuf::protoc -I "${PROTO_SRC_DIR}" --cpp_out=${PROTO_GEN_DIR} ${_plugin_args} "${_p}"
    DEPENDS "${PROTO_SRC_DIR}/${_p}"
    COMMENT "protoc ${_p}" VERBATIM)
  list(APPEND _gen_srcs ${_outs})
endforeach()

add_library(sk8_proto STATIC ${_gen_srcs})
target_include_directories(sk8_proto SYSTEM PUBLIC "${PROTO_GEN_DIR}")
target_link_libraries(sk8_proto PUBLIC protobuf::libprotobuf PkgConfig::GRPCPP)
# Generated code is not ours to warn about.
target_compile_options(sk8_proto PRIVATE -w)
