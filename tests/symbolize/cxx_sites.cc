// cxx_sites: C++ allocation sites in a namespace, a class, a template and a
// lambda; names must come out demangled, the mangled ones kept as system
// names, and the leaf must be the new expression. Line numbers are part of
// the tests.
#include <cstddef>
#include <string>

namespace shapes {
struct Point { double x, y; };

class Canvas {
public:
	__attribute__((noinline)) Point *add_point(double x) { return new Point{x, x}; } // line 13
};

template <typename T> __attribute__((noinline)) T *make_array(std::size_t n)
{
	return new T[n]; // line 18
}
} // namespace shapes

static shapes::Point *volatile keep;

int main()
{
	shapes::Canvas c;
	for (int i = 0; i < 30; i++)
		delete c.add_point(i);
	for (int i = 0; i < 6; i++)
		delete[] shapes::make_array<long>(20);
	auto make = [](int v) __attribute__((noinline)) { return new int(v); }; // line 31
	for (int i = 0; i < 8; i++)
		delete make(i);
	return 0;
}
