/* `esent-harness trace FILE...`: the scenario text of each trace the shim wrote, as `run`
 * reads it (a binary trace decoded by core/trace_decode.c; a text trace as it is), on
 * stdout; a cut trace's warnings on stderr. Exit 2 for a file that cannot be read or a
 * damaged trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "text_files.h"
#include "trace_decode.h"

static int print_trace(const char *path)
{
    char *data, error[400];
    size_t len;
    if (esh_read_file(path, &data, &len) != 0) {
        fprintf(stderr, "esent-harness: cannot read '%s'\n", path);
        return EXIT_USAGE;
    }
    if (!trace_is_binary(data, len)) {
        fwrite(data, 1, len, stdout);
        free(data);
        return EXIT_PASS;
    }
    trace_text text;
    int rc = trace_decode((const unsigned char *)data, len, path, &text, error, sizeof error);
    free(data);
    if (rc != 0) {
        fprintf(stderr, "%s: error: %s\n", path, error);
        return EXIT_USAGE;
    }
    fwrite(text.text, 1, text.len, stdout);
    for (size_t i = 0; i < text.nwarnings; i++)
        fprintf(stderr, "%s\n", text.warnings[i]);
    trace_text_free(&text);
    return EXIT_PASS;
}

int cmd_trace(int argc, char **argv)
{
    if (argc == 0 || argv[0][0] == '-') {
        fprintf(stderr, "usage: esent-harness trace FILE...\n");
        return argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) ? EXIT_PASS : EXIT_USAGE;
    }
    int rc = EXIT_PASS;
    for (int i = 0; i < argc; i++) {
        int r = print_trace(argv[i]);
        if (r != EXIT_PASS)
            rc = r;
    }
    return rc;
}
