/* host_signals: ways a program ends by a signal, for the shim's handlers.
 *
 *   host_signals pipe       writes lines to stdout until a reader goes away
 *   host_signals pipe-reset the same, after putting SIGPIPE back to the
 *                           default as git does at start (exits 4 if it is
 *                           then not reported as the default)
 *   host_signals wait       allocates, says "ready", waits to be killed
 *   host_signals handler    the same, with its own SIGTERM handler (exit 7)
 *   host_signals wait-int   the same as wait, after putting SIGINT and
 *                           SIGHUP back to the default (a shell's
 *                           background job starts with SIGINT ignored, and
 *                           a run under nohup with SIGHUP ignored)
 *   host_signals quick      allocates, then quick_exit(3)
 *   host_signals overflow   allocates, then overflows its stack
 *
 * Each allocates 1000 blocks of 100 bytes at keep() first, so an exact
 * profile has a known site. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *kept[1000];

__attribute__((noinline)) static void keep(void)
{
	for (int i = 0; i < 1000; i++)
		kept[i] = malloc(100);
}

static void on_term(int sig)
{
	(void)sig;
	static const char msg[] = "handled\n";
	ssize_t w = write(1, msg, sizeof(msg) - 1);
	(void)w;
	_exit(7);
}

static volatile int forever = 1;

__attribute__((noinline)) static int recurse(volatile char *up)
{
	volatile char frame[1024];
	frame[0] = up ? up[0] : 1;
	return forever ? recurse(frame) + frame[1] : 0;
}

static void ready(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	keep();
	if (!strcmp(mode, "pipe-reset")) {
		struct sigaction sa;
		signal(SIGPIPE, SIG_DFL);
		if (sigaction(SIGPIPE, NULL, &sa) != 0 || (sa.sa_flags & SA_SIGINFO) || sa.sa_handler != SIG_DFL) {
			fprintf(stderr, "host_signals: SIGPIPE is not reported as the default\n");
			return 4;
		}
		mode = "pipe";
	}
	if (!strcmp(mode, "pipe")) {
		for (int i = 0;; i++) {
			char *s = malloc(32);
			snprintf(s, 32, "line %d\n", i);
			fputs(s, stdout);
			free(s);
		}
	} else if (!strcmp(mode, "wait-int")) {
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		ready();
	} else if (!strcmp(mode, "wait")) {
		ready();
	} else if (!strcmp(mode, "handler")) {
		signal(SIGTERM, on_term);
		ready();
	} else if (!strcmp(mode, "quick")) {
		quick_exit(3);
	} else if (!strcmp(mode, "overflow")) {
		return recurse(NULL);
	}
	fprintf(stderr, "usage: host_signals pipe|wait|handler|quick|overflow\n");
	return 2;
}
