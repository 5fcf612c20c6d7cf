// attachee_cxx: attachee's protocol for operator new and delete, which an
// attach must redirect too (tests/attach):
//   new N   N objects of 40 bytes at new_site, KEEP of them kept: "done N"
//   quit    exits 0: "bye"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

struct Obj {
	char bytes[40];
};

enum { KEEP = 10 };

__attribute__((noinline)) static Obj *new_site()
{
	return new Obj(); // NEW_SITE
}

int main()
{
	std::vector<Obj *> kept;
	kept.reserve(1 << 16);
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	std::printf("ready\n");
	char line[128];
	while (std::fgets(line, sizeof(line), stdin)) {
		if (!std::strncmp(line, "new ", 4)) {
			long n = std::atol(line + 4);
			for (long i = 0; i < n; i++) {
				Obj *o = new_site();
				if (i < KEEP && kept.size() < kept.capacity())
					kept.push_back(o);
				else
					delete o;
			}
			std::printf("done %ld\n", n);
		} else if (!std::strcmp(line, "quit\n")) {
			break;
		}
	}
	for (Obj *o : kept)
		delete o;
	std::printf("bye\n");
	return 0;
}
