/* esc: one UTF-8 decoder drives every escaper, so they agree on what a
 * character is and never pass a broken sequence through. */
#include "esc.h"

#include <stdint.h>
#include <string.h>

#define BAD 0xFFFDu

/* Decodes one character of s[0..n) (n >= 1). Returns its length in bytes;
 * *cp is the code point, or BAD for an invalid or overlong sequence. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = BAD;
		return 1;
	}
	if (n < len) {
		*cp = BAD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = BAD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = BAD;
		return 1;
	}
	*cp = v;
	return len;
}

/* XML 1.0's Char production. */
static int xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static void put_bad(FILE *f)
{
	fputs("\xEF\xBF\xBD", f);
}

void esc_xml_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t c;
		size_t len = decode(p + i, n - i, &c);
		if (c == BAD || !xml_char(c) || c == 0xD) {
			put_bad(f);
		} else if (c == '&') {
			fputs("&amp;", f);
		} else if (c == '<') {
			fputs("&lt;", f);
		} else if (c == '>') {
			fputs("&gt;", f);
		} else if (c == '"') {
			fputs("&quot;", f);
		} else if (c == '\'') {
			fputs("&#39;", f);
		} else if (c == '\n') {
			fputs("&#10;", f);
		} else if (c == '\t') {
			fputs("&#9;", f);
		} else {
			fwrite(p + i, 1, len, f);
		}
		i += len;
	}
}

void esc_xml(FILE *f, const char *s)
{
	esc_xml_n(f, s, strlen(s));
}

void esc_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t c;
		size_t len = decode(p + i, n - i, &c);
		if (c == BAD)
			fputs("\\ufffd", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", (int)c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029 ||
			 (c >= 0xFFFE && c <= 0xFFFF))
			fprintf(f, "\\u%04x", (unsigned)c);
		else
			fwrite(p + i, 1, len, f);
		i += len;
	}
}

void esc_dot(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t c;
		size_t len = decode(p + i, n - i, &c);
		if (c == BAD || (c < 0x20 && c != '\n' && c != '\t'))
			put_bad(f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c == '"')
			fputs("\\\"", f);
		else if (c == '\n')
			fputs("\\l", f);
		else
			fwrite(p + i, 1, len, f);
		i += len;
	}
}

size_t esc_width(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; chars++) {
		uint32_t c;
		i += decode((const unsigned char *)s + i, n - i, &c);
	}
	return chars;
}

size_t esc_prefix(const char *s, size_t n, size_t chars)
{
	size_t i = 0;
	for (size_t k = 0; k < chars && i < n; k++) {
		uint32_t c;
		i += decode((const unsigned char *)s + i, n - i, &c);
	}
	return i;
}
