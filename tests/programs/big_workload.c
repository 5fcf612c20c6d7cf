/* big_workload: allocates TOTAL_MB megabytes in a deterministic mix of sizes
 * (16 B to 64 KiB, log-uniform) and frees each block at once, at three
 * distinct sites. Prints the exact bytes and objects per site, so a sampled
 * profile can be compared with the truth. usage: big_workload TOTAL_MB */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 88172645463325252ULL;
static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

__attribute__((noinline)) static void *site_a(size_t n) { return malloc(n); }
__attribute__((noinline)) static void *site_b(size_t n) { return malloc(n); }
__attribute__((noinline)) static void *site_c(size_t n) { return malloc(n); }

int main(int argc, char **argv)
{
	uint64_t total = (uint64_t)(argc > 1 ? atol(argv[1]) : 1024) << 20;
	uint64_t bytes[3] = {0}, objects[3] = {0}, sum = 0;
	while (sum < total) {
		size_t n = (size_t)16 << (next() % 13);   /* 16 B .. 64 KiB */
		n += next() % n;
		int site = (int)(next() % 3);
		void *p = site == 0 ? site_a(n) : site == 1 ? site_b(n) : site_c(n);
		*(volatile char *)p = 1;
		free(p);
		bytes[site] += n;
		objects[site]++;
		sum += n;
	}
	for (int i = 0; i < 3; i++)
		printf("site_%c %llu %llu\n", 'a' + i, (unsigned long long)objects[i], (unsigned long long)bytes[i]);
	return 0;
}
