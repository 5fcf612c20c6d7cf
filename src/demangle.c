/* demangle: libiberty's callback forms (rust_demangle_callback,
 * cplus_demangle_v3_callback) rather than __cxa_demangle or cplus_demangle,
 * because they neither malloc nor lock: the parse lives on the stack and
 * the text arrives in pieces, gathered here in mem.h memory. That makes
 * them safe in the shim, under its reentrancy guard, and the same code
 * names frames in the shim and in the viewer. Rust is tried first: a
 * legacy Rust symbol is also a valid C++ one, and only the Rust demangler
 * knows to drop its hash. */
#include "demangle.h"

#include <libiberty/demangle.h>
#include <string.h>

#include "mem.h"

static size_t max_mangled = DEMANGLE_DEFAULT_MAX_MANGLED;

void demangle_set_max_mangled(size_t max)
{
	max_mangled = max;
}

bool demangle_is_mangled(const char *name)
{
	return name && name[0] == '_' && (name[1] == 'Z' || name[1] == 'R');
}

struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void append(const char *piece, size_t n, void *opaque)
{
	struct text *t = opaque;
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 128;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *s = mem_realloc(t->s, t->cap, cap);
		if (!s) {
			t->failed = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->len, piece, n);
	t->len += n;
	t->s[t->len] = 0;
}

char *demangle(const char *name, size_t *size)
{
	if (!demangle_is_mangled(name) || strlen(name) > max_mangled)
		return NULL;
	struct text t = {0};
	int ok = rust_demangle_callback(name, DMGL_PARAMS | DMGL_ANSI, append, &t);
	if (!ok && !t.failed && name[1] == 'Z') {
		t.len = 0;
		ok = cplus_demangle_v3_callback(name, DMGL_PARAMS | DMGL_ANSI, append, &t);
	}
	if (!ok || t.failed || !t.len) {
		mem_free(t.s, t.cap);
		return NULL;
	}
	*size = t.cap;
	return t.s;
}
