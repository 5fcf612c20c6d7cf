/* stack_switch: allocations made on stacks other than the thread's own: in
 * a signal handler running on an alternate signal stack (sigaltstack), in a
 * handler on the thread's stack, and in a coroutine (makecontext) whose
 * stack is a heap block. An unwinder that knows the thread's stack must give
 * these up or follow them, never read outside them.
 * usage: stack_switch [ROUNDS] (100): each part allocates ROUNDS blocks;
 * prints "altstack N handler N coroutine N". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

static volatile long sink;
static volatile int on_alt; /* which handler the signal runs */
static long n_alt, n_handler, n_coroutine;

__attribute__((noinline)) static void alloc_in_handler(void)
{
	free(malloc(48));
	sink++;
}

static void on_usr1(int sig)
{
	(void)sig;
	alloc_in_handler();
	if (on_alt)
		n_alt++;
	else
		n_handler++;
}

static ucontext_t main_ctx, co_ctx;

__attribute__((noinline)) static void coroutine_leaf(void)
{
	free(malloc(56));
	n_coroutine++;
}

static void coroutine(void)
{
	for (;;) {
		coroutine_leaf();
		swapcontext(&co_ctx, &main_ctx);
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100;
	stack_t ss = {.ss_sp = malloc(1 << 16), .ss_size = 1 << 16};
	if (!ss.ss_sp || sigaltstack(&ss, NULL))
		return 1;
	struct sigaction alt = {.sa_handler = on_usr1, .sa_flags = SA_ONSTACK};
	struct sigaction plain = {.sa_handler = on_usr1};
	sigemptyset(&alt.sa_mask);
	sigemptyset(&plain.sa_mask);
	sigaction(SIGUSR1, &alt, NULL);
	on_alt = 1;
	for (int i = 0; i < rounds; i++)
		raise(SIGUSR1);
	sigaction(SIGUSR1, &plain, NULL);
	on_alt = 0;
	for (int i = 0; i < rounds; i++)
		raise(SIGUSR1);
	void *co_stack = malloc(1 << 16);
	if (!co_stack || getcontext(&co_ctx))
		return 1;
	co_ctx.uc_stack.ss_sp = co_stack;
	co_ctx.uc_stack.ss_size = 1 << 16;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, coroutine, 0);
	for (int i = 0; i < rounds; i++)
		swapcontext(&main_ctx, &co_ctx);
	printf("altstack %ld handler %ld coroutine %ld\n", n_alt, n_handler, n_coroutine);
	return 0;
}
