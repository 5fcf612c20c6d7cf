/* commands: the table of subcommands, for the dispatcher and for help. */
#include "commands.h"

#include <string.h>

#include "suggest.h"

static const struct {
	const char *name;
	command_fn fn;
} commands[] = {
	{"run", cmd_run},
	{"stat", cmd_stat},
	{"attach", cmd_attach},
	{"check", cmd_check},
	{"top", cmd_top},
	{"list", cmd_list},
	{"peek", cmd_peek},
	{"traces", cmd_traces},
	{"diff", cmd_diff},
	{"merge", cmd_merge},
	{"summary", cmd_summary},
	{"leaks", cmd_leaks},
	{"hints", cmd_hints},
	{"flame", cmd_flame},
	{"graph", cmd_graph},
	{"timeline", cmd_timeline},
	{"report", cmd_report},
	{"symbolize", cmd_symbolize},
	{"watch", cmd_watch},
	{"help", cmd_help},
};

command_fn command_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn;
	return NULL;
}

const char *command_nearest(const char *name)
{
	struct suggest near;
	suggest_init(&near, name, strlen(name));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		suggest_try(&near, commands[i].name);
	return near.best;
}
