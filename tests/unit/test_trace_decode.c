/* The trace decoder (core/trace_decode.c): binary records to the scenario text the
 * recorder used to write, for one thread and for several (merged by the end records'
 * clock), a call in flight (printed, the scenario expecting the crash), a trace cut at
 * every byte, damaged traces (an error naming the byte), and the text parsing back. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "trace_decode.h"
#include "trace_builder.h"

static const char prelude[] = "# esentshim trace\n# process: C:\\app\\backup.exe (pid 7)\n"
                              "scenario trace-backup.exe-7\n  purpose: calls recorded from backup.exe by esentshim\n"
                              "  evidence: trace esent.dll 10.0 on Windows (10.0.1)\n";

/* Clock ticks for microsecond US (the builder's rate: 1000 a microsecond, from 1000). */
static uint64_t at_us(uint64_t us) { return 1000 + us * 1000; }

/* JetCreateInstanceA(&inst, NAME) on TH giving INSTANCE. */
static void create_instance(tb_trace *t, tb_thread *th, const char *name, uint64_t instance, uint64_t us)
{
    tb_items in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    uint64_t slots[2] = {0x7ff000, 0x401000};
    tb_item(&in, 1, TRACE_ITEM_UTF8, name, strlen(name));
    uint32_t seq = tb_start(t, th, API_ID_JetCreateInstanceA, slots, 2, at_us(us), &in);
    tb_item_value(&out, 0, instance);
    tb_end(t, th, API_ID_JetCreateInstanceA, seq, 0, at_us(us + 1), &out);
}

/* JetStopBackupInstance(INSTANCE) -> CODE, started at US; END_US 0: in flight. */
static void stop_backup(tb_trace *t, tb_thread *th, uint64_t instance, int32_t code, uint64_t us, uint64_t end_us)
{
    uint64_t slots[1] = {instance};
    uint32_t seq = tb_start(t, th, API_ID_JetStopBackupInstance, slots, 1, at_us(us), NULL);
    if (end_us != 0)
        tb_end(t, th, API_ID_JetStopBackupInstance, seq, code, at_us(end_us), NULL);
}

static char *decode_ok(const tb_trace *t, size_t len, trace_text *out)
{
    char error[400] = "";
    int rc = trace_decode(t->p, len, "t.trace", out, error, sizeof error);
    if (rc != 0)
        fail_msg("decode failed: %s", error);
    return out->text;
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void parses(const char *text)
{
    scn_suite suite;
    scn_error err;
    char message[700];
    memset(&suite, 0, sizeof suite);
    if (scn_parse_text(&suite, "decoded.scn", text, strlen(text), &err) != 0) {
        scn_error_format(&err, message, sizeof message);
        fail_msg("%s\n%s", message, text);
    }
    assert_int_equal(suite.nscenarios, 1);
    scn_suite_free(&suite);
}

static void test_one_thread(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 4242};
    trace_text out;
    tb_begin(&t, TRACE_REGION_BYTES, 8, prelude);
    create_instance(&t, &th, "backup", 0x1234, 10);
    {
        /* JetInit(&inst1): the in/out instance keeps its name */
        tb_items in, after;
        memset(&in, 0, sizeof in);
        memset(&after, 0, sizeof after);
        uint64_t slots[1] = {0x7ff000};
        tb_item_value(&in, 0, 0x1234);
        uint32_t seq = tb_start(&t, &th, API_ID_JetInit, slots, 1, at_us(20), &in);
        tb_item_value(&after, 0, 0x1234);
        tb_end(&t, &th, API_ID_JetInit, seq, 0, at_us(30), &after);
    }
    stop_backup(&t, &th, 0x1234, -801, 40, 41);
    {
        /* JetGetSystemParameterA: an output number, a buffer by its size, a never-bound handle */
        tb_items after;
        memset(&after, 0, sizeof after);
        uint64_t slots[6] = {0x1234, 0x99, 0, 0x7ff100, 0x500001, 260};
        uint32_t seq = tb_start(&t, &th, API_ID_JetGetSystemParameterA, slots, 6, at_us(50), NULL);
        tb_item_value(&after, 3, 77);
        tb_end(&t, &th, API_ID_JetGetSystemParameterA, seq, -1038, at_us(51), &after);
    }
    tb_close(&t);
    char *text = decode_ok(&t, t.len, &out);
    assert_int_equal(out.nwarnings, 0);
    assert_int_equal(out.calls, 4);
    assert_int_equal(out.in_flight, 0);
    assert_non_null(strstr(text, prelude));
    assert_non_null(strstr(text, "\n  JetCreateInstanceA(&inst1, \"backup\") -> JET_errSuccess (0)   # seq=1 tid=4242 t=0.000010\n"));
    assert_non_null(strstr(text, "\n  JetInit(&inst1) -> JET_errSuccess (0)   # seq=2 tid=4242 t=0.000020\n"));
    assert_non_null(strstr(text, "\n  JetStopBackupInstance($inst1) -> JET_errBackupAbortByServer (-801)   # seq=3"));
    assert_non_null(strstr(text, "JetGetSystemParameterA($inst1, 0x99, JET_paramSystemPath, &plParam=0x4d, buf(260, +1), 260)"
                                 " -> JET_errBufferTooSmall (-1038)"));
    assert_null(strstr(text, "expect: crash"));
    assert_non_null(strstr(text, "\nend\n"));
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* Two threads: calls print in the order they completed, each thread's order kept; a
 * handle made on one thread is named where the other uses it; regions interleave. */
static void test_two_threads(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread a = {.serial = 1, .tid = 100}, b = {.serial = 2, .tid = 200};
    trace_text out;
    tb_begin(&t, 1024, 8, prelude); /* small regions: both threads take several */
    create_instance(&t, &a, "one", 0x10, 1);
    for (int i = 0; i < 40; i++) {
        /* b's calls end between a's */
        stop_backup(&t, &a, 0x10, 0, 10 + 10 * (uint64_t)i, 12 + 10 * (uint64_t)i);
        stop_backup(&t, &b, 0x10, -801, 11 + 10 * (uint64_t)i, 17 + 10 * (uint64_t)i);
    }
    tb_close(&t);
    char *text = decode_ok(&t, t.len, &out);
    if (out.nwarnings)
        printf("%s\n", out.warnings[0]);
    assert_int_equal(out.nwarnings, 0);
    assert_int_equal(out.calls, 81);
    /* alternating, a first */
    const char *p = strstr(text, "JetCreateInstanceA");
    assert_non_null(p);
    for (int i = 0; i < 40; i++) {
        const char *x = strstr(p, "JetStopBackupInstance($inst1) -> JET_errSuccess (0)");
        const char *y = strstr(p, "JetStopBackupInstance($inst1) -> JET_errBackupAbortByServer (-801)");
        assert_non_null(x);
        assert_non_null(y);
        assert_true(x < y);
        assert_non_null(strstr(x, "tid=100"));
        p = y + 1;
    }
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* A thread that ended handed the rest of its region to a new thread (with the same
 * thread id, as Windows reuses them): both threads' calls are there, in order. */
static void test_region_handed_over(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread a = {.serial = 1, .tid = 300}, b = {.serial = 2, .tid = 300};
    trace_text out;
    tb_begin(&t, 2048, 8, prelude);
    create_instance(&t, &a, "one", 0x10, 1);
    stop_backup(&t, &a, 0x10, 0, 2, 3);
    tb_hand_over(&t, &a, &b);
    for (int i = 0; i < 30; i++) /* past the end of the shared region, into a region of b's own */
        stop_backup(&t, &b, 0x10, -801, 10 + 2 * (uint64_t)i, 11 + 2 * (uint64_t)i);
    tb_close(&t);
    char *text = decode_ok(&t, t.len, &out);
    assert_int_equal(out.nwarnings, 0);
    assert_int_equal(out.calls, 32);
    assert_int_equal(count(text, "JetStopBackupInstance($inst1) -> JET_errBackupAbortByServer (-801)"), 30);
    assert_int_equal(count(text, "tid=300"), 32);
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* The call the process died in is printed, expecting any code, and the scenario expects
 * the crash; the cut is a warning. */
static void test_in_flight(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 9};
    trace_text out;
    tb_begin(&t, TRACE_REGION_BYTES, 4, prelude);
    create_instance(&t, &th, "x", 0xfffffff0u, 1);
    stop_backup(&t, &th, 0xfffffff0u, 0, 5, 0);
    char *text = decode_ok(&t, t.len, &out);
    assert_int_equal(out.in_flight, 1);
    assert_int_equal(out.nwarnings, 1);
    assert_non_null(strstr(out.warnings[0], "t.trace: warning: trace cut after record 2 (1 completed, 1 in flight): the process did not end normally"));
    assert_non_null(strstr(text, "  expect: crash\n"));
    assert_non_null(strstr(text, "JetStopBackupInstance($inst1) -> any   # seq=2 tid=9 t=0.000005 in flight"));
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* A pointer below 64 KB (nothing is ever mapped there on Windows) prints as invalid, so
 * a call that died writing through one replays dying: the crash stays at its step. */
static void test_low_pointer_in_flight(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 9};
    trace_text out;
    tb_begin(&t, TRACE_REGION_BYTES, 4, prelude);
    create_instance(&t, &th, "x", 0x20, 1);
    /* JetReadFileInstance(inst, hf, buffer, 8192, (unsigned long *)0x10): never returned */
    uint64_t slots[5] = {0x20, 0, 0x500000, 8192, 0x10};
    tb_start(&t, &th, API_ID_JetReadFileInstance, slots, 5, at_us(2), NULL);
    /* the same call with a real pointer, also in flight on another thread: &pcbActual */
    tb_thread other = {.serial = 2, .tid = 11};
    uint64_t good[5] = {0x20, 0, 0x500000, 8192, 0x7ffe1000};
    tb_start(&t, &other, API_ID_JetReadFileInstance, good, 5, at_us(3), NULL);
    char *text = decode_ok(&t, t.len, &out);
    if (!strstr(text, "JetReadFileInstance($inst1, null, buf(8192, page), 8192, invalid) -> any"))
        fail_msg("%s", text);
    assert_non_null(strstr(text, "JetReadFileInstance($inst1, null, buf(8192, page), 8192, &pcbActual) -> any"));
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* A W string arrives as UTF-16 and prints as UTF-8; an x86 trace's 64-bit argument takes
 * two slots; an unreadable pointer prints as invalid. */
static void test_strings_and_x86(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 9};
    trace_text out;
    tb_items in, after;
    tb_begin(&t, TRACE_REGION_BYTES, 4, prelude);
    create_instance(&t, &th, "x", 0x20, 1);
    memset(&in, 0, sizeof in);
    memset(&after, 0, sizeof after);
    static const unsigned char wide[] = {'d', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde}; /* "dé😀" */
    tb_item(&in, 1, TRACE_ITEM_UTF16, wide, sizeof wide);
    uint64_t slots[5] = {0x20, 0x101000, 0x102000, 0x103000, 0x103004};
    uint32_t seq = tb_start(&t, &th, API_ID_JetOpenFileInstanceW, slots, 5, at_us(2), &in);
    tb_item_value(&after, 2, 0x55);
    tb_item_value(&after, 3, 12345);
    tb_item(&after, 4, TRACE_ITEM_UNREADABLE, NULL, 0);
    tb_end(&t, &th, API_ID_JetOpenFileInstanceW, seq, 0, at_us(3), &after);
    memset(&in, 0, sizeof in);
    tb_item(&in, 1, TRACE_ITEM_UTF8, "f", 1);
    uint64_t section[9] = {0x20, 0x101000, 0x102000, 2, 3, 0x89abcdef, 0x1, 0, 0x103008};
    seq = tb_start(&t, &th, API_ID_JetOpenFileSectionInstanceA, section, 9, at_us(4), &in);
    memset(&after, 0, sizeof after);
    tb_item_value(&after, 2, 0x56);
    tb_item_value(&after, 7, 0xffffffffu); /* a long, read as 4 bytes: -1 */
    tb_end(&t, &th, API_ID_JetOpenFileSectionInstanceA, seq, 0, at_us(5), &after);
    {
        /* a string pointer without its item (found by the fuzzer): invalid, not a crash */
        uint64_t create[2] = {0x7ff000, 0x401000};
        seq = tb_start(&t, &th, API_ID_JetCreateInstanceA, create, 2, at_us(6), NULL);
        tb_end(&t, &th, API_ID_JetCreateInstanceA, seq, -1003, at_us(7), NULL);
    }
    tb_close(&t);
    char *text = decode_ok(&t, t.len, &out);
    assert_non_null(strstr(text, "JetCreateInstanceA(invalid, invalid) -> JET_errInvalidParameter (-1003)"));
    assert_non_null(strstr(text, "JetOpenFileInstanceW($inst1, \"d\xc3\xa9\xf0\x9f\x98\x80\", &hf1, &pulFileSizeLow=12345, invalid)"));
    assert_non_null(strstr(text, "JetOpenFileSectionInstanceA($inst1, \"f\", &hf2, 2, 3, 6604705263, null, &plSectionSizeHigh=-1)")); /* 0x1_89abcdef */
    parses(text);
    trace_text_free(&out);
    free(t.p);
}

/* STATE records: each file the process found is a `state` line before the first call, with
 * its pieces (in any order, a copied region's duplicate counted once) when every byte is
 * there; otherwise the line says why not: over the limit, unreadable, a read that failed,
 * the trace ending inside it, the trace full. A binary trace's state lines parse with the
 * places of their bytes. */
static void test_state_files(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 5};
    trace_text out;
    unsigned char a[3000], b[1000];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (unsigned char)(i * 7);
    memset(b, 0xB, sizeof b);
    tb_begin(&t, TRACE_REGION_BYTES, 8, prelude);
    tb_state_file(&t, &th, 1, "C:\\app\\data\\edb.chk", 4000, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&t, &th, 1, 3000, b, sizeof b);
    tb_state_piece(&t, &th, 1, 0, a, sizeof a);
    tb_state_piece(&t, &th, 1, 3000, b, sizeof b); /* a copy of the same piece */
    tb_state_file(&t, &th, 2, "C:\\app\\data\\big.edb", 900000000, TRACE_STATE_OVER_LIMIT, 67108864, API_ID_JetInit);
    tb_state_file(&t, &th, 3, "C:\\app\\data\\locked.log", 0, TRACE_STATE_UNREADABLE, 32, API_ID_JetInit);
    tb_state_file(&t, &th, 4, "C:\\app\\data\\bad.jrs", 2000, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&t, &th, 4, 0, a, 1000);
    tb_state_failed(&t, &th, 4, TRACE_STATE_UNREADABLE, 23);
    tb_state_file(&t, &th, 5, "C:\\app\\data\\off.edb", 10, TRACE_STATE_OFF, 0, API_ID_JetInit);
    tb_state_file(&t, &th, 6, "C:\\app\\data\\mine.edb", 20, TRACE_STATE_WRITTEN, 0, API_ID_JetInit);
    tb_state_file(&t, &th, 7, "C:\\app\\data\\overlap.log", 3000, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&t, &th, 7, 0, a, 2000);
    tb_state_piece(&t, &th, 7, 1000, a, 2000); /* overlaps the first: dropped, so the file is short */
    create_instance(&t, &th, "s", 0x40, 1);
    tb_close(&t);
    char *text = decode_ok(&t, t.len, &out);
    assert_int_equal(out.nstates, 6);
    assert_non_null(strstr(text, "  # not state: \"C:\\\\app\\\\data\\\\mine.edb\" (20 bytes) was written since the "
                                 "process started\n"));
    assert_null(strstr(text, "state \"C:\\\\app\\\\data\\\\mine.edb"));
    assert_non_null(strstr(text, "overlap.log\" 3000 bytes not captured: the trace ends inside it"));
    assert_non_null(strstr(text, "  state \"C:\\\\app\\\\data\\\\edb.chk\" 4000 bytes  # found before JetInit\n"));
    assert_non_null(strstr(text, "big.edb\" 900000000 bytes not captured: over the limit of "
                                 "ESENTSHIM_STATE_MAX_BYTES=67108864 bytes in all"));
    assert_non_null(strstr(text, "locked.log\" 0 bytes not captured: unreadable when found (Windows error 32)"));
    assert_non_null(strstr(text, "bad.jrs\" 2000 bytes not captured: a read failed while it was copied (Windows error 23)"));
    assert_non_null(strstr(text, "off.edb\" 10 bytes not captured: capture was off (ESENTSHIM_STATE_MAX_BYTES=0)"));
    assert_true(strstr(text, "state ") < strstr(text, "JetCreateInstanceA("));
    assert_null(out.states[0].missing);
    assert_int_equal(out.states[0].npieces, 2);
    assert_int_equal(out.states[0].pieces[0].offset, 0);
    assert_int_equal(out.states[0].pieces[0].bytes, sizeof a);
    assert_memory_equal(t.p + out.states[0].pieces[0].at, a, sizeof a);
    assert_memory_equal(t.p + out.states[0].pieces[1].at, b, sizeof b);
    parses(text);
    trace_text_free(&out);

    /* Parsed from the binary: the captured line knows where its bytes are, the others not. */
    scn_suite suite;
    scn_error err;
    memset(&suite, 0, sizeof suite);
    assert_int_equal(scn_parse_text(&suite, "t.trace", (const char *)t.p, t.len, &err), 0);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_int_equal(sc->nstates, 6);
    assert_true(sc->states[0].in_trace);
    assert_int_equal(sc->states[0].npieces, 2);
    assert_int_equal(sc->states[0].size, 4000);
    assert_false(sc->states[1].in_trace);
    assert_non_null(sc->states[1].missing);
    scn_suite_free(&suite);

    /* Cut inside a file's pieces: the process died while it was copied. */
    tb_trace c;
    tb_thread tc = {.serial = 1, .tid = 5};
    tb_begin(&c, TRACE_REGION_BYTES, 8, prelude);
    tb_state_file(&c, &tc, 1, "C:\\d\\x.edb", 4000, TRACE_STATE_CAPTURED, 0, API_ID_JetInit);
    tb_state_piece(&c, &tc, 1, 0, a, sizeof a);
    text = decode_ok(&c, c.len, &out);
    assert_non_null(strstr(text, "x.edb\" 4000 bytes not captured: the trace ends inside it (the process died while it "
                                 "was copied)"));
    trace_text_free(&out);
    tb_put32(c.p + TRACE_H_STOPPED, 1);
    text = decode_ok(&c, c.len, &out);
    assert_non_null(strstr(text, "x.edb\" 4000 bytes not captured: the trace filled up while it was copied"));
    trace_text_free(&out);
    /* A piece whose bytes overrun its record is damage, named by its byte. */
    size_t piece = TRACE_REGION_BYTES + TRACE_REGION_RECORD_BYTES;
    piece += TRACE_REC_SIZE(c.p[piece] | (uint32_t)c.p[piece + 1] << 8 | (uint32_t)c.p[piece + 2] << 16);
    c.p[piece + TRACE_STATE_BODY + 1] = 0xFF; /* the length's first byte, continued */
    c.p[piece + TRACE_STATE_BODY + 2] = 0x7F;
    char error[300];
    assert_int_equal(trace_decode(c.p, c.len, "t", &out, error, sizeof error), -1);
    assert_non_null(strstr(error, "a state record (piece) whose bytes overrun it"));
    free(c.p);
    free(t.p);
}

/* Cut at every byte of the last record, and of the whole of a small trace: the decoder
 * never fails, keeps every record before the cut, and shows the last call in flight
 * once its start record is whole. */
static void test_cut_everywhere(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 9};
    trace_text out;
    tb_begin(&t, 1024, 8, prelude);
    create_instance(&t, &th, "cut", 0x30, 1);
    for (int i = 0; i < 5; i++)
        stop_backup(&t, &th, 0x30, 0, 10 + 2 * (uint64_t)i, 11 + 2 * (uint64_t)i);
    size_t before_last = th.at;
    uint64_t slots[1] = {0x30};
    uint32_t seq = tb_start(&t, &th, API_ID_JetStopBackupInstance, slots, 1, at_us(30), NULL);
    size_t last_start = th.at;
    tb_end(&t, &th, API_ID_JetStopBackupInstance, seq, -801, at_us(31), NULL);
    size_t whole = th.at;
    tb_close(&t);
    for (size_t cut = before_last; cut <= whole; cut++) {
        char *text = decode_ok(&t, cut, &out);
        assert_int_equal(out.calls, cut < last_start ? 6 : 7);
        assert_int_equal(out.in_flight, cut >= last_start && cut < whole ? 1 : 0);
        assert_int_equal(count(text, "JetStopBackupInstance($inst1) -> JET_errSuccess (0)"), 5);
        if (cut == whole)
            assert_non_null(strstr(text, "JET_errBackupAbortByServer (-801)"));
        parses(text);
        trace_text_free(&out);
    }
    /* Every byte of the whole file (the header included): never an error, never a crash. */
    for (size_t cut = TRACE_MAGIC_BYTES; cut <= t.len; cut++) {
        char *text = decode_ok(&t, cut, &out);
        parses(text);
        trace_text_free(&out);
    }
    free(t.p);
}

/* Damage that a killed process cannot cause is an error naming the byte. */
static void test_damaged(void **state)
{
    (void)state;
    tb_trace t;
    tb_thread th = {.serial = 1, .tid = 9};
    trace_text out;
    char error[400];
    tb_begin(&t, 1024, 8, prelude);
    create_instance(&t, &th, "d", 0x30, 1);
    tb_close(&t);
    tb_put32(t.p + TRACE_H_VERSION, 99);
    assert_int_equal(trace_decode(t.p, t.len, "t", &out, error, sizeof error), -1);
    assert_string_equal(error, "trace byte 8: trace format version 99; this decoder reads version 1");
    tb_put32(t.p + TRACE_H_VERSION, TRACE_VERSION);
    size_t rec = 1024 + TRACE_REGION_RECORD_BYTES;
    tb_put32(t.p + rec, TRACE_REC_WORD(4096, TRACE_REC_CALL_START));
    assert_int_equal(trace_decode(t.p, t.len, "t", &out, error, sizeof error), -1);
    assert_string_equal(error, "trace byte 1056: a record of 4096 bytes (kind 2)");
    assert_int_equal(trace_decode((const unsigned char *)"# esentshim trace\n", 18, "t", &out, error, sizeof error), -1);
    free(t.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread),     cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_in_flight),      cmocka_unit_test(test_low_pointer_in_flight),      cmocka_unit_test(test_strings_and_x86),
        cmocka_unit_test(test_region_handed_over),
        cmocka_unit_test(test_cut_everywhere), cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_state_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
