/* libFuzzer target: the scenario parser must turn any bytes into a suite or a located
 * error, never a crash, a hang or a leak; whatever parses must also print, and also after
 * the pass that makes a trace travel (core/trace_travel.h), applied to every scenario.
 *
 * Run (clang only):
 *   CC=clang cmake -S . -B build/fuzz -G Ninja -DESH_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
 *   cmake --build build/fuzz --target fuzz_scenario
 *   build/fuzz/tests/fuzz/fuzz_scenario -max_total_time=60 -max_len=4096 \
 *       build/fuzz/fuzz-corpus-scenario tests/corpus/good-scenarios tests/corpus/bad-scenarios
 * (the first folder collects new inputs; the others seed it). A crash leaves crash-<sha1>
 * in the current folder: reproduce with `fuzz_scenario crash-<sha1>`. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario.h"
#include "trace_travel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scn_suite suite;
    scn_error err;
    char line[512];
    memset(&suite, 0, sizeof suite);
    /* "fuzz.scn" has no folder, so an `include` looks beside the working directory only. */
    if (scn_parse_text(&suite, "fuzz.scn", (const char *)data, size, &err) == 0) {
        for (size_t s = 0; s < suite.nscenarios; s++)
            for (size_t i = 0; i < suite.scenarios[s].nsteps; i++)
                scn_format_call(line, sizeof line, &suite.scenarios[s].steps[i]);
        for (size_t s = 0; s < suite.nscenarios; s++) {
            trace_notes notes = {0};
            suite.scenarios[s].is_trace = 1;
            trace_travel(&suite.scenarios[s], &notes);
            trace_notes_free(&notes);
            for (size_t r = 0; r < suite.scenarios[s].nroots; r++)
                scn_format_root(line, sizeof line, &suite.scenarios[s].roots[r]);
            for (size_t i = 0; i < suite.scenarios[s].nsteps; i++)
                scn_format_call(line, sizeof line, &suite.scenarios[s].steps[i]);
        }
    } else {
        scn_error_format(&err, line, sizeof line);
    }
    scn_suite_free(&suite);
    return 0;
}
