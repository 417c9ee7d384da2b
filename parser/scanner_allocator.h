#pragma once
/// The allocator of the tree-sitter-python grammar's external scanner
/// (parser/scanner_allocator.cc), included first into the grammar's scanner.c, whose alloc.h hooks
/// (ts_malloc, ...) name it.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* dagport_scanner_malloc(size_t size);
void* dagport_scanner_calloc(size_t count, size_t size);
void* dagport_scanner_realloc(void* block, size_t size);
void dagport_scanner_free(void* block);

#ifdef __cplusplus
}
#endif
