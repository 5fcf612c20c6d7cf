/* esc: every string taken from a profile leaves through here, escaped for
 * where it lands (XML/HTML, JSON in a <script>, DOT); invalid UTF-8 and
 * characters XML forbids become U+FFFD, so no name can break a document. */
#ifndef ALLOCPROF_PICTURES_ESC_H
#define ALLOCPROF_PICTURES_ESC_H

#include <stddef.h>
#include <stdio.h>

/* XML text or attribute value (& < > " ' escaped; newline as &#10;). */
void esc_xml(FILE *f, const char *s);
void esc_xml_n(FILE *f, const char *s, size_t n);
/* The contents of a JSON string, safe inside <script> and CDATA. */
void esc_json(FILE *f, const char *s);
/* A DOT string body the way pprof escapes it (\ and " escaped, a newline
 * becomes \l, graphviz's left-justified line break). */
void esc_dot(FILE *f, const char *s);
/* Number of characters (code points, invalid bytes counting one each). */
size_t esc_width(const char *s, size_t n);
/* Byte length of the first `chars` characters of s[0..n). */
size_t esc_prefix(const char *s, size_t n, size_t chars);

#endif
