/* allocprof_benchmark.h: allocations per iteration in Google Benchmark
 * (libbenchmark), from the exact counts of liballocprof.so (allocprof.h).
 * Include it in a benchmark program and run that under the shim:
 *
 *     #include <allocprof_benchmark.h>
 *     static void BM_Parse(benchmark::State &state)
 *     {
 *             allocprof::ReportAllocs allocs(state); // like Go's b.ReportAllocs()
 *             for (auto _ : state)
 *                     parse(input);
 *     }
 *     BENCHMARK(BM_Parse);
 *     BENCHMARK_MAIN();
 *
 *     $ allocprof run -q -- ./bench            (or LD_PRELOAD=liballocprof.so ./bench)
 *     BM_Parse     1520 ns   1519 ns   460112   B/op=312   allocs/op=4
 *
 * ReportAllocs adds the counters B/op and allocs/op, averaged over the
 * iterations. The header also registers a benchmark::MemoryManager, so
 * --benchmark_format=json carries allocs_per_iter and total_allocated_bytes
 * (of the library's extra memory run); max_bytes_used is 0: the counts keep
 * no peak. Define ALLOCPROF_BENCHMARK_NO_MEMORY_MANAGER to register your
 * own. Without the shim the counters are absent and nothing is reported. */
#ifndef ALLOCPROF_BENCHMARK_H
#define ALLOCPROF_BENCHMARK_H

#include <allocprof.h>
#include <benchmark/benchmark.h>

namespace allocprof {

inline bool counting()
{
	return allocprof_counters != nullptr;
}

inline struct allocprof_counters now()
{
	struct allocprof_counters c = {};
	if (allocprof_counters)
		allocprof_counters(&c);
	return c;
}

/* Counts from its construction to its destruction, at the end of the
 * benchmark function, after the timed loop. */
class ReportAllocs {
public:
	explicit ReportAllocs(benchmark::State &state) : state_(state), start_(now()) {}
	~ReportAllocs()
	{
		if (!counting())
			return;
		struct allocprof_counters end = now();
		state_.counters["allocs/op"] = benchmark::Counter((double)(end.allocs - start_.allocs),
								  benchmark::Counter::kAvgIterations);
		state_.counters["B/op"] = benchmark::Counter((double)(end.bytes - start_.bytes),
							     benchmark::Counter::kAvgIterations);
	}
	ReportAllocs(const ReportAllocs &) = delete;
	ReportAllocs &operator=(const ReportAllocs &) = delete;

private:
	benchmark::State &state_;
	struct allocprof_counters start_;
};

class MemoryManager : public benchmark::MemoryManager {
public:
	void Start() override
	{
		start_ = now();
	}
	void Stop(Result &r) override
	{
		struct allocprof_counters end = now();
		r.num_allocs = (int64_t)(end.allocs - start_.allocs);
		r.total_allocated_bytes = (int64_t)(end.bytes - start_.bytes);
		r.max_bytes_used = 0;
	}
	/* libbenchmark before 1.8 calls this one; later ones have only the
	 * reference form, and this is then an ordinary overload */
	void Stop(Result *r)
	{
		Stop(*r);
	}

private:
	struct allocprof_counters start_ = {};
};

#ifndef ALLOCPROF_BENCHMARK_NO_MEMORY_MANAGER
/* Registered before main: BENCHMARK_MAIN() needs nothing more. */
inline struct MemoryManagerRegistration {
	MemoryManager manager;
	MemoryManagerRegistration()
	{
		if (counting())
			benchmark::RegisterMemoryManager(&manager);
	}
} memory_manager_registration;
#endif

} // namespace allocprof

#endif
