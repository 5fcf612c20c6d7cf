/* commands: one entry point per `allocprof` subcommand, each in its own
 * cmd_NAME.c. They take the arguments after the command name (argv[0] is the
 * command) and return the process exit status: 0 ok, 1 failure, 2 usage. */
#ifndef ALLOCPROF_COMMANDS_H
#define ALLOCPROF_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_peek(int argc, char **argv);
int cmd_traces(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_symbolize(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_help(int argc, char **argv);
/* pictures (viewer/pictures/) */
int cmd_flame(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* fix hints (viewer/hints/) */
int cmd_hints(int argc, char **argv);

typedef int (*command_fn)(int argc, char **argv);
/* The entry point of a subcommand by name, or NULL (commands.c). */
command_fn command_lookup(const char *name);
/* The command a mistyped name most likely meant, or NULL. */
const char *command_nearest(const char *name);

#endif
