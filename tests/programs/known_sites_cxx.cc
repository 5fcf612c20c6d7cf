// known_sites_cxx: C++ allocation sites with known counts: every form of
// operator new, std::vector that grows, std::make_unique. Line numbers are
// part of the tests.
#include <cstdlib>
#include <new>
#include <vector>
struct Node { long a, b, c; };                      // 24 bytes
struct alignas(64) Wide { char bytes[128]; };        // 128 bytes, over-aligned
__attribute__((noinline)) Node *new_node() { return new Node(); }
__attribute__((noinline)) long *new_array() { return new long[50]; }
__attribute__((noinline)) Node *new_nothrow() { return new (std::nothrow) Node(); }
__attribute__((noinline)) Wide *new_aligned() { return new Wide(); }
__attribute__((noinline)) Wide *new_aligned_array() { return new Wide[3]; }
__attribute__((noinline)) void grow_vector(int n) {
	std::vector<long> v;
	for (int i = 0; i < n; i++) v.push_back(i);
}
static Node *volatile keep; void f_make_unique(int n); void f_push_back(int n);

int main()
{
	for (int i = 0; i < 100; i++) delete new_node();
	for (int i = 0; i < 10; i++) delete[] new_array();
	for (int i = 0; i < 7; i++) delete new_nothrow();
	for (int i = 0; i < 5; i++) delete new_aligned();
	for (int i = 0; i < 2; i++) delete[] new_aligned_array();
	grow_vector(1000); // capacities 1,2,4,...,1024: 11 allocations, 16376 bytes
	keep = new_node(); // one Node leaks
	f_make_unique(50); // 50 Nodes through std::make_unique, freed at once
	f_push_back(100);  // capacities 1,2,...,128 of Node: 8 allocations, 6120 bytes
	return 0;
}

// Sites whose leaf is in the C++ library headers: the site is the line here.
#include <memory>
static void *volatile seen;
__attribute__((noinline)) void f_make_unique(int n) {
	for (int i = 0; i < n; i++) {
		auto p = std::make_unique<Node>();
		seen = p.get();
	}
}
__attribute__((noinline)) void f_push_back(int n) {
	std::vector<Node> v;
	for (int i = 0; i < n; i++)
		v.push_back(Node{i, i, i});
	seen = v.data();
}
