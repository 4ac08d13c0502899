# Arrow C++ from the pinned pyarrow wheel (see docs/build.md).
# The wheel ships headers and versioned shared libraries but no CMake package, so
# IMPORTED targets are declared here from what the venv's Python reports.
if(NOT SK8_PYTHON)
  set(SK8_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python")
endif()
execute_process(
  COMMAND "${SK8_PYTHON}" -c "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.cpp_build_info.so_version); print(pa.__version__)"
  OUTPUT_VARIABLE _pa_out RESULT_VARIABLE _pa_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pa_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow not importable with ${SK8_PYTHON}: run scripts/setup first")
endif()
string(REPLACE "\n" ";" _pa_lines "${_pa_out}")
list(GET _pa_lines 0 ARROW_INCLUDE_DIR)
list(GET _pa_lines 1 ARROW_LIB_DIR)
list(GET _pa_lines 2 ARROW_SO_VERSION)
list(GET _pa_lines 3 ARROW_VERSION)
message(STATUS "Arrow ${ARROW_VERSION} from pyarrow: ${ARROW_LIB_DIR} (so ${ARROW_SO_VERSION})")

function(sk8_import_arrow_lib target libname)
  set(_path "${ARROW_LIB_DIR}/lib${libname}.so.${ARROW_SO_VERSION}")
  if(NOT EXISTS "${_path}")
    message(FATAL_ERROR "missing ${_path}")
  endif()
  add_library(${target} SHARED IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${_path}"
    IMPORTED_SONAME "lib${libname}.so.${ARROW_SO_VERSION}"
    INTERFACE_INCLUDE_DIRECTORIES "${ARROW_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "_GLIBCXX_USE_CXX11_ABI=1")
endfunction()

sk8_import_arrow_lib(Arrow::arrow arrow)
sk8_import_arrow_lib(Arrow::compute arrow_compute)
sk8_import_arrow_lib(Arrow::acero arrow_acero)
sk8_import_arrow_lib(Arrow::dataset arrow_dataset)
sk8_import_arrow_lib(Arrow::parquet parquet)
target_link_libraries(Arrow::compute INTERFACE Arrow::arrow)
target_link_libraries(Arrow::parquet INTERFACE Arrow::arrow)
target_link_libraries(Arrow::acero INTERFACE Arrow::compute)
target_link_libraries(Arrow::dataset INTERFACE Arrow::acero Arrow::parquet)

# Binaries find the wheel's libraries without LD_LIBRARY_PATH.
set(CMAKE_BUILD_RPATH "${ARROW_LIB_DIR}")
set(CMAKE_INSTALL_RPATH "${ARROW_LIB_DIR}")
