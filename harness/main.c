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
    {"run", cmd_run, "run [OPTIONS] [FILE|DIR]...      run scenarios, each in its own process"},
    {"list", cmd_list, "list [--format json] [FILE|DIR]... every scenario with FILE:LINE, purpose and markers"},
    {"err", cmd_err, "err CODE|NAME...                 name, value and meaning of a JET code"},
    {"diff", cmd_diff, "diff [OPTIONS] RESULTS RESULTS... steps whose codes differ between hosts"},
    {"trace", cmd_trace, "trace [--state DIR] FILE...      the scenario text of esentshim traces"},
    /* Hidden: what `run` starts itself as (one scenario; the DLL's facts). */
    {"__child", cmd_run_child, NULL},
    {"__facts", cmd_run_facts, NULL},
};

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_is_version(const char *arg)
{
    return strcmp(arg, "--version") == 0;
}

/* "run, list, err, diff": the visible commands, for error messages. */
static const char *command_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary && used < size) {
            int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", commands[i].name);
            used += n > 0 ? (size_t)n : 0;
        }
    return buf;
}

static int usage(FILE *out)
{
    fprintf(out, "usage: esent-harness COMMAND [ARGS]\n"
                 "       esent-harness --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary)
            fprintf(out, "  %s\n", commands[i].summary);
    fprintf(out, "\n'esent-harness COMMAND --help' describes a command's options.\n"
                 "Exit codes: 0 passed, 1 failed (a scenario, a difference between hosts), 2 bad input or usage.\n");
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
    if (argc < 2) {
        char names[64];
        fprintf(stderr, "esent-harness: no command given (expected one of %s)\n", command_names(names, sizeof names));
        return usage(stderr);
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_PASS;
    }
    if (cli_is_version(argv[1])) {
        printf("esent-harness %s\n", ESH_VERSION);
        return EXIT_PASS;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    char names[64];
    fprintf(stderr, "esent-harness: unknown command '%s' (expected one of %s)\n", argv[1],
            command_names(names, sizeof names));
    return usage(stderr);
}
