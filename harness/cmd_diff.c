/* `esent-harness diff [--markdown] [--common] RESULTS RESULTS...`: one column per host, one row per
 * step whose codes differ. Exit 0 when every host agrees (racy scenarios aside), 1 when a
 * step differs, 2 on bad
 * input (the reader's FILE:LINE:COL message) or usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "results.h"
#include "results_diff.h"

static int usage(void)
{
    fprintf(stderr, "usage: esent-harness diff [--markdown] [--common] RESULTS RESULTS...\n"
                    "  compares the results files of two or more hosts (esent-harness run --results FILE)\n"
                    "  --markdown  Markdown tables (CI job summaries)\n"
                    "  --common    compare only the steps every file has (e.g. a run and its run through the shim)\n");
    return EXIT_USAGE;
}

int cmd_diff(int argc, char **argv)
{
    int markdown = 0, first = 0, status;
    unsigned flags = 0;
    for (; first < argc; first++) {
        if (strcmp(argv[first], "--markdown") == 0)
            markdown = 1;
        else if (strcmp(argv[first], "--common") == 0)
            flags |= RDIFF_COMMON_ONLY;
        else
            break;
    }
    for (int i = first; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "esent-harness diff: unknown option '%s'\n", argv[i]);
            return usage();
        }
    if (argc - first < 2)
        return usage();

    size_t nfiles = (size_t)(argc - first);
    res_file *files = calloc(nfiles, sizeof *files);
    if (!files) {
        fprintf(stderr, "esent-harness diff: out of memory\n");
        return EXIT_USAGE;
    }
    size_t nread = 0;
    status = EXIT_PASS;
    for (; nread < nfiles; nread++) {
        char err[512];
        if (res_read(&files[nread], argv[first + (int)nread], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_USAGE;
            break;
        }
    }
    if (status == EXIT_PASS) {
        rdiff d;
        if (rdiff_build_flags(&d, files, nfiles, flags) != 0) {
            fprintf(stderr, "esent-harness diff: out of memory\n");
            status = EXIT_USAGE;
        } else {
            if (markdown)
                rdiff_write_markdown(stdout, &d);
            else
                rdiff_write_text(stdout, &d);
            /* Rows of racy scenarios are shown but are no difference between hosts. */
            status = d.nrows > d.nracy ? EXIT_FAIL : EXIT_PASS;
            rdiff_free(&d);
        }
    }
    for (size_t i = 0; i < nread; i++)
        res_free(&files[i]);
    free(files);
    return status;
}
