/* libFuzzer target: the results reader must turn any bytes into a results file or a
 * located error, never a crash or a leak.
 *
 * Run (clang only):
 *   CC=clang cmake -S . -B build/fuzz -G Ninja -DESH_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
 *   cmake --build build/fuzz --target fuzz_results
 *   build/fuzz/tests/fuzz/fuzz_results -max_total_time=60 -max_len=4096 \
 *       build/fuzz/fuzz-corpus-results tests/corpus/results tests/corpus/bad-results */
#include <stddef.h>
#include <stdint.h>

#include "results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    res_file file;
    char err[512];
    if (res_read_text(&file, "fuzz.txt", (const char *)data, size, err, sizeof err) == 0) {
        (void)res_fact(&file, "host", "build");
        res_free(&file);
    }
    return 0;
}
