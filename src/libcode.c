/* libcode: the rule for whose code a file or a function name is: a
 * standard library's, a runtime's or a registry crate's, or the program's
 * own. The viewer's site rule and the shim's freed_at label share it. */
#include "libcode.h"

#include <string.h>

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* /rustc/<commit hash>/library/... */
static bool rust_library(const char *file)
{
	static const char rustc[] = "/rustc/";
	if (strncmp(file, rustc, sizeof(rustc) - 1))
		return false;
	size_t hash = strcspn(file + sizeof(rustc) - 1, "/");
	return has_prefix(file + sizeof(rustc) - 1 + hash, "/library/");
}

/* Crates from a registry (cargo's, Debian's librust-*-dev) are other
 * people's code, like a C library's headers. */
bool libcode_file(const char *file)
{
	return strstr(file, "/include/c++/") || has_prefix(file, "/usr/include/") ||
	       has_prefix(file, "/usr/lib/gcc/") || has_prefix(file, "/usr/lib/llvm-") ||
	       rust_library(file) || has_prefix(file, "/rust/deps/") ||
	       strstr(file, "/.cargo/registry/src/") || strstr(file, "/.cargo/git/checkouts/") ||
	       has_prefix(file, "/usr/share/cargo/registry/");
}

/* Paths into the standard libraries; hashbrown is Rust's HashMap. */
static bool library_path(const char *name)
{
	static const char *const prefixes[] = {
		"std::", "__gnu_cxx::", "__cxxabiv1::", "alloc::", "core::", "hashbrown::",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (has_prefix(name, prefixes[i]))
			return true;
	return false;
}

/* <Type as Trait>::method, Rust's name for a trait's method: the standard
 * library's when both are (<alloc::string::String as core::fmt::Write>),
 * or when the trait is and the type is a primitive or a parameter
 * (<usize as core::fmt::Display>, <[T] as alloc::slice::hack::ConvertVec>).
 * A program's type (<app::Point as core::fmt::Display>) or trait is its
 * own code. */
static bool rust_library_impl(const char *name)
{
	if (name[0] != '<')
		return false;
	int depth = 0;
	const char *as = NULL;
	for (const char *s = name; *s && !as; s++) {
		if (*s == '<' || *s == '[' || *s == '(')
			depth++;
		else if (*s == '>' || *s == ']' || *s == ')')
			depth--;
		else if (depth == 1 && has_prefix(s, " as "))
			as = s;
		if (depth == 0)
			return false; /* <Type>::method: the type's path decides */
	}
	if (!as || !library_path(as + 4))
		return false;
	const char *t = name + 1;
	for (;;) {
		if (has_prefix(t, "&mut ") || has_prefix(t, "*mut "))
			t += 5;
		else if (has_prefix(t, "*const "))
			t += 7;
		else if (has_prefix(t, "dyn "))
			t += 4;
		else if (*t == '&' || *t == '[' || *t == '(')
			t++;
		else
			break;
	}
	size_t head = strcspn(t, "<>[](); ,");
	return !memmem(t, head, "::", 2) || library_path(t);
}

bool libcode_name(const char *name)
{
	static const char *const prefixes[] = {"__cxa_", "__rust_", "__rdl_", "__rg_"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (has_prefix(name, prefixes[i]))
			return true;
	/* _start: the C runtime's entry, linked into every program */
	return library_path(name) || (name[0] == '<' && library_path(name + 1)) ||
	       rust_library_impl(name) || !strcmp(name, "_start");
}
