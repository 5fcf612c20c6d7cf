/* request: the classic allocation optimisation, before and after. A server
 * loop handles N requests; built with REUSE=0 it allocates a fresh request
 * object per call, with REUSE=1 it reuses one. Everything else (the body
 * buffers, stdio) allocates the same in both builds.
 * usage: request_before|request_after [N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef REUSE
#define REUSE 0
#endif

struct request {
	char method[8];
	char path[240];
	size_t body_len;
}; /* 256 bytes */

__attribute__((noinline)) struct request *new_request(void)
{
	return malloc(sizeof(struct request));
}

__attribute__((noinline)) char *read_body(size_t n)
{
	return malloc(n);
}

__attribute__((noinline)) size_t handle(struct request *req, int i)
{
	snprintf(req->method, sizeof(req->method), "%s", i % 3 ? "GET" : "POST");
	snprintf(req->path, sizeof(req->path), "/item/%d", i);
	req->body_len = 64 + (size_t)(i % 64);
	char *body = read_body(req->body_len);
	memset(body, 'x', req->body_len);
	size_t sum = strlen(req->path) + (size_t)body[0];
	free(body);
	return sum;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	size_t sum = 0;
#if REUSE
	struct request *req = new_request();
#endif
	for (int i = 0; i < n; i++) {
#if !REUSE
		struct request *req = new_request();
#endif
		sum += handle(req, i);
#if !REUSE
		free(req);
#endif
	}
#if REUSE
	free(req);
#endif
	printf("%zu\n", sum);
	return 0;
}
