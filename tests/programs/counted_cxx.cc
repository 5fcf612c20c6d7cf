// counted_cxx: operator new and delete are counted once each, although the
// real operator new calls malloc (the shim forwards that one uncounted).
#include <allocprof.h>
#include <cstdio>
#include <vector>

int main()
{
	if (!allocprof_counters) {
		std::printf("no-shim\n");
		return 0;
	}
	struct allocprof_counters a, b;
	std::vector<int *> v;
	v.reserve(100);
	allocprof_counters(&a);
	for (int i = 0; i < 100; i++)
		v.push_back(new int[4]);
	for (int *p : v)
		delete[] p;
	allocprof_counters(&b);
	std::printf("new %llu %llu %llu %lld\n", b.allocs - a.allocs, b.bytes - a.bytes, b.frees - a.frees,
		    b.inuse - a.inuse);
	return 0;
}
