/* cmd_attach: `allocprof attach PID`, a running process profiled for a
 * while. gdb attaches in batch mode and, through a Python script, calls
 * dlopen of a fresh copy of the shim in the process, then the shim's
 * allocprof_attach_start (preload/attach.h), and detaches; the process runs
 * on, recording. At the end a second gdb calls allocprof_attach_stop, which
 * writes the profile and puts the program's calls back. gdb rather than our
 * own ptrace code: calling a function inside another process means saving
 * and restoring every register, restarting the system call it was in,
 * finding dlopen in its C library and surviving a crash of the call, all
 * of which gdb does on every architecture it runs on (heaptrack injects the
 * same way). Each attach loads its own copy of the shim: a copy that
 * recorded once keeps its tables, so it stays loaded and inert. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buildid.h"
#include "cli.h"
#include "commands.h"
#include "launch.h"
#include "shimpath.h"

/* Copies of the shim live in directories named so, which tells them from
 * a preloaded shim in /proc/PID/maps. */
#define COPY_DIR_PREFIX "allocprof-attach."
#define LOCK_FMT "/tmp/allocprof-attach.%ld.lock"

static volatile sig_atomic_t stop_signal;
static int wake_pipe[2] = {-1, -1};

static void on_stop_signal(int sig)
{
	int saved = errno;
	stop_signal = sig;
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "x", 1) < 0) {
		/* the flag alone still ends the wait at its next timeout */
	}
	errno = saved;
}

/* The process's name, from /proc/PID/comm. */
static void process_name(long pid, char *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	out[0] = 0;
	if (f) {
		if (fgets(out, (int)cap, f))
			out[strcspn(out, "\n")] = 0;
		fclose(f);
	}
	if (!out[0])
		snprintf(out, cap, "?");
}

/* A field of /proc/PID/status ("Uid", "TracerPid"): its first number. */
static long status_field(long pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The state letter of /proc/PID/status ('R', 'S', 'T' stopped, ...), or 0. */
static char status_state(long pid)
{
	char path[64], line[256], state = 0;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "State: %c", &state) == 1)
			break;
	fclose(f);
	return state;
}

/* How /proc/PID/maps names the shim: 0 none, 1 copies of earlier
 * attaches only, 2 a shim that is not such a copy (preloaded). */
static int shim_in_maps(long pid)
{
	char path[64], line[PATH_MAX + 128];
	int found = 0;
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "/liballocprof.so"))
			continue;
		if (strstr(line, "/" COPY_DIR_PREFIX))
			found = found ? found : 1;
		else
			found = 2;
	}
	fclose(f);
	return found;
}

/* The number a file begins with (ptrace_scope, a lock's holder), or -1. */
static long file_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* True, with one line on stderr saying why, when pid cannot be attached to. */
static bool refused(long pid, const char *name)
{
	char exe[64];
	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
	struct elf_facts facts;
	if (elf_facts_path(exe, &facts) == 0 && facts.elf && !facts.dynamic) {
		fprintf(stderr, "allocprof attach: process %ld (%s) is statically linked: it has no dynamic loader "
				"to load the profiler with\n", pid, name);
		return true;
	}
	if (shim_in_maps(pid) == 2) {
		fprintf(stderr, "allocprof attach: process %ld (%s) already runs under the profiler "
				"(liballocprof.so preloaded): its profile comes at its exit, or with allocprof_dump\n",
			pid, name);
		return true;
	}
	/* gdb's calls would end on the stop signal still pending, and the
	 * process stays stopped: say what to do instead */
	if (status_state(pid) == 'T') {
		fprintf(stderr, "allocprof attach: process %ld (%s) is stopped (by a signal, or ^Z): the profiler "
				"is loaded by calls into it, which need it running; continue it first (kill -CONT %ld)\n",
			pid, name, pid);
		return true;
	}
	long tracer = status_field(pid, "TracerPid");
	if (tracer > 0) {
		fprintf(stderr, "allocprof attach: process %ld (%s) is being traced by process %ld (a debugger?), "
				"and a process has one tracer at most\n", pid, name, tracer);
		return true;
	}
	long uid = status_field(pid, "Uid");
	if (geteuid() != 0 && uid >= 0 && (uid_t)uid != geteuid()) {
		fprintf(stderr, "allocprof attach: process %ld (%s) belongs to uid %ld: only its user or root may "
				"trace it\n", pid, name, uid);
		return true;
	}
	long scope = file_number("/proc/sys/kernel/yama/ptrace_scope");
	if ((scope == 1 || scope == 2) && geteuid() != 0) {
		fprintf(stderr, "allocprof attach: kernel.yama.ptrace_scope is %ld: only %s may trace process %ld; "
				"run as root, or 'sysctl kernel.yama.ptrace_scope=0'\n", scope,
			scope == 1 ? "its ancestors and root" : "root", pid);
		return true;
	}
	if (scope == 3) {
		fprintf(stderr, "allocprof attach: kernel.yama.ptrace_scope is 3: no process may be traced until "
				"the next boot\n");
		return true;
	}
	return false;
}

/* A lock per target, held while attached: a second attach is refused. */
static int take_lock(long pid, char *path, size_t cap)
{
	snprintf(path, cap, LOCK_FMT, pid);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%ld\n", (long)getpid());
	return fd;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		int e = errno;
		close(in);
		return -e;
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	if (n < 0)
		rc = -errno;
	close(in);
	if (close(out) != 0 && !rc)
		rc = -errno;
	return rc;
}

static void hex(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)s[i]);
}

/* The gdb script: Python, so that no path or value is ever parsed by gdb's
 * expression language; strings are written into a buffer of the process
 * with write_memory. The calls leave the thread's errno as they found it.
 * The calling thread is one not stopped inside the
 * allocator or the loader: the call would wait for a lock that thread holds
 * (the other threads run during the call and release theirs), nor inside
 * a copy of the shim, whose symbols gdb does not read. */
static const char script_head[] =
	"set pagination off\n"
	"set confirm off\n"
	"set unwindonsignal on\n"
	"set print thread-events off\n"
	"python\n"
	"import gdb, re\n"
	"gdb.execute('sharedlibrary /(libc|ld-linux[^/]*|lib[a-z]*malloc[^/]*)\\\\.so', to_string=True)\n"
	"def say(*a):\n"
	"    print('allocprof-attach:', *a, flush=True)\n"
	"def ev(e):\n"
	"    return int(gdb.parse_and_eval(e))\n"
	"def pick_thread():\n"
	"    busy = re.compile(r'alloc|free|_int_|tcache|arena|_dl_|dlopen|dlclose|do_lookup|liballocprof')\n"
	"    for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):\n"
	"        t.switch()\n"
	"        try:\n"
	"            names = []\n"
	"            f = gdb.newest_frame()\n"
	"            for _ in range(4):\n"
	"                if f is None: break\n"
	"                names.append((f.name() or '') + ' ' + (gdb.solib_name(f.pc()) or ''))\n"
	"                f = f.older()\n"
	"        except gdb.error:\n"
	"            continue\n"
	"        if not any(busy.search(n) for n in names):\n"
	"            return\n"
	"    say('warning all threads are in the allocator or the loader')\n"
	"def save_errno():\n"
	"    a = ev('(unsigned long) ((int *(*)(void)) __errno_location)()')\n"
	"    return a, bytes(gdb.selected_inferior().read_memory(a, 4))\n"
	"def restore_errno(saved):\n"
	"    gdb.selected_inferior().write_memory(saved[0], saved[1])\n"
	"try:\n"
	"    pick_thread()\n"
	"    saved = save_errno()\n"
	"    try:\n";

/* Both scripts end alike: errno put back, a gdb error reported as one
 * line, and the process left running. */
static const char script_tail[] =
	"    finally:\n"
	"        restore_errno(saved)\n"
	"except gdb.error as e:\n"
	"    say('error', str(e).replace('\\n', ' '))\n"
	"end\n"
	"detach\n"
	"quit\n";

static int write_start_script(const char *path, const char *shim, const char *conf)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(script_head, f);
	fputs("        data = bytes.fromhex('", f);
	hex(f, shim, strlen(shim) + 1);
	fputs("')\n        conf = bytes.fromhex('", f);
	hex(f, conf, strlen(conf) + 1);
	fputs("')\n"
	      "        names = b'allocprof_attach_start\\0allocprof_attach_stop\\0'\n"
	      "        blob = data + conf + names\n"
	      "        buf = ev('(unsigned long) ((void *(*)(unsigned long)) __libc_malloc)(%d)' % len(blob))\n"
	      "        if not buf:\n"
	      "            say('error', 'no memory in the process for the arguments')\n"
	      "        else:\n"
	      "            gdb.selected_inferior().write_memory(buf, blob)\n"
	      "            c = buf + len(data)\n"
	      "            n1 = c + len(conf)\n"
	      "            n2 = n1 + len('allocprof_attach_start') + 1\n"
	      "            h = ev('(unsigned long) ((void *(*)(const char *, int)) dlopen)((const char *) %d, 2)' % buf)\n"
	      "            if not h:\n"
	      "                e = ev('(unsigned long) ((char *(*)(void)) dlerror)()')\n"
	      "                msg = gdb.parse_and_eval('(const char *) %d' % e).string() if e else '?'\n"
	      "                say('dlopen', msg)\n"
	      "            else:\n"
	      "                st = ev('(unsigned long) ((void *(*)(void *, const char *)) dlsym)((void *) %d, (const char *) %d)' % (h, n1))\n"
	      "                sp = ev('(unsigned long) ((void *(*)(void *, const char *)) dlsym)((void *) %d, (const char *) %d)' % (h, n2))\n"
	      "                if not st or not sp:\n"
	      "                    say('error', 'the library loaded has no allocprof_attach_start')\n"
	      "                else:\n"
	      "                    rc = ev('((int (*)(const char *)) %d)((const char *) %d)' % (st, c))\n"
	      "                    say('start', rc, sp)\n"
	      "            gdb.parse_and_eval('((void (*)(void *)) __libc_free)((void *) %d)' % buf)\n", f);
	fputs(script_tail, f);
	return fclose(f) == 0 ? 0 : -errno;
}

static int write_stop_script(const char *path, unsigned long stop_fn)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(script_head, f);
	fprintf(f, "        say('stop', ev('((int (*)(void)) %lu)()'))\n", stop_fn);
	fputs(script_tail, f);
	return fclose(f) == 0 ? 0 : -errno;
}

/* Runs gdb on pid with script, its output into log; gdb's exit status, or
 * -1. gdb gets a process group of its own: a ^C meant for allocprof attach
 * must not interrupt it in the middle of a call. */
static int run_gdb(const char *gdb, long pid, const char *script, const char *log)
{
	char pidarg[32];
	snprintf(pidarg, sizeof(pidarg), "%ld", pid);
	pid_t child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		setpgid(0, 0);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		/* symbols of the C library, the loader and an allocator only:
		 * the process is stopped while gdb reads them */
		execl(gdb, "gdb", "-nx", "-batch", "-q", "-iex", "set debuginfod enabled off", "-iex",
		      "set auto-solib-add off", "-x", script, "-p", pidarg, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The "allocprof-attach: WHAT ..." line gdb printed for what, the rest of
 * it in out; false if none. */
static bool gdb_said(const char *log, const char *what, char *out, size_t cap)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	size_t n = strlen(what);
	bool found = false;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "allocprof-attach: ", 18) && !strncmp(line + 18, what, n) && line[18 + n] == ' ') {
			snprintf(out, cap, "%s", line + 19 + n);
			out[strcspn(out, "\n")] = 0;
			found = true;
		}
	fclose(f);
	return found;
}

/* What gdb said about why it could not attach, as one line. */
static void gdb_failure(const char *log, long pid, const char *name)
{
	FILE *f = fopen(log, "r");
	char line[4096], last[4096] = "";
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (strstr(line, "ptrace:") || strstr(line, "Could not attach") || strstr(line, "error"))
				snprintf(last, sizeof(last), "%s", line);
		}
		fclose(f);
	}
	if (strstr(last, "Operation not permitted"))
		fprintf(stderr, "allocprof attach: gdb may not trace process %ld (%s): %s (see "
				"/proc/sys/kernel/yama/ptrace_scope, and the capability CAP_SYS_PTRACE in containers)\n",
			pid, name, last);
	else
		fprintf(stderr, "allocprof attach: gdb could not load the profiler into process %ld (%s)%s%s\n", pid,
			name, last[0] ? ": " : "", last);
}

/* Adds NAME=value to conf for each ALLOCPROF_* variable of our environment
 * the attached shim honours; the options given override them. */
static void build_conf(char *conf, size_t cap, const char *rate, const char *out, const char *manifest)
{
	extern char **environ;
	static const char *const passed[] = {"ALLOCPROF_SEED=", "ALLOCPROF_DEPTH=", "ALLOCPROF_SYMBOLIZE=",
					     "ALLOCPROF_SHORT_NS=", "ALLOCPROF_UNWIND_CACHE=", "ALLOCPROF_RATE="};
	size_t n = 0;
	conf[0] = 0;
	for (char **e = environ; *e; e++)
		for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
			if (!strncmp(*e, passed[i], strlen(passed[i])) && !strchr(*e, '\n') &&
			    n + strlen(*e) + 2 < cap)
				n += (size_t)snprintf(conf + n, cap - n, "%s\n", *e);
	if (rate)
		n += (size_t)snprintf(conf + n, cap - n, "ALLOCPROF_RATE=%s\n", rate);
	n += (size_t)snprintf(conf + n, cap - n, "ALLOCPROF_OUT=%s\n", out);
	snprintf(conf + n, cap - n, "ALLOCPROF_MANIFEST=%s\n", manifest);
}

/* Waits for seconds (forever if 0), a stop signal, or the end of pid.
 * True if pid ended. */
static bool wait_window(long pid, double seconds)
{
	int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (stop_signal)
			return false;
		int timeout = 1000;
		if (seconds > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			double left = seconds - (double)(now.tv_sec - start.tv_sec) -
				      (double)(now.tv_nsec - start.tv_nsec) / 1e9;
			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		struct pollfd p[2] = {{wake_pipe[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
		int r = poll(p, pidfd >= 0 ? 2 : 1, timeout);
		if (r > 0 && pidfd >= 0 && (p[1].revents & POLLIN)) {
			close(pidfd);
			return true;
		}
		if (pidfd < 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return true;
	}
	if (pidfd >= 0)
		close(pidfd);
	return false;
}

/* The profile the shim recorded in the manifest, or NULL (*failed: it
 * said it could not write one). */
static char *manifest_profile(const char *manifest, bool *failed)
{
	int fd = open(manifest, O_RDONLY | O_CLOEXEC);
	char *data = NULL, *found = NULL;
	struct launch_record *recs = NULL;
	*failed = false;
	if (fd < 0)
		return NULL;
	size_t n = launch_read_manifest(fd, &data, &recs);
	close(fd);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(recs[i].kind, "profile")) {
			free(found);
			found = strdup(recs[i].path);
		} else if (!strcmp(recs[i].kind, "failed"))
			*failed = true;
	}
	free(data);
	free(recs);
	return found;
}

struct session {
	long pid;
	char name[64];
	char dir[PATH_MAX], shim[PATH_MAX + 32], manifest[PATH_MAX + 32];
	char script[PATH_MAX + 32], log[PATH_MAX + 32];
};


static void cleanup(struct session *s)
{
	unlink(s->shim);
	unlink(s->script);
	unlink(s->log);
	unlink(s->manifest);
	rmdir(s->dir);
}

static int report(struct session *s, bool ended)
{
	bool failed;
	char *prof = manifest_profile(s->manifest, &failed);
	int rc = 0;
	if (prof)
		fprintf(stderr, "allocprof: wrote %s%s\n", prof,
			ended ? " (the process ended while attached: the profile of its exit)" : "");
	else if (ended) {
		fprintf(stderr, "allocprof attach: process %ld (%s) ended while attached, %s\n", s->pid, s->name,
			failed ? "and could not write its profile" : "with nothing sampled: no profile");
		rc = 1;
	} else {
		fprintf(stderr, "allocprof attach: process %ld (%s) could not write its profile (the process "
				"writes it itself: its user needs write access to the directory)\n", s->pid, s->name);
		rc = 1;
	}
	free(prof);
	return rc;
}

static int attach(struct session *s, const char *gdb, const char *shim_src, const char *rate, const char *out,
		  double seconds)
{
	char conf[8192], said[4096];
	char tmpl[] = "/tmp/" COPY_DIR_PREFIX "XXXXXX";
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "allocprof attach: cannot make a directory in /tmp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", tmpl);
	/* the process may run as another user: it must read the copy and
	 * append to the manifest */
	chmod(s->dir, 0755);
	snprintf(s->shim, sizeof(s->shim), "%s/liballocprof.so", s->dir);
	snprintf(s->manifest, sizeof(s->manifest), "%s/manifest", s->dir);
	snprintf(s->script, sizeof(s->script), "%s/gdb.script", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/gdb.log", s->dir);
	int mfd = open(s->manifest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (mfd >= 0) {
		fchmod(mfd, 0666);
		close(mfd);
	}
	int rc = copy_file(shim_src, s->shim);
	if (rc < 0 || mfd < 0) {
		fprintf(stderr, "allocprof attach: cannot copy %s into %s: %s\n", shim_src, s->dir,
			strerror(rc < 0 ? -rc : errno));
		cleanup(s);
		return 1;
	}
	build_conf(conf, sizeof(conf), rate, out, s->manifest);
	if (write_start_script(s->script, s->shim, conf) < 0) {
		fprintf(stderr, "allocprof attach: cannot write %s: %s\n", s->script, strerror(errno));
		cleanup(s);
		return 1;
	}
	run_gdb(gdb, s->pid, s->script, s->log);
	unsigned long stop_fn = 0;
	long started = 0;
	if (gdb_said(s->log, "start", said, sizeof(said))) {
		sscanf(said, "%ld %lu", &started, &stop_fn);
	} else if (gdb_said(s->log, "dlopen", said, sizeof(said))) {
		fprintf(stderr, "allocprof attach: the process could not load the profiler: %s\n", said);
		cleanup(s);
		return 1;
	} else {
		if (gdb_said(s->log, "error", said, sizeof(said)))
			fprintf(stderr, "allocprof attach: gdb could not load the profiler into process %ld (%s): %s\n",
				s->pid, s->name, said);
		else
			gdb_failure(s->log, s->pid, s->name);
		cleanup(s);
		return 1;
	}
	/* mapped now: the file is no longer needed, its name stays in maps */
	unlink(s->shim);
	if (started < 0) {
		fprintf(stderr, "allocprof attach: the profiler in process %ld (%s) did not start: %s\n", s->pid,
			s->name, started == -EEXIST ? "another attach records in it (one whose allocprof attach was killed "
					     "records until the process ends)" : strerror((int)-started));
		cleanup(s);
		return 1;
	}
	if (seconds > 0)
		fprintf(stderr, "allocprof: attached to process %ld (%s), %ld call sites redirected; recording for "
				"%g s (^C stops sooner)\n", s->pid, s->name, started, seconds);
	else
		fprintf(stderr, "allocprof: attached to process %ld (%s), %ld call sites redirected; recording "
				"until ^C\n", s->pid, s->name, started);
	if (wait_window(s->pid, seconds)) {
		rc = report(s, true);
		cleanup(s);
		return rc;
	}
	if (write_stop_script(s->script, stop_fn) < 0) {
		fprintf(stderr, "allocprof attach: cannot write %s: %s\n", s->script, strerror(errno));
		cleanup(s);
		return 1;
	}
	run_gdb(gdb, s->pid, s->script, s->log);
	if (!gdb_said(s->log, "stop", said, sizeof(said))) {
		bool ended = kill((pid_t)s->pid, 0) != 0 && errno == ESRCH;
		if (ended)
			rc = report(s, true);
		else {
			if (gdb_said(s->log, "error", said, sizeof(said)))
				fprintf(stderr, "allocprof attach: could not stop the profiler in process %ld (%s): %s\n",
					s->pid, s->name, said);
			else
				gdb_failure(s->log, s->pid, s->name);
			rc = 1;
		}
		cleanup(s);
		return rc;
	}
	rc = report(s, false);
	if (rc == 0)
		fprintf(stderr, "allocprof: detached from process %ld (%s); it runs on\n", s->pid, s->name);
	cleanup(s);
	return rc;
}

int cmd_attach(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_ATTACH | CLI_OUTPUT, CLI_PID, NULL};
	struct cli c;
	int status;
	if (!cli_start(argc, argv, &spec, &c, &status))
		return status;
	const char *rate = c.rate, *out = c.output;
	double seconds = c.duration;
	long pid = c.pid;
	if (out && !*out)
		return cli_usage_error("attach", "-o wants a file name");
	struct session s = {.pid = pid};
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/%ld", pid);
	if (access(proc, F_OK) != 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
		fprintf(stderr, "allocprof attach: no process %ld\n", pid);
		return 1;
	}
	if (pid == getpid()) {
		fprintf(stderr, "allocprof attach: process %ld is allocprof attach itself\n", pid);
		return 1;
	}
	process_name(pid, s.name, sizeof(s.name));
	if (refused(pid, s.name))
		return 1;
	char gdb[PATH_MAX];
	if (!launch_which("gdb", gdb, sizeof(gdb))) {
		fprintf(stderr, "allocprof attach: gdb is not in PATH: attach needs it to load the profiler into "
				"the process (apt install gdb)\n");
		return 1;
	}
	char shim[PATH_MAX], tried[3 * PATH_MAX];
	if (shimpath_find(shim, sizeof(shim), tried, sizeof(tried)) < 0) {
		fprintf(stderr, "allocprof attach: cannot find liballocprof.so (looked at %s)\n", tried);
		return 1;
	}
	/* the process writes the profile from its own directory: absolute */
	char target[PATH_MAX + 64], cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "allocprof attach: cannot read the current directory: %s\n", strerror(errno));
		return 1;
	}
	if (!out)
		snprintf(target, sizeof(target), "%s/allocprof.%%e.%%p.pb.gz", cwd);
	else if (out[0] == '/')
		snprintf(target, sizeof(target), "%s", out);
	else
		snprintf(target, sizeof(target), "%s/%s", cwd, out);
	if (strchr(target, '\n'))
		return cli_usage_error("attach", "-o: a file name without a newline, please");
	char lockpath[128];
	int lock = take_lock(pid, lockpath, sizeof(lockpath));
	if (lock == -EBUSY) {
		long holder = file_number(lockpath);
		fprintf(stderr, "allocprof attach: process %ld (%s) is already being profiled by allocprof attach%s",
			pid, s.name, holder > 0 ? "" : "\n");
		if (holder > 0)
			fprintf(stderr, " (process %ld)\n", holder);
		return 1;
	}
	if (lock < 0) {
		fprintf(stderr, "allocprof attach: cannot take the lock %s: %s\n", lockpath, strerror(-lock));
		return 1;
	}
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "allocprof attach: pipe: %s\n", strerror(errno));
		close(lock);
		return 1;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int rc = attach(&s, gdb, shim, rate, target, seconds);
	unlink(lockpath);
	close(lock);
	return rc;
}
