/* pbuf: protobuf wire encoding into a growable buffer. */
#include "pbuf.h"

#include <string.h>

#include "mem.h"

enum { WIRE_VARINT = 0, WIRE_BYTES = 2 };

void pbuf_init(struct pbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void pbuf_release(struct pbuf *b)
{
	mem_free(b->data, b->cap);
	pbuf_init(b);
}

void pbuf_reset(struct pbuf *b)
{
	b->len = 0;
	b->failed = false;
}

static bool grow(struct pbuf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra < b->len || mem_grow((void **)&b->data, &b->cap, b->len + extra, 1) < 0) {
		b->failed = true;
		return false;
	}
	return true;
}

/* Inline: every varint asks, and the answer is nearly always yes. */
static inline bool reserve(struct pbuf *b, size_t extra)
{
	if (!b->failed && b->cap - b->len >= extra)
		return true;
	return grow(b, extra);
}

void pbuf_append(struct pbuf *b, const void *p, size_t n)
{
	if (!n || !reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void pbuf_varint(struct pbuf *b, uint64_t v)
{
	if (!reserve(b, 10))
		return;
	b->len += pbuf_put_varint(b->data + b->len, v);
}

static void key(struct pbuf *b, int tag, int wire)
{
	pbuf_varint(b, ((uint64_t)tag << 3) | (uint64_t)wire);
}

void pbuf_uint64(struct pbuf *b, int tag, uint64_t v)
{
	if (!v)
		return;
	key(b, tag, WIRE_VARINT);
	pbuf_varint(b, v);
}

void pbuf_int64(struct pbuf *b, int tag, int64_t v)
{
	pbuf_uint64(b, tag, (uint64_t)v);
}

void pbuf_bool(struct pbuf *b, int tag, bool v)
{
	pbuf_uint64(b, tag, v ? 1 : 0);
}

void pbuf_bytes(struct pbuf *b, int tag, const void *p, size_t n)
{
	key(b, tag, WIRE_BYTES);
	pbuf_varint(b, n);
	pbuf_append(b, p, n);
}

void pbuf_string(struct pbuf *b, int tag, const char *s, size_t n)
{
	pbuf_bytes(b, tag, s, n);
}

void pbuf_packed_uint64(struct pbuf *b, int tag, const uint64_t *v, size_t n)
{
	if (!n)
		return;
	size_t body = 0;
	for (size_t i = 0; i < n; i++)
		body += pbuf_varint_size(v[i]);
	key(b, tag, WIRE_BYTES);
	pbuf_varint(b, body);
	if (!reserve(b, body))
		return;
	for (size_t i = 0; i < n; i++)
		b->len += pbuf_put_varint(b->data + b->len, v[i]);
}

void pbuf_packed_int64(struct pbuf *b, int tag, const int64_t *v, size_t n)
{
	pbuf_packed_uint64(b, tag, (const uint64_t *)v, n);
}

size_t pbuf_message_start(struct pbuf *b)
{
	return b->len;
}

void pbuf_message_end(struct pbuf *b, int tag, size_t start)
{
	if (b->failed)
		return;
	uint8_t hdr[20];
	size_t body = b->len - start;
	size_t h = pbuf_put_varint(hdr, ((uint64_t)tag << 3) | WIRE_BYTES);
	h += pbuf_put_varint(hdr + h, body);
	if (!reserve(b, h))
		return;
	memmove(b->data + start + h, b->data + start, body);
	memcpy(b->data + start, hdr, h);
	b->len += h;
}

uint8_t *pbuf_claim(struct pbuf *b, size_t n)
{
	if (!reserve(b, n))
		return NULL;
	uint8_t *at = b->data + b->len;
	b->len += n;
	return at;
}
