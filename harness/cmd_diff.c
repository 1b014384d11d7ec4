/* `esent-harness diff [--markdown] [--common] [--html FILE] RESULTS RESULTS...`: one column per
 * host, one row per step whose codes differ. Exit 0 when every host agrees (racy scenarios
 * aside), 1 when a step differs, 2 on bad input (the reader's FILE:LINE:COL message) or usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "commands.h"
#include "results.h"
#include "results_diff.h"
#include "results_html.h"
#include "win_text.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: esent-harness diff [--markdown] [--common] [--html FILE [--link-base URL]] RESULTS RESULTS...\n"
                 "  compares the results files of two or more hosts (esent-harness run --results FILE)\n"
                 "  --markdown       Markdown tables (CI job summaries)\n"
                 "  --common         compare only the steps every file has (e.g. a run and its run through the shim)\n"
                 "  --html FILE      also write the whole matrix as one self-contained HTML page: hosts as columns,\n"
                 "                   every scenario and step as rows, each code coloured by agreement\n"
                 "  --link-base URL  put URL before each FILE:LINE link of the page (e.g. a repository's blob URL)\n"
                 "  exit 0: the hosts agree (racy scenarios aside); 1: a step differs; 2: bad input or usage\n");
}

static int usage_error(const char *format, const char *arg)
{
    fputs("esent-harness diff: ", stderr);
    fprintf(stderr, format, arg);
    fputc('\n', stderr);
    usage(stderr);
    return EXIT_USAGE;
}

static FILE *open_for_writing(const char *path)
{
    wchar_t *wide = utf8_to_wide(path);
    FILE *out = wide ? _wfopen(wide, L"wb") : NULL;
    free(wide);
    return out;
}

/* The page holds every step, so it is built apart from the differences the console shows. */
static int write_page(const char *path, const res_file *files, size_t nfiles, unsigned flags, const char *link_base)
{
    rdiff all;
    if (rdiff_build_flags(&all, files, nfiles, flags | RDIFF_ALL_ROWS) != 0) {
        fprintf(stderr, "esent-harness diff: out of memory\n");
        return -1;
    }
    FILE *out = open_for_writing(path);
    int rc = 0;
    if (!out) {
        fprintf(stderr, "esent-harness diff: cannot write --html %s\n", path);
        rc = -1;
    } else {
        rdiff_write_html(out, &all, link_base);
        int bad = ferror(out);
        if (fclose(out) != 0 || bad) {
            fprintf(stderr, "esent-harness diff: error writing %s\n", path);
            rc = -1;
        }
    }
    rdiff_free(&all);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    int markdown = 0, status;
    unsigned flags = 0;
    const char *html = NULL, *link_base = NULL;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t nfiles = 0;
    if (!paths) {
        fprintf(stderr, "esent-harness diff: out of memory\n");
        return EXIT_USAGE;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            usage(stdout);
            free(paths);
            return EXIT_PASS;
        } else if (strcmp(a, "--markdown") == 0)
            markdown = 1;
        else if (strcmp(a, "--common") == 0)
            flags |= RDIFF_COMMON_ONLY;
        else if (strcmp(a, "--html") == 0 || strcmp(a, "--link-base") == 0) {
            if (i + 1 >= argc) {
                free(paths);
                return usage_error(strcmp(a, "--html") == 0 ? "%s needs a FILE to write" : "%s needs a URL", a);
            }
            *(strcmp(a, "--html") == 0 ? &html : &link_base) = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            free(paths);
            return usage_error("unknown option '%s' (expected --markdown, --common, --html FILE or --link-base URL)", a);
        } else
            paths[nfiles++] = argv[i];
    }
    if (nfiles < 2) {
        free(paths);
        return usage_error("%s", nfiles ? "one RESULTS file given; expected two or more"
                                         : "no RESULTS files given; expected two or more");
    }
    if (link_base && !html) {
        free(paths);
        return usage_error("%s is for the page: give --html FILE too", "--link-base");
    }

    res_file *files = calloc(nfiles, sizeof *files);
    if (!files) {
        fprintf(stderr, "esent-harness diff: out of memory\n");
        free(paths);
        return EXIT_USAGE;
    }
    size_t nread = 0;
    status = EXIT_PASS;
    for (; nread < nfiles; nread++) {
        char err[512];
        if (res_read(&files[nread], paths[nread], err, sizeof err) != 0) {
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
            status = rdiff_hosts_differ(&d) ? EXIT_FAIL : EXIT_PASS;
            rdiff_free(&d);
        }
        if (status != EXIT_USAGE && html && write_page(html, files, nfiles, flags, link_base) != 0)
            status = EXIT_USAGE;
    }
    for (size_t i = 0; i < nread; i++)
        res_free(&files[i]);
    free(files);
    free(paths);
    return status;
}
