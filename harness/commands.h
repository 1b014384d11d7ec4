/* The subcommands of esent-harness; each takes the arguments after its own name. */
#ifndef ESH_HARNESS_COMMANDS_H
#define ESH_HARNESS_COMMANDS_H

/* Exit codes shared by every command. */
enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_err(int argc, char **argv);

#endif
