/* The subcommands of esent-harness; each takes the arguments after its own name. */
#ifndef ESH_HARNESS_COMMANDS_H
#define ESH_HARNESS_COMMANDS_H

/* Exit codes shared by every command. */
enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* One style for every command: `--help`/`-h` prints the command's usage on stdout and exits 0;
 * a usage error names the argument and what was expected, on stderr, and exits 2. */
int cli_is_help(const char *arg);
int cli_is_version(const char *arg);

int cmd_err(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_run_child(int argc, char **argv); /* hidden: one scenario in a child process */
int cmd_run_facts(int argc, char **argv); /* hidden: the DLL's facts, from a child */

#endif
