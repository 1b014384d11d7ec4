/* `esent-harness err CODE|NAME...`: name, value and meaning of JET codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "jet_codes.h"

static const jet_code *look_up(const char *arg)
{
    char *end;
    long value;
    errno = 0;
    value = strtol(arg, &end, 0);
    if (*arg != '\0' && *end == '\0' && errno == 0)
        return jet_code_by_value((jet_err)value);
    return jet_code_by_name(arg);
}

int cmd_err(int argc, char **argv)
{
    int status = EXIT_PASS;
    if (argc < 1) {
        fprintf(stderr, "usage: esent-harness err CODE|NAME...\n"
                        "  e.g. esent-harness err -801   esent-harness err JET_errNoBackup\n");
        return EXIT_USAGE;
    }
    for (int i = 0; i < argc; i++) {
        const jet_code *code = look_up(argv[i]);
        if (!code) {
            printf("%s: not a known JET code\n", argv[i]);
            status = EXIT_FAIL;
            continue;
        }
        printf("%s %ld%s\n  %s\n", code->name, (long)code->value, code->is_public ? "" : " (internal, not public)",
               code->meaning);
    }
    return status;
}
