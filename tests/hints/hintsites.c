/* hintsites: one allocation site per kind of `allocprof hints`, and sites
 * that must get none, with known fates. usage: hintsites [SCALE] (default 1;
 * counts marked N grow with it).
 *   scratch_small   1000N x 512 B, freed by the function that allocated them
 *   scratch_big     20N x 64 KiB, freed by the function that allocated them
 *   scratch_var     1000N x 256 B..4 KiB, freed by the function that allocated them
 *   new_token       10000N x 40 B, freed by its caller parse_line
 *   new_node        10000N x 96 B, freed soon by consume_node, same thread
 *   new_string      2000N x 16..1008 B, freed soon by drop_string, same thread
 *   new_message     1000N x 1 KiB, freed by a worker thread (4N batches of 250)
 *   new_buffer + buffer_grow
 *                   5N buffers of 64 B, each doubled by realloc 12 times to 256 KiB
 *   append_bytes    20N buffers started by realloc(NULL, 512) and grown by 512 B
 *                   steps to 8 KiB: 16 reallocs at one line, 15 of them moves
 *   slow_node       12 x 300 B, each freed 25 ms later by free_slow, same thread
 *   kept_record     100 x 1 KiB, kept until exit (no hint)
 *   half_kept       1000N x 128 B, half freed at once, half kept (no hint) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *volatile sink;

__attribute__((noinline)) static void scratch_small(int i)
{
	char *p = malloc(512);
	p[0] = (char)i;
	sink = p;
	free(p);
}

__attribute__((noinline)) static void scratch_big(int i)
{
	char *p = malloc(65536);
	p[0] = (char)i;
	sink = p;
	free(p);
}

__attribute__((noinline)) static void scratch_var(int i)
{
	char *p = malloc(256 + (size_t)(i * 97 % 3841));
	p[0] = (char)i;
	sink = p;
	free(p);
}

struct token {
	char text[32];
	long kind;
};

__attribute__((noinline)) static struct token *new_token(int i)
{
	struct token *t = malloc(sizeof(*t));
	t->kind = i;
	return t;
}

__attribute__((noinline)) static long parse_line(int i)
{
	struct token *t = new_token(i);
	sink = t;
	long k = t->kind;
	free(t);
	return k;
}

struct node {
	struct node *next;
	char payload[88];
};

__attribute__((noinline)) static struct node *new_node(void)
{
	return malloc(sizeof(struct node));
}

__attribute__((noinline)) static void consume_node(struct node *n)
{
	sink = n;
	free(n);
}

__attribute__((noinline)) static char *new_string(int i)
{
	return malloc(16 + (size_t)(i * 61 % 993));
}

__attribute__((noinline)) static void drop_string(char *s)
{
	sink = s;
	free(s);
}

enum { BATCH = 250 };
static void *messages[BATCH];

__attribute__((noinline)) static void *new_message(void)
{
	return malloc(1024);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < BATCH; i++)
		free(messages[i]);
	return NULL;
}

__attribute__((noinline)) static char *new_buffer(void)
{
	return malloc(64);
}

__attribute__((noinline)) static char *buffer_grow(char *p, size_t n)
{
	return realloc(p, n);
}

__attribute__((noinline)) static void release_buffer(char *p)
{
	free(p);
}

__attribute__((noinline)) static char *append_bytes(char *p, size_t n)
{
	return realloc(p, n);
}

__attribute__((noinline)) static void *slow_node(void)
{
	return malloc(300);
}

__attribute__((noinline)) static void free_slow(void *p)
{
	free(p);
}

__attribute__((noinline)) static void *kept_record(void)
{
	return malloc(1024);
}

__attribute__((noinline)) static void *half_kept(void)
{
	return malloc(128);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 1)
		n = 1;
	for (int i = 0; i < 1000 * n; i++)
		scratch_small(i);
	for (int i = 0; i < 20 * n; i++)
		scratch_big(i);
	for (int i = 0; i < 1000 * n; i++)
		scratch_var(i);
	long sum = 0;
	for (int i = 0; i < 10000 * n; i++)
		sum += parse_line(i);
	/* a queue of 16 nodes: each is freed 16 allocations after its own */
	struct node *queue[16] = {0};
	for (int i = 0; i < 10000 * n; i++) {
		if (queue[i % 16])
			consume_node(queue[i % 16]);
		queue[i % 16] = new_node();
	}
	for (int i = 0; i < 16; i++)
		consume_node(queue[i]);
	char *strings[8];
	for (int i = 0; i < 2000 * n; i++) {
		strings[i % 8] = new_string(i);
		if (i % 8 == 7)
			for (int k = 0; k < 8; k++)
				drop_string(strings[k]);
	}
	for (int b = 0; b < 4 * n; b++) {
		for (int i = 0; i < BATCH; i++)
			messages[i] = new_message();
		pthread_t t;
		if (pthread_create(&t, NULL, worker, NULL) != 0)
			return 1;
		pthread_join(t, NULL);
	}
	for (int b = 0; b < 5 * n; b++) {
		char *p = new_buffer();
		for (int i = 1; i <= 12; i++) {
			p = buffer_grow(p, (size_t)64 << i);
			p[0] = 1;
		}
		release_buffer(p);
	}
	for (int b = 0; b < 20 * n; b++) {
		char *p = NULL;
		for (size_t len = 512; len <= 8192; len += 512) {
			p = append_bytes(p, len);
			p[len - 1] = 1;
		}
		release_buffer(p);
	}
	for (int i = 0; i < 12; i++) {
		void *p = slow_node();
		usleep(25000);
		free_slow(p);
	}
	static void *kept[100];
	for (int i = 0; i < 100; i++)
		kept[i] = kept_record();
	for (int i = 0; i < 1000 * n; i++) {
		void *p = half_kept();
		if (i % 2)
			free(p);
		else
			sink = p;
	}
	return sum == 42;
}
