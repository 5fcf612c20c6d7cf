/* safesites: allocation sites where the obvious "reuse one buffer" advice
 * would break the program, with known counts. usage: safesites MODE
 *   recursive  tautology() recursion 9 deep, 1000 times: one 16 B block per
 *              level, freed by the same call after the recursion returns,
 *              so 9 are live at once (espresso's tautology)
 *   larson     1000 slots, 20 rounds 2 ms apart: each replace_slot() frees a
 *              slot's block and allocates the next one (16..511 B) at the
 *              same line, so 1000 blocks of that line are live at once and
 *              95% are freed by the function that allocated them (larson)
 *   palloc     a pool of 500 numbers (10..266 B) allocated by palloc() and
 *              freed by pfree() in another order, 5 rounds; 2 ms between
 *              rounds so none lives 1 ms or less (cfrac's palloc)
 *   threads    4 threads, 1000 times each: scratch() allocates 64 B and frees
 *              it, so each thread holds one at a time (several threads may
 *              hold one each at the same moment)
 *   rotate     1000 calls of rotate(): it frees the block the call before
 *              made and allocates the next 64 B one, kept in a global, so
 *              one is live at a time but each outlives its call
 *   rotate_caller  the same, the block made by make64() and freed by its
 *              caller step() before it calls make64() again
 * Every block is freed before exit. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *volatile sink;

__attribute__((noinline)) static int tautology(int depth)
{
	char *cube = malloc(16);
	cube[0] = (char)depth;
	sink = cube;
	int r = depth > 0 ? tautology(depth - 1) + cube[0] : 0;
	free(cube);
	return r;
}

enum { SLOTS = 1000, LARSON_ROUNDS = 20, PALLOC_ROUNDS = 5, NUMBERS = 500 };
static void *slots[SLOTS];

__attribute__((noinline)) static void replace_slot(int i, size_t size)
{
	free(slots[i]);
	slots[i] = malloc(size);
}

__attribute__((noinline)) static void *palloc(size_t size)
{
	return malloc(size);
}

__attribute__((noinline)) static void pfree(void *p)
{
	sink = p;
	free(p);
}

__attribute__((noinline)) static void scratch(int i)
{
	char *p = malloc(64);
	p[0] = (char)i;
	sink = p;
	free(p);
}

static char *current;

__attribute__((noinline)) static void rotate(int i)
{
	free(current);
	current = malloc(64);
	current[0] = (char)i;
}

static void *kept64;

__attribute__((noinline)) static void *make64(int i)
{
	char *p = malloc(64);
	p[0] = (char)i;
	return p;
}

__attribute__((noinline)) static void step(int i)
{
	free(kept64);
	kept64 = make64(i);
}

static void *scratch_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		scratch(i);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "recursive")) {
		for (int i = 0; i < 1000; i++)
			tautology(8);
	} else if (!strcmp(mode, "larson")) {
		unsigned seed = 1;
		for (int r = 0; r < LARSON_ROUNDS; r++) {
			for (int i = 0; i < SLOTS; i++) {
				seed = seed * 1103515245 + 12345;
				replace_slot(i, 16 + (seed >> 16) % 496);
			}
			usleep(2000);
		}
		for (int i = 0; i < SLOTS; i++)
			free(slots[i]);
	} else if (!strcmp(mode, "palloc")) {
		void *nums[NUMBERS];
		for (int r = 0; r < PALLOC_ROUNDS; r++) {
			for (int i = 0; i < NUMBERS; i++)
				nums[i] = palloc(10 + (size_t)(i * 37 % 257));
			usleep(2000);
			for (int i = NUMBERS - 1; i >= 0; i--)
				pfree(nums[(i * 7) % NUMBERS]);
		}
	} else if (!strcmp(mode, "threads")) {
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, scratch_thread, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
	} else if (!strcmp(mode, "rotate_caller")) {
		for (int i = 0; i < 1000; i++)
			step(i);
		free(kept64);
	} else if (!strcmp(mode, "rotate")) {
		for (int i = 0; i < 1000; i++)
			rotate(i);
		free(current);
	} else {
		return 2;
	}
	return 0;
}
