/* chains: allocations whose call chains differ only far from the leaf, at
 * the same stack depth, through one call site of a function pointer, through
 * alloca'd frames of varying size, recursion and a signal handler: what a
 * cache of call chains must tell apart. Prints how many blocks each part made.
 * usage: chains [ROUNDS [DEPTHS [UNIQUE]]]: recursion depth is round % DEPTHS
 * (7); UNIQUE chains that never come back (recursion 1000 deep and more)
 * come first */
#include <alloca.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long sink;

__attribute__((noinline)) static void leaf(void) { free(malloc(16)); }
__attribute__((noinline)) static void via_a(void) { leaf(); sink++; }
__attribute__((noinline)) static void via_b(void) { leaf(); sink++; }
__attribute__((noinline)) static void via_c(void) { leaf(); sink++; }

__attribute__((noinline)) static void rec_leaf(void) { free(malloc(24)); }
__attribute__((noinline)) static void rec(int d)
{
	if (d == 0)
		rec_leaf();
	else
		rec(d - 1);
	sink++;
}

__attribute__((noinline)) static void alloca_leaf(void) { free(malloc(32)); }
__attribute__((noinline)) static void with_alloca(size_t n)
{
	char *p = alloca(n);
	memset(p, 1, n);
	sink += p[n / 2];
	alloca_leaf();
}
__attribute__((noinline)) static void alloca_outer_1(size_t n) { with_alloca(n); sink++; }
__attribute__((noinline)) static void alloca_outer_2(size_t n) { char pad[48]; memset(pad, 2, sizeof(pad)); sink += pad[7]; with_alloca(n); }

__attribute__((noinline)) static void signal_leaf(void) { free(malloc(40)); }
static void on_usr1(int sig) { (void)sig; signal_leaf(); }

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3000;
	int depths = argc > 2 ? atoi(argv[2]) : 7;
	int unique = argc > 3 ? atoi(argv[3]) : 0;
	void (*fns[3])(void) = {via_a, via_b, via_c};
	signal(SIGUSR1, on_usr1);
	long n_fn = 0, n_rec = 0, n_alloca1 = 0, n_alloca2 = 0, n_sig = 0;
	for (int i = 0; i < unique; i++)
		rec(1000 + i);
	for (int i = 0; i < rounds; i++) {
		fns[i % 3]();
		n_fn++;
		rec(i % depths);
		n_rec++;
		/* the outer frames differ by 64 bytes and the alloca by 64: the
		 * inner frames sit at the same place with different callers */
		if (i % 2) {
			alloca_outer_1(128);
			n_alloca1++;
		} else {
			alloca_outer_2(64);
			n_alloca2++;
		}
		if (i % 10 == 0) {
			raise(SIGUSR1);
			n_sig++;
		}
	}
	printf("%ld %ld %ld %ld %ld\n", n_fn, n_rec, n_alloca1, n_alloca2, n_sig);
	return 0;
}
