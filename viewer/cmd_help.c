/* cmd_help: `allocprof help [COMMAND]`, and the man pages the build makes
 * from the same texts (`help --man`, `help --man-env`, not advertised). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "manpage.h"
#include "usage.h"

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage_overview(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--man"))
		return manpage_commands(stdout);
	if (argc == 2 && !strcmp(argv[1], "--man-env"))
		return manpage_env(stdout);
	if (argc == 2 && usage_known(argv[1]) && !usage_print(stdout, argv[1])) {
		/* a command without text here prints its own help */
		char *args[] = {argv[1], "--help", NULL};
		return command_lookup(argv[1])(2, args);
	}
	if (argc > 2 || !usage_known(argv[1])) {
		fprintf(stderr, "allocprof: no command '%s' (see 'allocprof help')\n", argv[1]);
		return 2;
	}
	return 0;
}
