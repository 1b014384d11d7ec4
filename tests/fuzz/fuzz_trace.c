/* libFuzzer target: the trace decoder must turn any bytes (a binary trace cut or damaged
 * anywhere) into scenario text or an error, never a crash, a hang or a leak; the text it
 * makes goes through the parser.
 *
 * Run (clang only), seeded with the synthetic traces trace_seeds writes:
 *   cmake --build build/fuzz --target fuzz_trace trace_seeds
 *   build/fuzz/tests/fuzz/fuzz_trace -max_total_time=60 -max_len=8192 \
 *       build/fuzz/fuzz-corpus-trace build/fuzz/tests/fuzz/seeds-trace */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario.h"
#include "trace_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trace_text text;
    char error[400];
    if (!trace_is_binary(data, size))
        return 0;
    if (trace_decode(data, size, "fuzz.trace", &text, error, sizeof error) != 0)
        return 0;
    scn_suite suite;
    scn_error err;
    memset(&suite, 0, sizeof suite);
    /* The prelude is the recorder's own text, which fuzzed bytes may make unparsable: the
     * parser must still answer without a crash. */
    scn_parse_text(&suite, "fuzz.scn", text.text, text.len, &err);
    scn_suite_free(&suite);
    trace_text_free(&text);
    return 0;
}
