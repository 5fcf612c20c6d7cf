/* cmd_watch: `allocprof watch PID`, a live view of a process running under
 * the shim, refreshed every second: allocations per second by site, what is
 * in use now, the peak, the totals (memray's live mode is the model). On a
 * terminal it is drawn with ncurses, which knows every terminal from
 * terminfo (over ssh, in screen or tmux, on a console) and puts the terminal
 * back as it found it; hand-written escapes would assume one terminal. With
 * --once, --count, or stdout not a terminal it prints plain text snapshots.
 * A command of its own rather than `top --live`: top reads a file and prints
 * go tool pprof's table, the live view has other columns (rates, in use,
 * totals) and a lifetime of its own. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "livepeer.h"
#include "livesites.h"
#include "units.h"
/* last: it defines every terminfo capability as a macro (lines, columns...) */
#include <term.h>

struct view {
	struct livepeer lp;
	struct livesites ls;
	struct livesnap snap;
	bool have_snap;
	enum livesites_key key;
	int rows;       /* -n: at most this many sites; <0 all */
	char cmdline[256];
	uint64_t rss;
	double arrived; /* when the last snapshot was read: the next is asked an interval later */
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
	nanosleep(&ts, NULL);
}

static void read_cmdline(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	buf[0] = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == 0)
		n--;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == 0 || buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	buf[n] = 0;
}

static uint64_t read_rss(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	FILE *f = fopen(path, "re");
	unsigned long long size = 0, res = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * (uint64_t)sysconf(_SC_PAGESIZE);
}

static const char *bytes(double v, char *buf)
{
	return units_label(llround(v), "bytes", "auto", buf);
}

static const char *count(double v, char *buf)
{
	/* a small rate keeps a decimal; a whole number (every exact count)
	 * prints as one */
	if (v > 0 && v < 9.95 && fabs(v - round(v)) > 1e-9)
		snprintf(buf, UNITS_BUF, "%.1f", v);
	else
		snprintf(buf, UNITS_BUF, "%.0f", v);
	return buf;
}

static const char *key_names[] = {"bytes/s", "allocs/s", "in use", "blocks in use"};

/* The view as lines: emit(ctx, line, is_header_row). */
typedef void emit_fn(void *ctx, const char *line, bool heading);

static void render(struct view *v, emit_fn *emit, void *ctx, int max_rows)
{
	const struct livefmt_header *h = &v->snap.h;
	char line[1024], a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF], d[UNITS_BUF];
	double up = h->time_ns > h->start_ns ? (double)(h->time_ns - h->start_ns) / 1e9 : 0;
	snprintf(line, sizeof(line), "allocprof watch: pid %d (%s), up %.1fs, %s", (int)v->lp.pid, v->cmdline, up,
		 h->rate <= 1 ? "rate 1: exact counts" : "sampled: estimates");
	if (h->rate > 1)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " at rate %llu", (unsigned long long)h->rate);
	emit(ctx, line, false);
	snprintf(line, sizeof(line), "in use %s in %s blocks, peak %s, RSS %s", bytes(h->inuse_bytes, a),
		 count(h->inuse_objects, d), bytes(h->peak_inuse_bytes, b), bytes((double)v->rss, c));
	emit(ctx, line, false);
	snprintf(line, sizeof(line), "allocated %s in %s blocks since the start; rates over %s %.2fs; sorted by %s",
		 bytes(h->alloc_bytes, a), count(h->alloc_objects, b), v->ls.since_start ? "the first" : "the last",
		 v->ls.window_s, key_names[v->key]);
	emit(ctx, line, false);
	if (h->cost_ns)
		snprintf(line, sizeof(line), "stacks: %llu; the last snapshot took the process %.2f ms",
			 (unsigned long long)h->nstacks, (double)h->cost_ns / 1e6);
	else
		snprintf(line, sizeof(line), "stacks: %llu", (unsigned long long)h->nstacks);
	emit(ctx, line, false);
	emit(ctx, "", false);
	snprintf(line, sizeof(line), "%10s %10s %10s %10s %12s %10s  %s", "allocs/s", "bytes/s", "in use", "(blocks)",
		 "allocs", "allocated", "site");
	emit(ctx, line, true);
	int shown = 0;
	for (size_t i = 0; i < v->ls.nrows; i++) {
		if ((v->rows >= 0 && shown >= v->rows) || (max_rows >= 0 && shown >= max_rows))
			break;
		const struct livesite *r = &v->ls.rows[i];
		char e[UNITS_BUF];
		snprintf(line, sizeof(line), "%10s %8s/s %10s %10s %12.0f %10s  %s", count(r->objects_per_s, a),
			 bytes(r->bytes_per_s, b), bytes(r->inuse_bytes, c), count(r->inuse_objects, d),
			 r->alloc_objects, bytes(r->alloc_bytes, e), r->label);
		emit(ctx, line, false);
		shown++;
	}
	if ((size_t)shown < v->ls.nrows) {
		size_t more = v->ls.nrows - (size_t)shown;
		snprintf(line, sizeof(line), "(%zu more site%s)", more, more == 1 ? "" : "s");
		emit(ctx, line, false);
	}
}

static void emit_text(void *ctx, const char *line, bool heading)
{
	(void)ctx;
	(void)heading;
	printf("%s\n", line);
}

struct screen_ctx {
	int y;
};

static void emit_screen(void *ctx, const char *line, bool heading)
{
	struct screen_ctx *s = ctx;
	if (s->y >= LINES - 1)
		return;
	if (heading)
		attron(A_REVERSE);
	mvaddnstr(s->y, 0, line, COLS);
	if (heading) {
		for (int x = (int)strlen(line); x < COLS; x++)
			addch(' ');
		attroff(A_REVERSE);
	}
	s->y++;
}

static void draw(struct view *v, const char *status)
{
	erase();
	struct screen_ctx s = {0};
	if (v->have_snap)
		render(v, emit_screen, &s, LINES - 9 > 1 ? LINES - 9 : 1);
	else
		emit_screen(&s, "allocprof watch: waiting for the first snapshot", false);
	attron(A_REVERSE);
	mvaddnstr(LINES - 1, 0, status, COLS);
	for (int x = (int)strlen(status); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);
	refresh();
}

/* Takes a snapshot in: 0, -ESRCH (gone), -ETIMEDOUT (no answer in time),
 * or another -errno. Between polls, poll(ms) may return true to stop. */
static int take(struct view *v, double timeout, bool (*poll)(struct view *, int ms))
{
	double start = now_s(), asked = start;
	int rc = livepeer_ask(&v->lp);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = livepeer_read(&v->lp, &v->snap);
		if (rc == 0)
			break;
		if (rc != -EAGAIN)
			return rc;
		if (stop_signal || (poll && poll(v, 20)))
			return -EINTR;
		if (!poll)
			sleep_s(0.02);
		double now = now_s();
		if (now - start > timeout)
			return -ETIMEDOUT;
		/* a request the process had not seen yet is made again */
		if (now - asked > 2) {
			livepeer_ask(&v->lp);
			asked = now;
		}
	}
	v->arrived = now_s();
	v->rss = read_rss(v->lp.pid);
	rc = livesites_update(&v->ls, &v->snap);
	if (rc == 0) {
		livesites_sort(&v->ls, v->key);
		v->have_snap = true;
	}
	return rc;
}

static void say_failure(const struct view *v, int rc, double timeout)
{
	if (rc == -ESRCH)
		printf("allocprof watch: process %d exited\n", (int)v->lp.pid);
	else if (rc == -ETIMEDOUT)
		fprintf(stderr, "allocprof watch: process %d did not answer in %.0f s (a process without the "
				"profiler's collector thread answers from its next sampled allocation: is it "
				"idle, or run with ALLOCPROF_STAT=1?)\n", (int)v->lp.pid, timeout);
	else if (rc == -EPROTO)
		fprintf(stderr, "allocprof watch: %s is not a snapshot of process %d\n", v->lp.snap, (int)v->lp.pid);
	else if (rc == -EPERM)
		fprintf(stderr, "allocprof watch: %s belongs to another user than process %d's: not reading it\n",
			v->lp.snap, (int)v->lp.pid);
	else if (rc != -EINTR)
		fprintf(stderr, "allocprof watch: %s\n", strerror(-rc));
}

static int run_text(struct view *v, int n, double interval, double timeout)
{
	for (int i = 0; i < n; i++) {
		livesnap_release(&v->snap);
		int rc = take(v, timeout, NULL);
		if (rc < 0) {
			say_failure(v, rc, timeout);
			return rc == -EINTR || (rc == -ESRCH && i > 0) ? 0 : 1;
		}
		/* the next one an interval after this one came */
		double begin = v->arrived;
		if (i)
			printf("\n");
		render(v, emit_text, NULL, -1);
		fflush(stdout);
		double left = interval - (now_s() - begin);
		if (i + 1 < n && left > 0)
			sleep_s(left);
		if (stop_signal)
			return 0;
	}
	return 0;
}

/* Keys while waiting: q or ^C stop (true), s changes the order. */
static bool keys(struct view *v, int ms)
{
	timeout(ms);
	int ch = getch();
	if (ch == 'q' || ch == 'Q' || ch == 3)
		return true;
	if (ch == 's' || ch == 'S') {
		v->key = (v->key + 1) % 4;
		livesites_sort(&v->ls, v->key);
		draw(v, "q: quit  s: sort");
	} else if (ch == KEY_RESIZE) {
		draw(v, "q: quit  s: sort");
	}
	return false;
}

/* -ENOTTY when curses cannot drive this terminal: setupterm says so first
 * (initscr would exit, and a failed newterm keeps what it allocated). */
static int run_screen(struct view *v, double interval, double timeout)
{
	int err = 0;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return -ENOTTY;
	del_curterm(cur_term);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return -ENOTTY;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	draw(v, "q: quit  s: sort");
	int rc = 0;
	for (;;) {
		livesnap_release(&v->snap);
		rc = take(v, timeout, keys);
		if (rc < 0)
			break;
		double begin = v->arrived;
		draw(v, "q: quit  s: sort");
		bool quit = false;
		while (!quit && !stop_signal && now_s() - begin < interval)
			quit = keys(v, 50);
		if (quit || stop_signal) {
			rc = -EINTR;
			break;
		}
	}
	endwin();
	delscreen(scr);
	say_failure(v, rc, timeout);
	return rc == -EINTR || rc == -ESRCH ? 0 : 1;
}

static enum livesites_key key_of(const char *index, bool *ok)
{
	*ok = true;
	if (!index || !strcmp(index, "alloc_space"))
		return LIVE_BY_ALLOC_SPACE;
	if (!strcmp(index, "alloc_objects"))
		return LIVE_BY_ALLOC_OBJECTS;
	if (!strcmp(index, "inuse_space"))
		return LIVE_BY_INUSE_SPACE;
	if (!strcmp(index, "inuse_objects"))
		return LIVE_BY_INUSE_OBJECTS;
	*ok = false;
	return LIVE_BY_ALLOC_SPACE;
}

int cmd_watch(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_LIVE, CLI_PROFILE, NULL};
	struct cli c;
	int rc = cli_parse(argc, argv, &spec, &c);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c.nargs != 1)
		return cli_usage_error("watch", c.nargs ? "one process at a time" : "no process given");
	char *end;
	long pid = strtol(c.args[0], &end, 10);
	if (!*c.args[0] || *end || pid <= 0 || pid > 0x7fffffff)
		return cli_usage_error("watch", "'%s' is not a process id", c.args[0]);
	struct view v;
	memset(&v, 0, sizeof(v));
	bool ok;
	v.key = key_of(c.r.sample_index, &ok);
	if (!ok)
		return cli_usage_error("watch", "--sample-index takes alloc_space, alloc_objects, inuse_space or "
						"inuse_objects, not '%s'", c.r.sample_index);
	v.rows = c.r.nodecount;
	double interval = c.interval > 0 ? c.interval : 1, timeout = c.timeout > 0 ? c.timeout : 10;
	char err[512];
	if (livepeer_open(&v.lp, (pid_t)pid, err, sizeof(err)) < 0) {
		fprintf(stderr, "allocprof watch: %s\n", err);
		return 1;
	}
	if (livesites_init(&v.ls, (pid_t)pid) < 0) {
		fprintf(stderr, "allocprof watch: out of memory\n");
		return 1;
	}
	read_cmdline((pid_t)pid, v.cmdline, sizeof(v.cmdline));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	bool text = c.once || c.count || !isatty(STDOUT_FILENO);
	if (text)
		rc = run_text(&v, c.once ? 1 : c.count ? c.count : 1, interval, timeout);
	else if ((rc = run_screen(&v, interval, timeout)) == -ENOTTY) {
		const char *term = getenv("TERM");
		fprintf(stderr, "allocprof watch: cannot draw on this terminal (TERM=%s): printing snapshots "
				"as text until ^C\n", term ? term : "");
		rc = run_text(&v, INT_MAX, interval, timeout);
	}
	livepeer_close(&v.lp);
	livesnap_release(&v.snap);
	livesites_release(&v.ls);
	return rc;
}
