// gbench: the request benchmark of docs/allocs-per-op.md in Google Benchmark, reporting
// allocs/op and B/op through allocprof_benchmark.h.
#include <allocprof_benchmark.h>
#include <cstdlib>
#include <cstring>

struct request {
	int id;
	char *body;
};

static __attribute__((noinline)) request *new_request(int id)
{
	request *r = static_cast<request *>(std::malloc(sizeof(request)));
	r->id = id;
	r->body = static_cast<char *>(std::malloc(256));
	return r;
}

static void BM_Request(benchmark::State &state)
{
	allocprof::ReportAllocs allocs(state);
	int i = 0;
	for (auto _ : state) {
		request *r = new_request(i++);
		std::memset(r->body, 'x', 256);
		benchmark::DoNotOptimize(r->body);
		std::free(r->body);
		std::free(r);
	}
}
BENCHMARK(BM_Request);

static void reuse(benchmark::State &state, request *r)
{
	allocprof::ReportAllocs allocs(state);
	for (auto _ : state) {
		std::memset(r->body, 'x', 256);
		benchmark::DoNotOptimize(r->body);
	}
}

static void BM_RequestReused(benchmark::State &state)
{
	request *r = new_request(0); // set-up, before the counting starts
	reuse(state, r);
	std::free(r->body);
	std::free(r);
}
BENCHMARK(BM_RequestReused);

BENCHMARK_MAIN();
