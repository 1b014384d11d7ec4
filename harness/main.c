/* esent-harness: entry point and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"err", cmd_err, "err CODE|NAME...        name, value and meaning of a JET code"},
    {"run", cmd_run, "run [OPTIONS] [FILE|DIR]...  run scenarios, each in its own process (run --help)"},
    {"list", cmd_list, "list [FILE|DIR]...       every scenario with FILE:LINE, purpose and markers"},
    {"diff", cmd_diff, "diff [--markdown] [--common] RESULTS RESULTS...  steps whose codes differ between hosts"},
    /* Hidden: what `run` starts itself as (one scenario; the DLL's facts). */
    {"__child", cmd_run_child, NULL},
    {"__facts", cmd_run_facts, NULL},
};

static int usage(FILE *out)
{
    fprintf(out, "usage: esent-harness COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary)
            fprintf(out, "  %s\n", commands[i].summary);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_PASS;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "esent-harness: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
