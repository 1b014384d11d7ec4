/* `esent-harness err CODE|NAME...`: name, value and meaning of JET codes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "jet_codes.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: esent-harness err CODE|NAME...\n"
                 "  CODE: a JET code's value, signed (-801) or as the unsigned 32-bit number a debugger shows\n"
                 "        (0xfffffcdf, 4294966495); NAME: its name (JET_errBackupAbortByServer)\n"
                 "  exit 0: every code known; 2: one was not\n");
}

/* A JET_ERR is a signed 32-bit value; an unsigned 32-bit spelling of it is the same code. */
static const jet_code *look_up(const char *arg)
{
    char *end;
    long long value;
    errno = 0;
    value = strtoll(arg, &end, 0);
    if (*arg != '\0' && *end == '\0' && errno == 0) {
        if (value > INT32_MAX && value <= (long long)UINT32_MAX)
            value -= (long long)UINT32_MAX + 1;
        if (value < INT32_MIN || value > INT32_MAX)
            return NULL;
        return jet_code_by_value((jet_err)value);
    }
    return jet_code_by_name(arg);
}

int cmd_err(int argc, char **argv)
{
    int status = EXIT_PASS;
    if (argc < 1) {
        fprintf(stderr, "esent-harness err: no CODE or NAME given\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            usage(stdout);
            return EXIT_PASS;
        }
    for (int i = 0; i < argc; i++) {
        const jet_code *code = look_up(argv[i]);
        if (!code) {
            fprintf(stderr,
                    "esent-harness err: '%s' is not a known JET code (expected a value such as -801 or 0xfffffcdf, "
                    "or a name such as JET_errNoBackup)\n",
                    argv[i]);
            status = EXIT_USAGE;
            continue;
        }
        printf("%s %ld%s\n  %s\n", code->name, (long)code->value, code->is_public ? "" : " (internal, not public)",
               code->meaning);
    }
    return status;
}
