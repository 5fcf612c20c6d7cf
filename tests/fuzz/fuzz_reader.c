/* fuzz_reader: the libFuzzer target of the profile reader and of the
 * allocprof commands that read profiles. Any input is either refused with a
 * one-line message or read, reported at every granularity, diffed against
 * itself and written back out as a profile the reader accepts again; and
 * top, peek, list, traces, summary and diff run on it as a file: no crash,
 * hang, leak or undefined behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"
#include "filter.h"
#include "merge.h"
#include "pprof_read.h"
#include "pprof_write.h"
#include "report.h"
#include "rx.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *sink;

/* The commands print to stdout and stderr; the sanitizers write to file
 * descriptor 2 directly, so only the streams go quiet. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sink = fopen("/dev/null", "w");
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	return 0;
}

/* Every command that reads profiles, on the input as a file. */
static void commands(const uint8_t *data, size_t size)
{
	int fd = memfd_create("profile", 0);
	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		char *top[] = {"top", path, NULL};
		char *top_lines[] = {"top", "--by", "line", "--cum", "-n", "5", "--focus", "a", path, NULL};
		char *peek[] = {"peek", ".", path, NULL};
		char *list[] = {"list", "--context", "2", ".", path, NULL};
		char *list_n[] = {"list", "-n", "1", "--context", "0", "^", path, NULL};
		char *traces[] = {"traces", path, NULL};
		char *traces_lines[] = {"traces", "-lines", "--ignore", "x", path, NULL};
		char *summary[] = {"summary", path, NULL};
		char *diff[] = {"diff", "--by", "address", path, path, NULL};
		char *hints[] = {"hints", "--tsv", "--min-share", "0", path, NULL};
		cmd_top(2, top);
		cmd_top(9, top_lines);
		cmd_peek(3, peek);
		cmd_list(5, list);
		cmd_list(7, list_n);
		cmd_traces(2, traces);
		cmd_traces(5, traces_lines);
		cmd_summary(2, summary);
		cmd_diff(5, diff);
		cmd_hints(5, hints);
	}
	close(fd);
}

static void report(struct profile *p, enum gran gran, bool noinlines, bool cum, int nodecount)
{
	struct ropts o = {NULL, gran, noinlines, cum, nodecount, 0.005, 0.001, NULL, NULL, gran == GRAN_LINES, false};
	struct report r;
	if (report_open(&r, p, &o) == 0) {
		table_print(&r, sink, true);
		/* peek: every edge, both directions */
		if (report_trim(&r, EDGES_ALL) == 0)
			for (size_t i = 0; i < r.norder; i++) {
				size_t n;
				free(graph_in_edges(&r.g, r.order[i], &n));
				free(graph_out_edges(&r.g, r.order[i], &n));
			}
	}
	report_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct pprof_error err;
	commands(data, size);
	if (pprof_read_bytes(data, size, &p, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort(); /* the error must be one line */
		return 0;
	}
	filter_prune(&p);
	if (p.ntypes > 0) {
		report(&p, GRAN_FUNCTIONS, false, false, -1);
		report(&p, GRAN_LINES, true, true, 3);
		report(&p, GRAN_FILES, false, false, 0);
		report(&p, GRAN_ADDRESSES, false, true, 1);

		struct rx focus, ignore;
		char msg[256];
		if (rx_compile(&focus, "a|main", msg, sizeof(msg)) && rx_compile(&ignore, "^x", msg, sizeof(msg))) {
			bool nomem, f, i;
			free(filter_samples(&p, &focus, &ignore, &nomem, &f, &i));
		}
		rx_free(&focus);
		rx_free(&ignore);
		size_t *group = malloc((p.nsamples + 1) * sizeof(size_t));
		if (group)
			filter_merge(&p, group);
		free(group);

		struct profile d;
		if (merge_diff(&d, &p, &p) == 0)
			report(&d, GRAN_FUNCTIONS, false, false, -1);
		profile_release(&d);
	}

	/* what was read encodes into a profile the reader takes back */
	struct pbuf b;
	pbuf_init(&b);
	if (pprof_encode(&p, &b) == 0) {
		struct profile q;
		if (pprof_read_bytes(b.data, b.len, &q, &err) < 0)
			abort();
		if (q.nsamples != p.nsamples || q.nlocations != p.nlocations || q.nfunctions != p.nfunctions)
			abort();
		profile_release(&q);
	}
	pbuf_release(&b);
	profile_release(&p);
	return 0;
}
