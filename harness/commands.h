/* The subcommands of esent-harness; each takes the arguments after its own name. */
#ifndef ESH_HARNESS_COMMANDS_H
#define ESH_HARNESS_COMMANDS_H

/* Exit codes shared by every command. */
enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_err(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_run_child(int argc, char **argv); /* hidden: one scenario in a child process */
int cmd_run_facts(int argc, char **argv); /* hidden: the DLL's facts, from a child */

#endif
