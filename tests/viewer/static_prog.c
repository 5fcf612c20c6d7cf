/* static_prog: linked with -static, so LD_PRELOAD cannot reach it. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	char *p = malloc(100);
	free(p);
	puts("static ok");
	return 0;
}
