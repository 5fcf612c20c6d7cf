/* linker_main: runs linker_sites, linked in or from a shared library. */
void run_sites(void);

int main(void)
{
	run_sites();
	return 0;
}
