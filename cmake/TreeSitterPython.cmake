# Compiles the tree-sitter-python grammar (C sources pinned in package-lock.json and fetched by
# `npm ci --ignore-scripts`) into a static library, after checking that the installed tree-sitter
# runtime can load its ABI version.
set(TS_PYTHON_DIR "${PROJECT_SOURCE_DIR}/node_modules/tree-sitter-python/src")
if(NOT EXISTS "${TS_PYTHON_DIR}/parser.c" OR NOT EXISTS "${TS_PYTHON_DIR}/scanner.c")
  message(FATAL_ERROR "tree-sitter-python grammar sources missing in ${TS_PYTHON_DIR}: "
                      "run scripts/install-deps (it runs `npm ci --ignore-scripts`).")
endif()

file(STRINGS "${TS_PYTHON_DIR}/parser.c" _ts_lang_line REGEX "^#define LANGUAGE_VERSION [0-9]+")
string(REGEX MATCH "[0-9]+" TS_PYTHON_ABI "${_ts_lang_line}")
find_file(TS_API_HEADER tree_sitter/api.h HINTS ${TREE_SITTER_INCLUDE_DIRS} REQUIRED)
file(STRINGS "${TS_API_HEADER}" _ts_max REGEX "^#define TREE_SITTER_LANGUAGE_VERSION [0-9]+")
file(STRINGS "${TS_API_HEADER}" _ts_min
     REGEX "^#define TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION [0-9]+")
string(REGEX MATCH "[0-9]+$" TS_RUNTIME_MAX "${_ts_max}")
string(REGEX MATCH "[0-9]+$" TS_RUNTIME_MIN "${_ts_min}")
if(TS_PYTHON_ABI LESS TS_RUNTIME_MIN OR TS_PYTHON_ABI GREATER TS_RUNTIME_MAX)
  message(FATAL_ERROR "tree-sitter-python grammar ABI ${TS_PYTHON_ABI} cannot be loaded by the "
                      "installed tree-sitter runtime (ABI ${TS_RUNTIME_MIN}..${TS_RUNTIME_MAX}): "
                      "pin tree-sitter-python 0.23.6 in package.json and rerun scripts/install-deps.")
endif()

# parser/scanner_allocator.cc: the allocator of the external scanner (alloc.h's hooks), which
# keeps the indent stack the scanner frees and allocates again each time its state is restored.
add_library(tree_sitter_python STATIC "${TS_PYTHON_DIR}/parser.c" "${TS_PYTHON_DIR}/scanner.c"
                                      "${PROJECT_SOURCE_DIR}/parser/scanner_allocator.cc")
set_source_files_properties("${TS_PYTHON_DIR}/scanner.c" PROPERTIES
  COMPILE_DEFINITIONS "ts_malloc=dagport_scanner_malloc;ts_calloc=dagport_scanner_calloc;ts_realloc=dagport_scanner_realloc;ts_free=dagport_scanner_free"
  COMPILE_OPTIONS "-include;${PROJECT_SOURCE_DIR}/parser/scanner_allocator.h")
target_include_directories(tree_sitter_python PRIVATE "${TS_PYTHON_DIR}" "${PROJECT_SOURCE_DIR}")
set_target_properties(tree_sitter_python PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
# Generated code: compile it quickly and quietly, without sanitizers slowing every parse.
target_compile_options(tree_sitter_python PRIVATE -w -O2 -fno-sanitize=all)
# The tree-sitter runtime linked statically when its archive is there (libtree-sitter-dev
# ships it): calls into it are then direct instead of through the shared library's PLT, which
# makes parsing about 5% faster (docs/performance.md).
find_library(TREE_SITTER_STATIC NAMES libtree-sitter.a HINTS ${TREE_SITTER_LIBRARY_DIRS})
if(TREE_SITTER_STATIC)
  target_include_directories(tree_sitter_python SYSTEM PUBLIC ${TREE_SITTER_INCLUDE_DIRS})
  target_link_libraries(tree_sitter_python PUBLIC "${TREE_SITTER_STATIC}")
else()
  target_link_libraries(tree_sitter_python PUBLIC PkgConfig::TREE_SITTER)
endif()
