/* The parent's side of traces that travel (docs/replay.md): the pass over every trace read,
 * its notes and each root's folder printed before anything runs, and --map checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "run.h"
#include "step_travel.h"
#include "trace_travel.h"
#include "win_text.h"

int suite_travel(scn_suite *suite, char **maps, size_t nmaps, int print)
{
    trace_notes notes = {0};
    char line[1400];
    int rc = 0;
    trace_travel_suite(suite, print ? &notes : NULL);
    /* A `from` file must be there with the size its line gives, before anything runs. */
    for (size_t s = 0; s < suite->nscenarios; s++)
        for (size_t i = 0; i < suite->scenarios[s].nstates; i++) {
            const scn_state *st = &suite->scenarios[s].states[i];
            if (!st->from)
                continue;
            char *from = travel_state_from(&suite->scenarios[s], st);
            wchar_t *wide = from ? utf8_to_wide(from) : NULL;
            WIN32_FILE_ATTRIBUTE_DATA data;
            int found = wide && GetFileAttributesExW(wide, GetFileExInfoStandard, &data) &&
                        !(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
            uint64_t size = found ? ((uint64_t)data.nFileSizeHigh << 32 | data.nFileSizeLow) : 0;
            if (!found)
                fprintf(stderr, "%s:%d:%d: error: state from \"%s\": no such file: %s (expected the copy of the "
                        "captured file; a relative FILE is in the scenario's folder)\n", st->loc.file, st->loc.line,
                        st->loc.col, st->from, from ? from : st->from);
            else if (size != st->size)
                fprintf(stderr, "%s:%d:%d: error: state from \"%s\": it holds %llu bytes, the line says %llu\n",
                        st->loc.file, st->loc.line, st->loc.col, st->from, (unsigned long long)size,
                        (unsigned long long)st->size);
            if (!found || size != st->size)
                rc = -1;
            free(wide);
            free(from);
        }
    for (size_t i = 0; rc == 0 && i < notes.count; i++) /* refused: nothing is laid down */
        printf("travel: %s\n", notes.lines[i]);
    trace_notes_free(&notes);
    for (size_t m = 0; m < nmaps; m++) {
        const char *eq = strchr(maps[m], '=');
        int used = 0;
        for (size_t s = 0; eq && s < suite->nscenarios; s++)
            for (size_t r = 0; r < suite->scenarios[s].nroots; r++)
                used |= travel_map_matches(&suite->scenarios[s].roots[r], maps[m]);
        if (!eq || eq == maps[m] || !eq[1] || !used) {
            fprintf(stderr, "esent-harness run: --map %s: %s\n", maps[m],
                    !eq || eq == maps[m] || !eq[1] ? "expected FROM=TO (FROM a root's name or recorded folder)"
                                                   : "no trace has a root of that name or folder");
            rc = -1;
        }
    }
    for (size_t s = 0; print && s < suite->nscenarios; s++) {
        const scn_scenario *sc = &suite->scenarios[s];
        for (size_t r = 0; r < sc->nroots; r++) {
            const char *to = NULL;
            for (size_t m = 0; m < nmaps; m++)
                if (strchr(maps[m], '=') && travel_map_matches(&sc->roots[r], maps[m]))
                    to = strchr(maps[m], '=') + 1;
            scn_format_root(line, sizeof line, &sc->roots[r]);
            if (to)
                printf("travel: %s: %s -> %s (--map)\n", sc->name, line, to);
            else if (strcmp(sc->roots[r].name, TRACE_ROOT_CWD) == 0)
                printf("travel: %s: %s -> <its working directory> (the recording's current folder)\n", sc->name, line);
            else {
                const scn_root *cwd = scn_scenario_root(sc, TRACE_ROOT_CWD);
                size_t in_cwd = cwd ? trace_path_under(sc->roots[r].path, cwd->path) : 0;
                printf("travel: %s: %s -> <its working directory>\\%s\n", sc->name, line,
                       in_cwd > 0 ? sc->roots[r].path + in_cwd + 1 : sc->roots[r].name);
            }
        }
    }
    fflush(stdout);
    return rc;
}
