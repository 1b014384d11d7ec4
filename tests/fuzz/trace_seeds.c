/* Writes the fuzz_trace target's seeds into the folder given: small synthetic binary
 * traces (tests/unit/trace_builder.h) of one and two threads, a call in flight, a region
 * handed over, an x86 trace. */
#include <stdio.h>
#include <string.h>

#include "trace_builder.h"

static const char prelude[] = "# esentshim trace\nscenario trace-seed\n  purpose: calls recorded by esentshim\n"
                              "  evidence: trace seed\n";

static void save(const char *dir, const char *name, const tb_trace *t)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(t->p, 1, t->len, f);
        fclose(f);
    }
}

static void calls(tb_trace *t, tb_thread *th, int n, int end_last)
{
    tb_items in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    uint64_t create[2] = {0x7ff000, 0x401000};
    tb_item(&in, 1, TRACE_ITEM_UTF8, "seed", 4);
    uint32_t seq = tb_start(t, th, API_ID_JetCreateInstanceA, create, 2, 2000, &in);
    tb_item_value(&out, 0, 0x40);
    tb_end(t, th, API_ID_JetCreateInstanceA, seq, 0, 3000, &out);
    for (int i = 0; i < n; i++) {
        uint64_t stop[1] = {0x40};
        seq = tb_start(t, th, API_ID_JetStopBackupInstance, stop, 1, 4000 + 10 * (uint64_t)i, NULL);
        if (i + 1 < n || end_last)
            tb_end(t, th, API_ID_JetStopBackupInstance, seq, i % 2 ? -801 : 0, 4005 + 10 * (uint64_t)i, NULL);
    }
}

/* One seed: THREADS threads (1 or 2) of N calls each on a POINTER_BYTES process, the
 * last call in flight unless CLOSED; with two threads, a third takes over the first's region. */
static void seed(const char *dir, const char *name, unsigned pointer_bytes, int threads, int n, int closed)
{
    tb_trace t;
    tb_thread a = {.serial = 1, .tid = 10}, b = {.serial = 2, .tid = 20}, c = {.serial = 3, .tid = 30};
    tb_begin(&t, 1024, pointer_bytes, prelude);
    calls(&t, &a, n, closed);
    if (threads > 1) {
        calls(&t, &b, n, closed);
        tb_hand_over(&t, &a, &c);
    }
    if (closed)
        tb_close(&t);
    save(dir, name, &t);
    free(t.p);
}

/* The files a process found: one captured in two pieces, one over the limit, one whose read
 * failed part way, then calls. */
static void state_seed(const char *dir)
{
    tb_trace t;
    tb_thread a = {.serial = 1, .tid = 10};
    unsigned char bytes[200];
    memset(bytes, 0x5A, sizeof bytes);
    tb_begin(&t, 1024, 8, prelude);
    tb_state_file(&t, &a, 1, "C:\\d\\edb.chk", 300, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&t, &a, 1, 0, bytes, 200);
    tb_state_piece(&t, &a, 1, 200, bytes, 100);
    tb_state_file(&t, &a, 2, "C:\\d\\big.edb", 1u << 30, TRACE_STATE_OVER_LIMIT, 1000, API_ID_JetInit);
    tb_state_file(&t, &a, 3, "C:\\d\\edb.log", 400, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&t, &a, 3, 0, bytes, 50);
    tb_state_failed(&t, &a, 3, TRACE_STATE_UNREADABLE, 23);
    calls(&t, &a, 2, 1);
    tb_close(&t);
    save(dir, "state.trace", &t);
    free(t.p);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    seed(argv[1], "one-thread.trace", 8, 1, 3, 1);
    seed(argv[1], "in-flight-x86.trace", 4, 1, 2, 0);
    seed(argv[1], "threads.trace", 8, 2, 4, 1);
    state_seed(argv[1]);
    return 0;
}
