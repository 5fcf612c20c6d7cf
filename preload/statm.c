#include "statm.h"

#include <fcntl.h>
#include <unistd.h>

uint64_t statm_rss_bytes(void)
{
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* "size resident shared ...": the second field, in pages */
	const char *p = buf;
	while (*p && *p != ' ')
		p++;
	uint64_t pages = 0;
	for (p = *p ? p + 1 : p; *p >= '0' && *p <= '9'; p++)
		pages = pages * 10 + (uint64_t)(*p - '0');
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}
