/* log: a tiny formatter in the spirit of mimalloc's _mi_fprintf; stdio may
 * allocate or take locks, which nothing reachable from malloc may do. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

struct out {
	char *buf;
	int size, len;
};

static void put(struct out *o, char c)
{
	if (o->len < o->size - 1)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put(o, *s++);
}

static void put_num(struct out *o, unsigned long long v, unsigned base, int neg)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
}

static int vformat(char *buf, int size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		int longs = 0, size_t_arg = 0;
		while (*f == 'l') {
			longs++;
			f++;
		}
		if (*f == 'z') {
			size_t_arg = 1;
			f++;
		}
		switch (*f) {
		case 's':
			put_str(&o, va_arg(ap, const char *));
			break;
		case 'd': {
			long long v = size_t_arg ? (long long)va_arg(ap, ssize_t) :
				      longs >= 2 ? va_arg(ap, long long) :
				      longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, 10, v < 0);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = size_t_arg ? va_arg(ap, size_t) :
					       longs >= 2 ? va_arg(ap, unsigned long long) :
					       longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			put_num(&o, v, *f == 'x' ? 16 : 10, 0);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case 0:
			f--;
			break;
		default:
			put(&o, '%');
			put(&o, *f);
		}
	}
	if (o.size > 0)
		o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
	return o.len < o.size ? o.len : o.size - 1;
}

int log_format(char *buf, int size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void log_line(const char *fmt, ...)
{
	char buf[512];
	int saved = errno;
	memcpy(buf, "allocprof: ", 11);
	va_list ap;
	va_start(ap, fmt);
	int n = 11 + vformat(buf + 11, (int)sizeof(buf) - 12, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(2, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (int)w;
	}
	errno = saved;
}
