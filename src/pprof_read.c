/* pprof_read: the decoder. Messages are decoded with raw ids and string
 * indices first (the string table may come last in the file), then every
 * reference is resolved and checked in one pass at the end. */
#include "pprof_read.h"
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gz.h"
#include "mem.h"
#include "pbuf.h"
#include "pprof_tags.h"

enum { WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_BYTES = 2, WIRE_I32 = 5 };

struct cursor {
	const uint8_t *p, *end;
};

struct field {
	uint32_t tag;
	int wire;
	uint64_t v;             /* varint / fixed value */
	struct cursor bytes;    /* WIRE_BYTES payload */
};

/* Raw ids seen while decoding; resolved into indices at the end. */
struct raw {
	uint64_t *mapping_ids;
	size_t cap_mapping_ids;
	uint64_t *function_ids;
	size_t cap_function_ids;
	uint64_t *location_ids;
	size_t cap_location_ids;
	uint64_t *location_mapping_ids; /* per location */
	size_t cap_location_mapping_ids;
	uint64_t *line_function_ids; /* per line */
	size_t cap_line_function_ids;
	uint64_t *sample_location_ids; /* per sample_locs entry */
	size_t cap_sample_location_ids;
	int64_t *value_scratch;
	size_t nvalues_scratch, cap_value_scratch;
};

struct reader {
	struct profile *p;
	struct raw raw;
	struct pprof_error *err;
	bool failed;
};

static int fail(struct reader *r, const char *fmt, ...)
{
	if (!r->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
		va_end(ap);
		r->failed = true;
	}
	return -1;
}

static int nomem(struct reader *r)
{
	return fail(r, "out of memory");
}

static int read_varint(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (c->p >= c->end)
			return -1;
		uint8_t b = *c->p++;
		if (shift == 63 && b > 1)
			return -1;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* Reads the next field of a message. Returns 1 for a field, 0 at the end,
 * -1 on malformed input. */
static int next_field(struct reader *r, struct cursor *c, struct field *f, const char *what)
{
	if (c->p >= c->end)
		return 0;
	uint64_t key;
	if (read_varint(c, &key) < 0)
		return fail(r, "malformed %s: bad field key", what);
	f->tag = (uint32_t)(key >> 3);
	f->wire = (int)(key & 7);
	if (key >> 3 == 0 || key >> 3 > 0x1fffffff)
		return fail(r, "malformed %s: bad field number", what);
	switch (f->wire) {
	case WIRE_VARINT:
		if (read_varint(c, &f->v) < 0)
			return fail(r, "malformed %s: truncated varint", what);
		return 1;
	case WIRE_I64:
		if (c->end - c->p < 8)
			return fail(r, "malformed %s: truncated fixed64", what);
		memcpy(&f->v, c->p, 8);
		c->p += 8;
		return 1;
	case WIRE_I32: {
		if (c->end - c->p < 4)
			return fail(r, "malformed %s: truncated fixed32", what);
		uint32_t v32;
		memcpy(&v32, c->p, 4);
		f->v = v32;
		c->p += 4;
		return 1;
	}
	case WIRE_BYTES: {
		uint64_t n;
		if (read_varint(c, &n) < 0 || n > (uint64_t)(c->end - c->p))
			return fail(r, "malformed %s: length beyond end of data", what);
		f->bytes.p = c->p;
		f->bytes.end = c->p + n;
		c->p += n;
		return 1;
	}
	default:
		return fail(r, "malformed %s: unsupported wire type %d", what, f->wire);
	}
}

/* Calls add(r, value, ctx) for a scalar repeated field, packed or not. */
static int each_scalar(struct reader *r, const struct field *f, const char *what,
		       int (*add)(struct reader *, uint64_t, void *), void *ctx)
{
	if (f->wire == WIRE_VARINT)
		return add(r, f->v, ctx);
	if (f->wire != WIRE_BYTES)
		return fail(r, "malformed %s: wrong wire type for a number", what);
	struct cursor c = f->bytes;
	while (c.p < c.end) {
		uint64_t v;
		if (read_varint(&c, &v) < 0)
			return fail(r, "malformed %s: truncated packed varint", what);
		if (add(r, v, ctx) < 0)
			return -1;
	}
	return 0;
}

static int want_varint(struct reader *r, const struct field *f, const char *what)
{
	if (f->wire != WIRE_VARINT)
		return fail(r, "malformed %s: field %u has wire type %d, expected varint", what,
			    f->tag, f->wire);
	return 0;
}

/* String indices are range-checked once the whole table is known; anything
 * too large to store is clamped to a value that check will reject. */
static void set_str(struct reader *r, uint32_t *slot, uint64_t idx)
{
	(void)r;
	*slot = idx > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)idx;
}

static int decode_value_type(struct reader *r, struct cursor c, struct pf_value_type *vt)
{
	struct field f;
	int k;
	memset(vt, 0, sizeof(*vt));
	while ((k = next_field(r, &c, &f, "value type")) > 0) {
		if (f.tag == TAG_VALUE_TYPE_TYPE || f.tag == TAG_VALUE_TYPE_UNIT) {
			if (want_varint(r, &f, "value type") < 0)
				return -1;
			set_str(r, f.tag == TAG_VALUE_TYPE_TYPE ? &vt->type : &vt->unit, f.v);
		}
	}
	return k;
}

static int add_sample_location(struct reader *r, uint64_t id, void *ctx)
{
	struct profile *p = r->p;
	(void)ctx;
	if (MEM_GROW(p->sample_locs, p->cap_sample_locs, p->nsample_locs + 1) < 0 ||
	    MEM_GROW(r->raw.sample_location_ids, r->raw.cap_sample_location_ids, p->nsample_locs + 1) < 0)
		return nomem(r);
	r->raw.sample_location_ids[p->nsample_locs] = id;
	p->sample_locs[p->nsample_locs++] = 0;
	return 0;
}

static int add_value(struct reader *r, uint64_t v, void *ctx)
{
	struct raw *w = &r->raw;
	(void)ctx;
	if (MEM_GROW(w->value_scratch, w->cap_value_scratch, w->nvalues_scratch + 1) < 0)
		return nomem(r);
	w->value_scratch[w->nvalues_scratch++] = (int64_t)v;
	return 0;
}

static int decode_label(struct reader *r, struct cursor c, struct pf_label *l)
{
	struct field f;
	int k;
	memset(l, 0, sizeof(*l));
	while ((k = next_field(r, &c, &f, "label")) > 0) {
		switch (f.tag) {
		case TAG_LABEL_KEY:
		case TAG_LABEL_STR:
		case TAG_LABEL_NUM_UNIT:
			if (want_varint(r, &f, "label") < 0)
				return -1;
			set_str(r, f.tag == TAG_LABEL_KEY ? &l->key : f.tag == TAG_LABEL_STR ? &l->str : &l->num_unit, f.v);
			break;
		case TAG_LABEL_NUM:
			if (want_varint(r, &f, "label") < 0)
				return -1;
			l->num = (int64_t)f.v;
			break;
		}
	}
	return k;
}

static int decode_sample(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct field f;
	int k;
	struct pf_sample s = {(uint32_t)p->nsample_locs, 0, (uint32_t)p->nlabels, 0};
	r->raw.nvalues_scratch = 0;
	while ((k = next_field(r, &c, &f, "sample")) > 0) {
		switch (f.tag) {
		case TAG_SAMPLE_LOCATION_ID:
			if (each_scalar(r, &f, "sample", add_sample_location, NULL) < 0)
				return -1;
			break;
		case TAG_SAMPLE_VALUE:
			if (each_scalar(r, &f, "sample", add_value, NULL) < 0)
				return -1;
			break;
		case TAG_SAMPLE_LABEL:
			if (f.wire != WIRE_BYTES)
				return fail(r, "malformed sample: label is not a message");
			if (MEM_GROW(p->labels, p->cap_labels, p->nlabels + 1) < 0)
				return nomem(r);
			if (decode_label(r, f.bytes, &p->labels[p->nlabels]) < 0)
				return -1;
			p->nlabels++;
			break;
		}
	}
	if (k < 0)
		return -1;
	if (p->nsample_locs - s.loc_start > UINT32_MAX || p->nlabels - s.label_start > UINT32_MAX)
		return fail(r, "sample too large");
	s.nlocs = (uint32_t)(p->nsample_locs - s.loc_start);
	s.nlabels = (uint32_t)(p->nlabels - s.label_start);
	if (r->raw.nvalues_scratch != p->ntypes)
		return fail(r, "sample %zu has %zu values, but the profile has %zu sample types",
			    p->nsamples + 1, r->raw.nvalues_scratch, p->ntypes);
	if (MEM_GROW(p->samples, p->cap_samples, p->nsamples + 1) < 0 ||
	    MEM_GROW(p->values, p->cap_values, (p->nsamples + 1) * p->ntypes + 1) < 0)
		return nomem(r);
	if (p->ntypes)
		memcpy(p->values + p->nsamples * p->ntypes, r->raw.value_scratch,
		       p->ntypes * sizeof(int64_t));
	p->samples[p->nsamples++] = s;
	return 0;
}

static int decode_mapping(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct pf_mapping m;
	uint64_t id = 0;
	struct field f;
	int k;
	memset(&m, 0, sizeof(m));
	while ((k = next_field(r, &c, &f, "mapping")) > 0) {
		if (f.tag > TAG_MAPPING_HAS_INLINE_FRAMES)
			continue;
		if (want_varint(r, &f, "mapping") < 0)
			return -1;
		switch (f.tag) {
		case TAG_MAPPING_ID: id = f.v; break;
		case TAG_MAPPING_START: m.start = f.v; break;
		case TAG_MAPPING_LIMIT: m.limit = f.v; break;
		case TAG_MAPPING_OFFSET: m.offset = f.v; break;
		case TAG_MAPPING_FILENAME: set_str(r, &m.filename, f.v); break;
		case TAG_MAPPING_BUILD_ID: set_str(r, &m.build_id, f.v); break;
		case TAG_MAPPING_HAS_FUNCTIONS: m.has_functions = f.v != 0; break;
		case TAG_MAPPING_HAS_FILENAMES: m.has_filenames = f.v != 0; break;
		case TAG_MAPPING_HAS_LINE_NUMBERS: m.has_line_numbers = f.v != 0; break;
		case TAG_MAPPING_HAS_INLINE_FRAMES: m.has_inline_frames = f.v != 0; break;
		}
	}
	if (k < 0)
		return -1;
	if (MEM_GROW(r->raw.mapping_ids, r->raw.cap_mapping_ids, p->nmappings + 1) < 0 ||
	    profile_add_mapping(p, &m) == PF_NONE)
		return nomem(r);
	r->raw.mapping_ids[p->nmappings - 1] = id;
	return 0;
}

static int decode_line(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct pf_line ln = {0, 0, 0};
	uint64_t fid = 0;
	struct field f;
	int k;
	while ((k = next_field(r, &c, &f, "line")) > 0) {
		if (f.tag > TAG_LINE_COLUMN)
			continue;
		if (want_varint(r, &f, "line") < 0)
			return -1;
		if (f.tag == TAG_LINE_FUNCTION_ID)
			fid = f.v;
		else if (f.tag == TAG_LINE_LINE)
			ln.line = (int64_t)f.v;
		else
			ln.column = (int64_t)f.v;
	}
	if (k < 0)
		return -1;
	if (MEM_GROW(p->lines, p->cap_lines, p->nlines + 1) < 0 ||
	    MEM_GROW(r->raw.line_function_ids, r->raw.cap_line_function_ids, p->nlines + 1) < 0)
		return nomem(r);
	r->raw.line_function_ids[p->nlines] = fid;
	p->lines[p->nlines++] = ln;
	return 0;
}

static int decode_location(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct pf_location l;
	uint64_t id = 0, mapping_id = 0;
	struct field f;
	int k;
	memset(&l, 0, sizeof(l));
	l.line_start = (uint32_t)p->nlines;
	while ((k = next_field(r, &c, &f, "location")) > 0) {
		switch (f.tag) {
		case TAG_LOCATION_ID:
		case TAG_LOCATION_MAPPING_ID:
		case TAG_LOCATION_ADDRESS:
		case TAG_LOCATION_IS_FOLDED:
			if (want_varint(r, &f, "location") < 0)
				return -1;
			if (f.tag == TAG_LOCATION_ID)
				id = f.v;
			else if (f.tag == TAG_LOCATION_MAPPING_ID)
				mapping_id = f.v;
			else if (f.tag == TAG_LOCATION_ADDRESS)
				l.address = f.v;
			else
				l.is_folded = f.v != 0;
			break;
		case TAG_LOCATION_LINE:
			if (f.wire != WIRE_BYTES)
				return fail(r, "malformed location: line is not a message");
			if (decode_line(r, f.bytes) < 0)
				return -1;
			break;
		}
	}
	if (k < 0)
		return -1;
	if (p->nlines - l.line_start > UINT32_MAX)
		return fail(r, "location with too many lines");
	l.nlines = (uint32_t)(p->nlines - l.line_start);
	l.mapping = PF_NONE;
	if (MEM_GROW(p->locations, p->cap_locations, p->nlocations + 1) < 0 ||
	    MEM_GROW(r->raw.location_ids, r->raw.cap_location_ids, p->nlocations + 1) < 0 ||
	    MEM_GROW(r->raw.location_mapping_ids, r->raw.cap_location_mapping_ids, p->nlocations + 1) < 0)
		return nomem(r);
	r->raw.location_ids[p->nlocations] = id;
	r->raw.location_mapping_ids[p->nlocations] = mapping_id;
	p->locations[p->nlocations++] = l;
	return 0;
}

static int decode_function(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct pf_function fn;
	uint64_t id = 0;
	struct field f;
	int k;
	memset(&fn, 0, sizeof(fn));
	while ((k = next_field(r, &c, &f, "function")) > 0) {
		if (f.tag > TAG_FUNCTION_START_LINE)
			continue;
		if (want_varint(r, &f, "function") < 0)
			return -1;
		switch (f.tag) {
		case TAG_FUNCTION_ID: id = f.v; break;
		case TAG_FUNCTION_NAME: set_str(r, &fn.name, f.v); break;
		case TAG_FUNCTION_SYSTEM_NAME: set_str(r, &fn.system_name, f.v); break;
		case TAG_FUNCTION_FILENAME: set_str(r, &fn.filename, f.v); break;
		case TAG_FUNCTION_START_LINE: fn.start_line = (int64_t)f.v; break;
		}
	}
	if (k < 0)
		return -1;
	/* no interning: the file's functions stay as they are */
	if (MEM_GROW(p->functions, p->cap_functions, p->nfunctions + 1) < 0 ||
	    MEM_GROW(r->raw.function_ids, r->raw.cap_function_ids, p->nfunctions + 1) < 0)
		return nomem(r);
	r->raw.function_ids[p->nfunctions] = id;
	p->functions[p->nfunctions++] = fn;
	return 0;
}

static int add_comment(struct reader *r, uint64_t v, void *ctx)
{
	struct profile *p = r->p;
	(void)ctx;
	if (p->ncomments >= PPROF_MAX_COMMENTS)
		return fail(r, "more than %d comments; refusing the profile", PPROF_MAX_COMMENTS);
	if (MEM_GROW(p->comments, p->cap_comments, p->ncomments + 1) < 0)
		return nomem(r);
	set_str(r, &p->comments[p->ncomments++], v);
	return 0;
}

struct series_ctx {
	struct pf_point **pts;
	size_t *n, *cap;
	bool values; /* filling .value of points already there, not .t_ns of new ones */
	size_t next;
};

static int add_series(struct reader *r, uint64_t v, void *ctx)
{
	struct series_ctx *s = ctx;
	if (s->values) {
		if (s->next >= *s->n)
			return fail(r, "malformed timeline: more values than times");
		(*s->pts)[s->next++].value = (int64_t)v;
		return 0;
	}
	if (MEM_GROW(*s->pts, *s->cap, *s->n + 1) < 0)
		return nomem(r);
	(*s->pts)[*s->n].t_ns = (int64_t)v;
	(*s->pts)[(*s->n)++].value = 0;
	return 0;
}

/* allocprof's extension: times first, then values of the same length. */
static int decode_allocprof(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct field f;
	int k;
	size_t ninuse_v = 0, nrss_v = 0;
	while ((k = next_field(r, &c, &f, "allocprof extension")) > 0) {
		bool inuse = f.tag == TAG_ALLOCPROF_INUSE_T || f.tag == TAG_ALLOCPROF_INUSE_V;
		bool values = f.tag == TAG_ALLOCPROF_INUSE_V || f.tag == TAG_ALLOCPROF_RSS_V;
		if (f.tag < TAG_ALLOCPROF_INUSE_T || f.tag > TAG_ALLOCPROF_RSS_V)
			continue;
		struct series_ctx s = {inuse ? &p->timeline_inuse : &p->timeline_rss,
				       inuse ? &p->ntimeline_inuse : &p->ntimeline_rss,
				       inuse ? &p->cap_timeline_inuse : &p->cap_timeline_rss, values,
				       values ? (inuse ? ninuse_v : nrss_v) : 0};
		if (each_scalar(r, &f, "allocprof extension", add_series, &s) < 0)
			return -1;
		if (values)
			*(inuse ? &ninuse_v : &nrss_v) = s.next;
	}
	if (k < 0)
		return -1;
	if (ninuse_v != p->ntimeline_inuse || nrss_v != p->ntimeline_rss)
		return fail(r, "malformed timeline: %zu times but %zu values", p->ntimeline_inuse + p->ntimeline_rss,
			    ninuse_v + nrss_v);
	return 0;
}

static int decode_profile(struct reader *r, struct cursor c)
{
	struct profile *p = r->p;
	struct field f;
	int k;
	bool saw_sample = false;
	while ((k = next_field(r, &c, &f, "profile")) > 0) {
		bool msg = f.tag <= TAG_PROFILE_STRING_TABLE || f.tag == TAG_PROFILE_PERIOD_TYPE;
		if (msg && f.wire != WIRE_BYTES)
			return fail(r, "malformed profile: field %u is not length-delimited", f.tag);
		switch (f.tag) {
		case TAG_PROFILE_SAMPLE_TYPE:
			if (saw_sample)
				return fail(r, "unsupported profile: sample_type after samples");
			if (MEM_GROW(p->sample_types, p->cap_types, p->ntypes + 1) < 0)
				return nomem(r);
			if (decode_value_type(r, f.bytes, &p->sample_types[p->ntypes]) < 0)
				return -1;
			p->ntypes++;
			break;
		case TAG_PROFILE_SAMPLE:
			saw_sample = true;
			if (decode_sample(r, f.bytes) < 0)
				return -1;
			break;
		case TAG_PROFILE_MAPPING:
			if (decode_mapping(r, f.bytes) < 0)
				return -1;
			break;
		case TAG_PROFILE_LOCATION:
			if (decode_location(r, f.bytes) < 0)
				return -1;
			break;
		case TAG_PROFILE_FUNCTION:
			if (decode_function(r, f.bytes) < 0)
				return -1;
			break;
		case TAG_PROFILE_STRING_TABLE:
			profile_string_append(p, (const char *)f.bytes.p, (size_t)(f.bytes.end - f.bytes.p));
			if (p->failed)
				return nomem(r);
			break;
		case TAG_PROFILE_DROP_FRAMES:
		case TAG_PROFILE_KEEP_FRAMES:
		case TAG_PROFILE_DEFAULT_SAMPLE_TYPE:
			if (want_varint(r, &f, "profile") < 0)
				return -1;
			set_str(r, f.tag == TAG_PROFILE_DROP_FRAMES ? &p->drop_frames :
				   f.tag == TAG_PROFILE_KEEP_FRAMES ? &p->keep_frames : &p->default_sample_type, f.v);
			break;
		case TAG_PROFILE_TIME_NANOS:
		case TAG_PROFILE_DURATION_NANOS:
		case TAG_PROFILE_PERIOD:
			if (want_varint(r, &f, "profile") < 0)
				return -1;
			*(f.tag == TAG_PROFILE_TIME_NANOS ? &p->time_nanos :
			  f.tag == TAG_PROFILE_DURATION_NANOS ? &p->duration_nanos : &p->period) = (int64_t)f.v;
			break;
		case TAG_PROFILE_PERIOD_TYPE:
			if (decode_value_type(r, f.bytes, &p->period_type) < 0)
				return -1;
			break;
		case TAG_PROFILE_COMMENT:
			if (each_scalar(r, &f, "profile", add_comment, NULL) < 0)
				return -1;
			break;
		case TAG_PROFILE_ALLOCPROF:
			if (f.wire != WIRE_BYTES)
				return fail(r, "malformed profile: the allocprof extension is not a message");
			if (decode_allocprof(r, f.bytes) < 0)
				return -1;
			break;
		}
	}
	return k;
}

static void raw_release(struct raw *w)
{
	mem_free(w->mapping_ids, w->cap_mapping_ids * sizeof(uint64_t));
	mem_free(w->function_ids, w->cap_function_ids * sizeof(uint64_t));
	mem_free(w->location_ids, w->cap_location_ids * sizeof(uint64_t));
	mem_free(w->location_mapping_ids, w->cap_location_mapping_ids * sizeof(uint64_t));
	mem_free(w->line_function_ids, w->cap_line_function_ids * sizeof(uint64_t));
	mem_free(w->sample_location_ids, w->cap_sample_location_ids * sizeof(uint64_t));
	mem_free(w->value_scratch, w->cap_value_scratch * sizeof(int64_t));
}

/* Builds id -> index for one kind of entity, refusing 0 and duplicates. */
static int index_ids(struct reader *r, struct hmap *m, const uint64_t *ids, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == 0)
			return fail(r, "invalid profile: %s %zu has id 0", what, i + 1);
		if (hmap_get(m, ids[i]) != HMAP_EMPTY)
			return fail(r, "invalid profile: duplicate %s id %llu", what,
				    (unsigned long long)ids[i]);
		if (hmap_insert(m, ids[i], i) < 0)
			return nomem(r);
	}
	return 0;
}

static int check_str(struct reader *r, uint32_t idx, const char *what)
{
	if (idx >= r->p->strings.n)
		return fail(r, "invalid profile: %s refers to string %u, but the table has %zu", what,
			    idx, r->p->strings.n);
	return 0;
}

static int resolve(struct reader *r)
{
	struct profile *p = r->p;
	struct raw *w = &r->raw;
	if (p->strings.n == 0 || p->strings.lens[0] != 0)
		return fail(r, "invalid profile: the string table must start with \"\"");
	for (size_t i = 0; i < p->ntypes; i++)
		if (check_str(r, p->sample_types[i].type, "a sample type") < 0 ||
		    check_str(r, p->sample_types[i].unit, "a sample type") < 0)
			return -1;
	for (size_t i = 0; i < p->nlabels; i++)
		if (check_str(r, p->labels[i].key, "a label") < 0 ||
		    check_str(r, p->labels[i].str, "a label") < 0 ||
		    check_str(r, p->labels[i].num_unit, "a label") < 0)
			return -1;
	for (size_t i = 0; i < p->nmappings; i++)
		if (check_str(r, p->mappings[i].filename, "a mapping") < 0 ||
		    check_str(r, p->mappings[i].build_id, "a mapping") < 0)
			return -1;
	for (size_t i = 0; i < p->nfunctions; i++)
		if (check_str(r, p->functions[i].name, "a function") < 0 ||
		    check_str(r, p->functions[i].system_name, "a function") < 0 ||
		    check_str(r, p->functions[i].filename, "a function") < 0)
			return -1;
	for (size_t i = 0; i < p->ncomments; i++)
		if (check_str(r, p->comments[i], "a comment") < 0)
			return -1;
	if (check_str(r, p->drop_frames, "drop_frames") < 0 ||
	    check_str(r, p->keep_frames, "keep_frames") < 0 ||
	    check_str(r, p->default_sample_type, "default_sample_type") < 0 ||
	    check_str(r, p->period_type.type, "period_type") < 0 ||
	    check_str(r, p->period_type.unit, "period_type") < 0)
		return -1;

	struct hmap mids, fids, lids;
	hmap_init(&mids);
	hmap_init(&fids);
	hmap_init(&lids);
	int rc = -1;
	if (index_ids(r, &mids, w->mapping_ids, p->nmappings, "mapping") < 0 ||
	    index_ids(r, &fids, w->function_ids, p->nfunctions, "function") < 0 ||
	    index_ids(r, &lids, w->location_ids, p->nlocations, "location") < 0)
		goto out;
	for (size_t i = 0; i < p->nlocations; i++) {
		uint64_t mid = w->location_mapping_ids[i];
		if (mid) {
			uint64_t idx = hmap_get(&mids, mid);
			if (idx == HMAP_EMPTY) {
				fail(r, "invalid profile: location %llu refers to missing mapping %llu",
				     (unsigned long long)w->location_ids[i], (unsigned long long)mid);
				goto out;
			}
			p->locations[i].mapping = (uint32_t)idx;
		}
	}
	for (size_t i = 0; i < p->nlines; i++) {
		uint64_t idx = hmap_get(&fids, w->line_function_ids[i]);
		if (idx == HMAP_EMPTY) {
			fail(r, "invalid profile: a line refers to missing function %llu",
			     (unsigned long long)w->line_function_ids[i]);
			goto out;
		}
		p->lines[i].function = (uint32_t)idx;
	}
	for (size_t i = 0; i < p->nsample_locs; i++) {
		uint64_t idx = hmap_get(&lids, w->sample_location_ids[i]);
		if (idx == HMAP_EMPTY) {
			fail(r, "invalid profile: a sample refers to missing location %llu",
			     (unsigned long long)w->sample_location_ids[i]);
			goto out;
		}
		p->sample_locs[i] = (uint32_t)idx;
	}
	if (profile_reindex(p) < 0) {
		nomem(r);
		goto out;
	}
	rc = 0;
out:
	hmap_release(&mids);
	hmap_release(&fids);
	hmap_release(&lids);
	return rc;
}

/* Text (a log, a JSON file, a pprof -top listing) rather than a profile:
 * an encoded profile has control bytes among its first few (keys 0x08 and
 * 0x10, lengths, the empty first string), text has none. */
static bool looks_like_text(const uint8_t *data, size_t len)
{
	size_t n = len < 64 ? len : 64;
	for (size_t i = 0; i < n; i++)
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\n' && data[i] != '\r') || data[i] == 0x7f)
			return false;
	return true;
}

int pprof_read_bytes(const uint8_t *data, size_t len, struct profile *out, struct pprof_error *err)
{
	struct reader r;
	memset(&r, 0, sizeof(r));
	r.p = out;
	r.err = err;
	err->msg[0] = 0;
	profile_init(out);
	out->strings.n = 0; /* the file's own table, leading "" included, replaces the default */

	struct pbuf inflated;
	pbuf_init(&inflated);
	if (len == 0) {
		fail(&r, "empty input: not a profile");
	} else if (gz_is_gzip(data, len)) {
		int rc = gz_decompress(data, len, &inflated, PPROF_READ_MAX_BYTES);
		if (rc == -EFBIG)
			fail(&r, "profile is larger than %zu MiB uncompressed; refusing it",
			     PPROF_READ_MAX_BYTES >> 20);
		else if (rc == -ENOMEM)
			nomem(&r);
		else if (rc < 0)
			fail(&r, "corrupt or truncated gzip data");
		data = inflated.data;
		len = inflated.len;
	} else if (len > PPROF_READ_MAX_BYTES) {
		fail(&r, "profile is larger than %zu MiB; refusing it", PPROF_READ_MAX_BYTES >> 20);
	} else if (looks_like_text(data, len)) {
		fail(&r, "not a pprof profile (neither gzip nor protobuf)");
	}
	if (!r.failed) {
		struct cursor c = {data, data + len};
		if (decode_profile(&r, c) == 0 && !out->failed)
			resolve(&r);
		else if (out->failed)
			nomem(&r);
	}
	pbuf_release(&inflated);
	raw_release(&r.raw);
	if (r.failed) {
		profile_release(out); /* leaves it zeroed: releasing again is harmless */
		return -1;
	}
	return 0;
}

int pprof_read_file(const char *path, struct profile *out, struct pprof_error *err)
{
	memset(out, 0, sizeof(*out));
	int fd = strcmp(path, "-") ? safefile_open_read(path) : dup(0);
	if (fd < 0 && !strcmp(path, "-"))
		fd = -errno;
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot open %s: %s", path, safefile_strerror(fd));
		return -1;
	}
	struct pbuf b;
	pbuf_init(&b);
	int rc = 0;
	for (;;) {
		if (b.cap - b.len < 65536 && mem_grow((void **)&b.data, &b.cap, b.len + 65536, 1) < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
			rc = -1;
			break;
		}
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err->msg, sizeof(err->msg), "cannot read %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > PPROF_READ_MAX_BYTES) {
			snprintf(err->msg, sizeof(err->msg), "%s: larger than %zu MiB; refusing it", path,
				 PPROF_READ_MAX_BYTES >> 20);
			rc = -1;
			break;
		}
	}
	close(fd);
	if (rc == 0) {
		rc = pprof_read_bytes(b.data, b.len, out, err);
		if (rc < 0) {
			char msg[sizeof(err->msg)];
			memcpy(msg, err->msg, sizeof(msg));
			size_t n = strlen(path);
			if (n > 100)
				n = 100;
			snprintf(err->msg, sizeof(err->msg), "%.*s: %.*s", (int)n, path,
				 (int)(sizeof(err->msg) - n - 3), msg);
		}
	}
	pbuf_release(&b);
	return rc;
}
