/* `esent-harness trace [--state DIR] FILE...`: the scenario text of each trace the shim
 * wrote, as `run` reads it (a binary trace decoded by core/trace_decode.c; a text trace as
 * it is), on stdout; a cut trace's warnings on stderr. With --state, each file the
 * recording captured is written into DIR and its `state` line says `from` it, so that the
 * text replays without the binary trace. Exit 2 for a file that cannot be read or written,
 * or a damaged trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "commands.h"
#include "run.h"
#include "text_buffer.h"
#include "text_files.h"
#include "trace_decode.h"
#include "trace_travel.h"
#include "win_text.h"

static unsigned files_written; /* numbers the files written into DIR across the traces */

/* Writes F's bytes (pieces of DATA) to DIR\<n>-<base name>; the path is returned in OUT. */
static int write_state_file(const char *dir, const unsigned char *data, const trace_state_file *f, char *out,
                            size_t size)
{
    int n = snprintf(out, size, "%s\\%u-", dir, ++files_written);
    /* The base name, kept to the characters a file name may hold. */
    for (const char *c = trace_path_base(f->path); n > 0 && (size_t)n + 1 < size && *c; c++)
        out[n++] = strchr(":*?\"<>|", *c) || (unsigned char)*c < 0x20 ? '_' : *c;
    if (n > 0)
        out[(size_t)n < size ? (size_t)n : size - 1] = '\0';
    wchar_t *wide = utf8_to_wide(out);
    HANDLE h = wide ? CreateFileW(wide, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL)
                    : INVALID_HANDLE_VALUE;
    free(wide);
    int ok = h != INVALID_HANDLE_VALUE;
    for (size_t i = 0; ok && i < f->npieces; i++) {
        DWORD put = 0;
        ok = WriteFile(h, data + f->pieces[i].at, f->pieces[i].bytes, &put, NULL) && put == f->pieces[i].bytes;
    }
    if (!ok)
        fprintf(stderr, "esent-harness trace: --state: cannot write %s (error %lu)\n", out,
                (unsigned long)GetLastError());
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    return ok ? 0 : -1;
}

/* The decoded text with each captured file's `state` line saying `from` its copy in DIR. */
static int text_with_state(const char *dir, const unsigned char *data, const trace_text *text, esh_text *out)
{
    size_t done = 0;
    for (size_t k = 0; k < text->nstates; k++) {
        const trace_state_file *f = &text->states[k];
        char path[1200];
        if (f->missing)
            continue;
        if (write_state_file(dir, data, f, path, sizeof path) != 0)
            return -1;
        esh_text_add(out, text->text + done, f->line_at - done);
        trace_state_line(out, f, path);
        done = f->line_at + f->line_len;
    }
    esh_text_add(out, text->text + done, text->len - done);
    return 0;
}

static int print_trace(const char *path, const char *state_dir)
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
    if (rc != 0) {
        free(data);
        fprintf(stderr, "%s: error: %s\n", path, error);
        return EXIT_USAGE;
    }
    esh_text with = {0};
    if (state_dir && text_with_state(state_dir, (const unsigned char *)data, &text, &with) != 0)
        rc = EXIT_USAGE;
    else if (state_dir)
        fwrite(with.p, 1, with.len, stdout);
    else
        fwrite(text.text, 1, text.len, stdout);
    for (size_t i = 0; i < text.nwarnings; i++)
        fprintf(stderr, "%s\n", text.warnings[i]);
    free(with.p);
    free(data);
    trace_text_free(&text);
    return rc;
}

static const char usage[] = "usage: esent-harness trace [--state DIR] FILE...\n";

int cmd_trace(int argc, char **argv)
{
    const char *state_dir = NULL;
    char err[800];
    int i = 0;
    if (argc > 0 && cli_is_help(argv[0])) {
        fputs(usage, stdout);
        return EXIT_PASS;
    }
    if (argc >= 1 && strcmp(argv[0], "--state") == 0) {
        if (argc < 2 || argv[1][0] == '\0') {
            fprintf(stderr, "esent-harness trace: --state: expected a folder for the captured files\n%s", usage);
            return EXIT_USAGE;
        }
        state_dir = argv[1];
        i = 2;
        if (preflight_folder("--state", state_dir, 1, err, sizeof err) != 0) {
            fprintf(stderr, "esent-harness trace: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if (i >= argc || argv[i][0] == '-') {
        if (i < argc)
            fprintf(stderr, "esent-harness trace: %s: unknown option\n", argv[i]);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    int rc = EXIT_PASS;
    for (; i < argc; i++) {
        int r = print_trace(argv[i], state_dir);
        if (r != EXIT_PASS)
            rc = r;
    }
    return rc;
}
