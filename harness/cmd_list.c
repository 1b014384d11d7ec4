/* `esent-harness list [FILE|DIR]...`: every scenario with FILE:LINE, its purpose and its
 * skip / racy / expect markers, without running anything. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "run.h"

int cmd_list(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "usage: esent-harness list [FILE|DIR]...\n");
            return EXIT_USAGE;
        }
    scn_suite suite;
    memset(&suite, 0, sizeof suite);
    if (suite_load(&suite, argc, argv) != 0 || suite_travel(&suite, NULL, 0, 0) != 0) {
        scn_suite_free(&suite);
        return EXIT_USAGE;
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
