/* esent-harness: entry point and subcommand dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#include <shellapi.h>
#endif

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
    {"trace", cmd_trace, "trace FILE...            the scenario text of esentshim traces (binary or text)"},
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

#ifdef _WIN32
/* The arguments as UTF-8, from the wide command line: the CRT's argv is in the ANSI code
 * page and cannot carry every path. Every path is turned back into UTF-16 where a file is
 * opened. Returns argv unchanged if the conversion fails. */
static char **utf8_arguments(int *argc, char **argv)
{
    int n = 0;
    wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), &n);
    char **out = wide ? calloc((size_t)n + 1, sizeof *out) : NULL;
    if (!out) {
        if (wide)
            LocalFree(wide);
        return argv;
    }
    for (int i = 0; i < n; i++) {
        int size = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, NULL, 0, NULL, NULL);
        if (size <= 0 || (out[i] = malloc((size_t)size)) == NULL) {
            LocalFree(wide);
            return argv; /* out of memory at start-up: the ANSI arguments will do */
        }
        WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, out[i], size, NULL, NULL);
    }
    LocalFree(wide);
    *argc = n;
    return out;
}
#endif

int main(int argc, char **argv)
{
#ifdef _WIN32
    argv = utf8_arguments(&argc, argv);
#endif
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
