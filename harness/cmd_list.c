/* `esent-harness list [--format json] [FILE|DIR]...`: every scenario with FILE:LINE, its
 * purpose and its skip / racy / expect markers, without running anything; with
 * `--format json`, everything the parser read (list_json.c). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "list_json.h"
#include "run.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: esent-harness list [--format json] [FILE|DIR]...\n"
                 "  every scenario with FILE:LINE, its purpose and its skip / racy / expect markers\n"
                 "  --format json: everything the parser read (every expanded step, its codes and evidence)\n"
                 "  (no FILE|DIR: the scenarios folder beside the exe, else the source tree's)\n");
}

int cmd_list(int argc, char **argv)
{
    int json = 0;
    if (argc >= 1 && strncmp(argv[0], "--format", 8) == 0) {
        const char *format = argv[0][8] == '=' ? argv[0] + 9 : argc >= 2 && argv[0][8] == '\0' ? argv[1] : NULL;
        if (!format || strcmp(format, "json") != 0) {
            fprintf(stderr, "esent-harness list: --format takes json, found %s\n", format ? format : "nothing");
            return EXIT_USAGE;
        }
        int used = argv[0][8] == '=' ? 1 : 2;
        argc -= used;
        argv += used;
        json = 1;
    }
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            usage(stdout);
            return EXIT_PASS;
        }
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "esent-harness list: unknown option '%s' (expected FILE or DIR)\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    scn_suite suite;
    memset(&suite, 0, sizeof suite);
    if (suite_load(&suite, argc, argv) != 0) {
        scn_suite_free(&suite);
        return EXIT_USAGE;
    }
    if (json) {
        list_json(stdout, &suite);
        scn_suite_free(&suite);
        return EXIT_PASS;
    }
    size_t skipped = 0, racy = 0;
    for (size_t i = 0; i < suite.nscenarios; i++) {
        const scn_scenario *sc = &suite.scenarios[i];
        printf("%s:%d: %s", sc->loc.file, sc->loc.line, sc->name);
        if (sc->skip_reason) {
            printf("  [skip: %s]", sc->skip_reason);
            skipped++;
        }
        if (sc->racy_reason) {
            printf("  [racy: %s]", sc->racy_reason);
            racy++;
        }
        if (sc->outcome == SCN_OUTCOME_CRASH)
            printf("  [expect: crash]");
        else if (sc->outcome == SCN_OUTCOME_HANG)
            printf("  [expect: hang]");
        printf("\n    %s\n", sc->purpose ? sc->purpose : "(no purpose)");
    }
    printf("%lu scenarios (%lu skip, %lu racy)\n", (unsigned long)suite.nscenarios, (unsigned long)skipped,
           (unsigned long)racy);
    scn_suite_free(&suite);
    return EXIT_PASS;
}
