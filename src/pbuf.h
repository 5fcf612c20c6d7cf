/* pbuf: a growable byte buffer and the protobuf wire encoding written into it
 * (varints, tags, packed fields, length-prefixed submessages back-patched the
 * way Go's runtime/pprof protobuf.go does it). No protobuf library. */
#ifndef ALLOCPROF_PBUF_H
#define ALLOCPROF_PBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pbuf {
	uint8_t *data;
	size_t len, cap;
	bool failed; /* sticky: an allocation failed, the content is incomplete */
};

void pbuf_init(struct pbuf *b);
void pbuf_release(struct pbuf *b);
void pbuf_reset(struct pbuf *b);
void pbuf_append(struct pbuf *b, const void *p, size_t n);

void pbuf_varint(struct pbuf *b, uint64_t v);
/* Fields are skipped when they hold the proto3 default (0, empty). */
void pbuf_uint64(struct pbuf *b, int tag, uint64_t v);
void pbuf_int64(struct pbuf *b, int tag, int64_t v);
void pbuf_bool(struct pbuf *b, int tag, bool v);
void pbuf_bytes(struct pbuf *b, int tag, const void *p, size_t n);
void pbuf_string(struct pbuf *b, int tag, const char *s, size_t n);
/* Repeated scalars go packed, the proto3 default encoding. */
void pbuf_packed_uint64(struct pbuf *b, int tag, const uint64_t *v, size_t n);
void pbuf_packed_int64(struct pbuf *b, int tag, const int64_t *v, size_t n);

/* A submessage: remember where its body starts, write the body, then
 * pbuf_message_end inserts tag and length in front of it. */
size_t pbuf_message_start(struct pbuf *b);
void pbuf_message_end(struct pbuf *b, int tag, size_t start);

/* A message written in one go, its size reckoned first, so that no body
 * moves to make room for its length (for messages there are very many
 * of): pbuf_claim hands out the next n bytes, which the caller fills with
 * pbuf_put_varint (NULL when out of memory); the _size functions say how
 * many bytes the writers above would write. */
uint8_t *pbuf_claim(struct pbuf *b, size_t n);

static inline size_t pbuf_varint_size(uint64_t v)
{
	/* 7 bits a byte: 1 + (index of the top bit) / 7 */
	return (size_t)((63 - __builtin_clzll(v | 1)) * 9 + 73) / 64;
}

static inline size_t pbuf_put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* What pbuf_uint64 writes: nothing for 0. */
static inline size_t pbuf_uint64_size(int tag, uint64_t v)
{
	return v ? pbuf_varint_size((uint64_t)tag << 3) + pbuf_varint_size(v) : 0;
}

/* A length-delimited field (bytes, a packed list, a submessage) of body bytes. */
static inline size_t pbuf_field_size(int tag, size_t body)
{
	return pbuf_varint_size((uint64_t)tag << 3) + pbuf_varint_size(body) + body;
}

#endif
