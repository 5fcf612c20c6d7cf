/* static_sleeper: a statically linked process that waits for its stdin to
 * close, for allocprof attach to refuse. */
#include <unistd.h>

int main(void)
{
	char c;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
