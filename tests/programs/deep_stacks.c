/* deep_stacks: a recursive program with 2^BITS distinct deep stacks, the
 * shape that costs a profiler memory: a chain of PLAIN + 1 single-site
 * calls, then a binary recursion BITS levels deep whose leaves each
 * allocate through a stack of their own. The defaults make 2^17 stacks of
 * 40 frames up to main (leaf, 18 of branch, 21 of chain). Every leaf
 * allocates and frees three blocks; the whole tree is walked ROUNDS times,
 * so after the first round every stack is a repeat.
 * usage: deep_stacks [BITS [PLAIN [ROUNDS]]] (17, 20, 2); prints the number
 * of blocks allocated. */
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;
static long blocks;

__attribute__((noinline)) static void leaf(void)
{
	/* one call site: one stack per leaf */
	for (int i = 0; i < 3; i++) {
		void *p = malloc(16 + 16 * (size_t)i);
		sink += (long)p;
		free(p);
		blocks++;
	}
}

/* two call sites: each leaf's return addresses spell its path */
__attribute__((noinline)) static void branch(int level)
{
	if (level == 0) {
		leaf();
	} else {
		branch(level - 1);
		branch(level - 1);
	}
	sink++;
}

__attribute__((noinline)) static void chain(int plain, int bits)
{
	if (plain == 0)
		branch(bits);
	else
		chain(plain - 1, bits);
	sink++;
}

int main(int argc, char **argv)
{
	int bits = argc > 1 ? atoi(argv[1]) : 17;
	int plain = argc > 2 ? atoi(argv[2]) : 20;
	int rounds = argc > 3 ? atoi(argv[3]) : 2;
	for (int r = 0; r < rounds; r++)
		chain(plain, bits);
	printf("%ld\n", blocks);
	return 0;
}
