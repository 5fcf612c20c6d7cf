/* pprof_write: the profile.proto encoder. Ids on output are index + 1, so
 * every id is non-zero and references resolve without a lookup table. */
#include "pprof_write.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gz.h"
#include "mem.h"
#include "pprof_limits.h"
#include "pprof_tags.h"
#include "safefile.h"

static void value_type(struct pbuf *b, int tag, const struct pf_value_type *vt)
{
	size_t m = pbuf_message_start(b);
	pbuf_int64(b, TAG_VALUE_TYPE_TYPE, vt->type);
	pbuf_int64(b, TAG_VALUE_TYPE_UNIT, vt->unit);
	pbuf_message_end(b, tag, m);
}

static uint8_t *put_key(uint8_t *o, int tag, int wire)
{
	return o + pbuf_put_varint(o, (uint64_t)tag << 3 | (uint64_t)wire);
}

static uint8_t *put_uint64(uint8_t *o, int tag, uint64_t v)
{
	if (!v)
		return o;
	o = put_key(o, tag, 0);
	return o + pbuf_put_varint(o, v);
}

/* The bytes of a packed list of location ids (index + 1), each a varint:
 * one byte each below 128, which nearly every id is, so the exact sum is
 * only reckoned when one is not. */
static size_t locs_varint_bytes(const uint32_t *locs, size_t n)
{
	size_t bytes = n;
	uint32_t wide = 0;
	for (size_t k = 0; k < n; k++)
		wide |= locs[k] + 1;
	if (wide < 128)
		return bytes;
	for (size_t k = 0; k < n; k++)
		bytes += pbuf_varint_size((uint64_t)locs[k] + 1) - 1;
	return bytes;
}

enum { LABEL_MAX = 2 + 4 * 11, MEMO_LABELS = 32 };

/* The encoding of each label of the last sample, by position: a sample's
 * labels are mostly its predecessor's (one set of keys, counts that repeat),
 * and copying a label's bytes costs less than encoding its four fields. */
struct label_memo {
	struct pf_label label[MEMO_LABELS];
	uint8_t len[MEMO_LABELS];
	uint8_t bytes[MEMO_LABELS][LABEL_MAX];
};

static bool same_label(const struct pf_label *a, const struct pf_label *b)
{
	return a->key == b->key && a->str == b->str && a->num == b->num && a->num_unit == b->num_unit;
}

/* One label field at o, there being LABEL_MAX bytes of room. */
static uint8_t *put_label(uint8_t *o, const struct pf_label *l, struct label_memo *m, size_t k)
{
	enum { BYTES = 2 };
	if (k < MEMO_LABELS && m->len[k] && same_label(l, &m->label[k])) {
		memcpy(o, m->bytes[k], LABEL_MAX);
		return o + m->len[k];
	}
	uint8_t *start = o;
	o = put_key(o, TAG_SAMPLE_LABEL, BYTES);
	/* four fields of at most 11 bytes: the length is one byte */
	uint8_t *len = o++;
	o = put_uint64(o, TAG_LABEL_KEY, (uint64_t)l->key);
	o = put_uint64(o, TAG_LABEL_STR, (uint64_t)l->str);
	o = put_uint64(o, TAG_LABEL_NUM, (uint64_t)l->num);
	o = put_uint64(o, TAG_LABEL_NUM_UNIT, (uint64_t)l->num_unit);
	*len = (uint8_t)(o - len - 1);
	if (k < MEMO_LABELS) {
		m->label[k] = *l;
		m->len[k] = (uint8_t)(o - start);
		memcpy(m->bytes[k], start, m->len[k]);
	}
	return o;
}

/* A sample, the bytes pbuf_message_end and the field writers would make,
 * written in one go: there is one per stack, with labels. The body is
 * written once, forward, behind room for the longest header it could
 * need; a shorter header moves it back by a byte or two (moving each
 * body to put its length in front, or reckoning every field's size
 * first, cost more). */
static void sample_fields(struct pbuf *b, const struct profile *p, const uint32_t *locs, size_t nlocs,
			  const int64_t *values, const struct pf_label *labels, size_t nlabels,
			  struct label_memo *memo)
{
	enum { BYTES = 2, KEY = 1 };
	size_t locs_body = locs_varint_bytes(locs, nlocs), values_body = 0;
	for (size_t k = 0; k < p->ntypes; k++)
		values_body += pbuf_varint_size((uint64_t)values[k]);
	size_t most = (nlocs ? pbuf_field_size(TAG_SAMPLE_LOCATION_ID, locs_body) : 0) +
		      (p->ntypes ? pbuf_field_size(TAG_SAMPLE_VALUE, values_body) : 0) + nlabels * LABEL_MAX;
	size_t head_most = KEY + pbuf_varint_size(most);
	size_t start = b->len;
	uint8_t *at = pbuf_claim(b, head_most + most);
	if (!at)
		return;
	uint8_t *body = at + head_most, *o = body;
	if (nlocs) {
		o = put_key(o, TAG_SAMPLE_LOCATION_ID, BYTES);
		o += pbuf_put_varint(o, locs_body);
		if (locs_body == nlocs) {
			/* every id below 128: a byte each */
			for (size_t k = 0; k < nlocs; k++)
				o[k] = (uint8_t)(locs[k] + 1);
			o += nlocs;
		} else {
			for (size_t k = 0; k < nlocs; k++)
				o += pbuf_put_varint(o, (uint64_t)locs[k] + 1);
		}
	}
	if (p->ntypes) {
		o = put_key(o, TAG_SAMPLE_VALUE, BYTES);
		o += pbuf_put_varint(o, values_body);
		for (size_t k = 0; k < p->ntypes; k++)
			o += pbuf_put_varint(o, (uint64_t)values[k]);
	}
	for (size_t k = 0; k < nlabels; k++)
		o = put_label(o, &labels[k], memo, k);
	size_t body_len = (size_t)(o - body);
	size_t head = KEY + pbuf_varint_size(body_len);
	if (head < head_most) {
		memmove(at + head, body, body_len);
		body = at + head;
	}
	uint8_t *h = put_key(at, TAG_PROFILE_SAMPLE, BYTES);
	h += pbuf_put_varint(h, body_len);
	assert(h == body);
	b->len = start + head + body_len;
}

static void sample(struct pbuf *b, const struct profile *p, size_t i, struct label_memo *memo)
{
	const struct pf_sample *s = &p->samples[i];
	/* an empty list may have no array at all */
	sample_fields(b, p, s->nlocs ? p->sample_locs + s->loc_start : NULL, s->nlocs,
		      profile_sample_values(p, i), s->nlabels ? p->labels + s->label_start : NULL,
		      s->nlabels, memo);
}

static void mapping(struct pbuf *b, const struct pf_mapping *mp, size_t idx)
{
	size_t m = pbuf_message_start(b);
	pbuf_uint64(b, TAG_MAPPING_ID, idx + 1);
	pbuf_uint64(b, TAG_MAPPING_START, mp->start);
	pbuf_uint64(b, TAG_MAPPING_LIMIT, mp->limit);
	pbuf_uint64(b, TAG_MAPPING_OFFSET, mp->offset);
	pbuf_int64(b, TAG_MAPPING_FILENAME, mp->filename);
	pbuf_int64(b, TAG_MAPPING_BUILD_ID, mp->build_id);
	pbuf_bool(b, TAG_MAPPING_HAS_FUNCTIONS, mp->has_functions);
	pbuf_bool(b, TAG_MAPPING_HAS_FILENAMES, mp->has_filenames);
	pbuf_bool(b, TAG_MAPPING_HAS_LINE_NUMBERS, mp->has_line_numbers);
	pbuf_bool(b, TAG_MAPPING_HAS_INLINE_FRAMES, mp->has_inline_frames);
	pbuf_message_end(b, TAG_PROFILE_MAPPING, m);
}

static void location(struct pbuf *b, const struct profile *p, size_t idx)
{
	const struct pf_location *l = &p->locations[idx];
	size_t m = pbuf_message_start(b);
	pbuf_uint64(b, TAG_LOCATION_ID, idx + 1);
	if (l->mapping != PF_NONE)
		pbuf_uint64(b, TAG_LOCATION_MAPPING_ID, (uint64_t)l->mapping + 1);
	pbuf_uint64(b, TAG_LOCATION_ADDRESS, l->address);
	for (uint32_t k = 0; k < l->nlines; k++) {
		const struct pf_line *ln = &p->lines[l->line_start + k];
		size_t lm = pbuf_message_start(b);
		pbuf_uint64(b, TAG_LINE_FUNCTION_ID, (uint64_t)ln->function + 1);
		pbuf_int64(b, TAG_LINE_LINE, ln->line);
		pbuf_int64(b, TAG_LINE_COLUMN, ln->column);
		pbuf_message_end(b, TAG_LOCATION_LINE, lm);
	}
	pbuf_bool(b, TAG_LOCATION_IS_FOLDED, l->is_folded);
	pbuf_message_end(b, TAG_PROFILE_LOCATION, m);
}

static void function(struct pbuf *b, const struct pf_function *f, size_t idx)
{
	size_t m = pbuf_message_start(b);
	pbuf_uint64(b, TAG_FUNCTION_ID, idx + 1);
	pbuf_int64(b, TAG_FUNCTION_NAME, f->name);
	pbuf_int64(b, TAG_FUNCTION_SYSTEM_NAME, f->system_name);
	pbuf_int64(b, TAG_FUNCTION_FILENAME, f->filename);
	pbuf_int64(b, TAG_FUNCTION_START_LINE, f->start_line);
	pbuf_message_end(b, TAG_PROFILE_FUNCTION, m);
}

static int series(struct pbuf *b, int tag_t, int tag_v, const struct pf_point *pts, size_t n)
{
	if (!n)
		return 0;
	int64_t *tmp = mem_alloc(n * sizeof(int64_t));
	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		tmp[i] = pts[i].t_ns;
	pbuf_packed_int64(b, tag_t, tmp, n);
	for (size_t i = 0; i < n; i++)
		tmp[i] = pts[i].value;
	pbuf_packed_int64(b, tag_v, tmp, n);
	mem_free(tmp, n * sizeof(int64_t));
	return 0;
}

static int extension(struct pbuf *b, const struct profile *p)
{
	if (!p->ntimeline_inuse && !p->ntimeline_rss)
		return 0;
	size_t m = pbuf_message_start(b);
	if (series(b, TAG_ALLOCPROF_INUSE_T, TAG_ALLOCPROF_INUSE_V, p->timeline_inuse, p->ntimeline_inuse) < 0 ||
	    series(b, TAG_ALLOCPROF_RSS_T, TAG_ALLOCPROF_RSS_V, p->timeline_rss, p->ntimeline_rss) < 0)
		return -ENOMEM;
	pbuf_message_end(b, TAG_PROFILE_ALLOCPROF, m);
	return 0;
}

/* Where a gzipped encoding goes as it is made: between top-level fields,
 * once the buffer holds SPILL_BYTES, its content moves on to the compressor,
 * so the uncompressed profile is never whole in memory. */
struct spill {
	struct gz_stream *gz;
	size_t spilled;
};
enum { SPILL_BYTES = 256 << 10 };

static void spill(struct pbuf *b, struct spill *sp)
{
	if (!sp || b->len < SPILL_BYTES || b->failed)
		return;
	gz_stream_write(sp->gz, b->data, b->len);
	sp->spilled += b->len;
	pbuf_reset(b);
}

/* The samples a source makes after the profile's own. */
static int encode_more(const struct profile *p, struct pbuf *b, struct spill *sp,
		       const struct pprof_sample_source *more, struct label_memo *memo)
{
	struct pprof_sample s;
	while (!b->failed && more->next(more->ctx, &s)) {
		sample_fields(b, p, s.locs, s.nlocs, s.values, s.labels, s.nlabels, memo);
		spill(b, sp);
	}
	return b->failed ? -ENOMEM : 0;
}

static int encode(const struct profile *p, struct pbuf *b, struct spill *sp,
		  const struct pprof_sample_source *more)
{
	for (size_t i = 0; i < p->ntypes; i++)
		value_type(b, TAG_PROFILE_SAMPLE_TYPE, &p->sample_types[i]);

	struct label_memo memo;
	memset(&memo, 0, sizeof(memo));
	for (size_t i = 0; i < p->nsamples; i++) {
		sample(b, p, i, &memo);
		spill(b, sp);
	}
	if (more && encode_more(p, b, sp, more, &memo) < 0)
		return -ENOMEM;

	for (size_t i = 0; i < p->nmappings; i++)
		mapping(b, &p->mappings[i], i);
	for (size_t i = 0; i < p->nlocations; i++) {
		location(b, p, i);
		spill(b, sp);
	}
	for (size_t i = 0; i < p->nfunctions; i++) {
		function(b, &p->functions[i], i);
		spill(b, sp);
	}
	for (size_t i = 0; i < p->strings.n; i++) {
		pbuf_string(b, TAG_PROFILE_STRING_TABLE, p->strings.strs[i], p->strings.lens[i]);
		spill(b, sp);
	}
	pbuf_int64(b, TAG_PROFILE_DROP_FRAMES, p->drop_frames);
	pbuf_int64(b, TAG_PROFILE_KEEP_FRAMES, p->keep_frames);
	pbuf_int64(b, TAG_PROFILE_TIME_NANOS, p->time_nanos);
	pbuf_int64(b, TAG_PROFILE_DURATION_NANOS, p->duration_nanos);
	if (p->period_type.type || p->period_type.unit)
		value_type(b, TAG_PROFILE_PERIOD_TYPE, &p->period_type);
	pbuf_int64(b, TAG_PROFILE_PERIOD, p->period);
	if (p->ncomments) {
		int64_t *c = mem_alloc(p->ncomments * sizeof(int64_t));
		if (!c)
			return -ENOMEM;
		for (size_t i = 0; i < p->ncomments; i++)
			c[i] = p->comments[i];
		pbuf_packed_int64(b, TAG_PROFILE_COMMENT, c, p->ncomments);
		mem_free(c, p->ncomments * sizeof(int64_t));
	}
	pbuf_int64(b, TAG_PROFILE_DEFAULT_SAMPLE_TYPE, p->default_sample_type);
	if (extension(b, p) < 0)
		return -ENOMEM;
	return b->failed ? -ENOMEM : 0;
}

/* The checks before encoding. */
static int encodable(const struct profile *p)
{
	if (p->failed)
		return -ENOMEM;
	if (p->ncomments > PPROF_MAX_COMMENTS)
		return -EFBIG;
	/* the strings alone may already be too much: refuse before copying them */
	size_t strbytes = 0;
	for (size_t i = 0; i < p->strings.n; i++)
		if ((strbytes += p->strings.lens[i]) > PPROF_READ_MAX_BYTES)
			return -EFBIG;
	return 0;
}

int pprof_encode(const struct profile *p, struct pbuf *b)
{
	int rc = encodable(p);
	if (rc < 0)
		return rc;
	size_t start = b->len;
	rc = encode(p, b, NULL, NULL);
	if (rc == 0 && b->len - start > PPROF_READ_MAX_BYTES)
		rc = -EFBIG;
	return rc;
}

const char *pprof_write_strerror(int rc)
{
	static char msg[160];
	if (rc != -EFBIG)
		return safefile_strerror(rc);
	snprintf(msg, sizeof(msg), "the profile would exceed what allocprof reads (%zu MiB uncompressed, %d comments)",
		 PPROF_READ_MAX_BYTES >> 20, PPROF_MAX_COMMENTS);
	return msg;
}

int pprof_encode_gzip(const struct profile *p, struct pbuf *out)
{
	return pprof_encode_gzip_with(p, NULL, out);
}

int pprof_encode_gzip_with(const struct profile *p, const struct pprof_sample_source *more,
			   struct pbuf *out)
{
	int rc = encodable(p);
	if (rc < 0)
		return rc;
	size_t start = out->len;
	struct spill sp = {gz_stream_begin(out), 0};
	if (!sp.gz)
		return -ENOMEM;
	struct pbuf raw;
	pbuf_init(&raw);
	rc = encode(p, &raw, &sp, more);
	if (rc == 0 && sp.spilled + raw.len > PPROF_READ_MAX_BYTES)
		rc = -EFBIG;
	gz_stream_write(sp.gz, raw.data, raw.len);
	int zrc = gz_stream_finish(sp.gz);
	if (rc == 0)
		rc = zrc;
	/* incompressible data grows a little, and the reader bounds the file too */
	if (rc == 0 && out->len - start > PPROF_READ_MAX_BYTES)
		rc = -EFBIG;
	pbuf_release(&raw);
	return rc;
}

int pprof_write_fd(const struct profile *p, int fd)
{
	struct pbuf gz;
	pbuf_init(&gz);
	int rc = pprof_encode_gzip(p, &gz);
	for (size_t off = 0; rc == 0 && off < gz.len;) {
		ssize_t n = write(fd, gz.data + off, gz.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	pbuf_release(&gz);
	return rc;
}

int pprof_write_file(const struct profile *p, const char *path)
{
	if (!strcmp(path, "-"))
		return pprof_write_fd(p, 1);
	struct pbuf gz;
	pbuf_init(&gz);
	int rc = pprof_encode_gzip(p, &gz);
	struct safefile sf;
	if (rc == 0 && (rc = safefile_create(&sf, path, 0644)) == 0) {
		rc = safefile_write(&sf, gz.data, gz.len);
		if (rc == 0)
			rc = safefile_publish(&sf, path, true);
		safefile_abort(&sf);
	}
	pbuf_release(&gz);
	return rc;
}
