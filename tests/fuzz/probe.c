/* probe: compiled at configure time to see whether clang can build a
 * libFuzzer target here (the fuzzer runtime is a separate package). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
