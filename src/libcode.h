/* libcode: whether a source file or a function's name is library code (a
 * standard library's headers and sources, Rust's std and registry crates,
 * the C++ runtime's, the C runtime's entry) rather than the program's own. */
#ifndef ALLOCPROF_LIBCODE_H
#define ALLOCPROF_LIBCODE_H

#include <stdbool.h>

/* /usr/include/..., .../include/c++/..., /rustc/<hash>/library/...,
 * ~/.cargo/registry/src/...: other people's code. */
bool libcode_file(const char *file);
/* std::, alloc::, core::, hashbrown::, __cxa_*, __rust_*, a standard
 * trait's method for a standard or primitive type, _start. */
bool libcode_name(const char *name);

#endif
