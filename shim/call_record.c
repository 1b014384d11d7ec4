/* The hot path of recording. What a function's records hold is worked out once per
 * function from the API table (a capture plan); a call then copies its slots and follows
 * the plan: the value behind each in/out pointer and each string before the call, the
 * value behind each output pointer after it. Every pointer is read through safe_memory
 * (a pointer into the caller's stack without a system call). A record's first word is
 * stored last, so a killed process leaves whole records or a zero word. */
#include <windows.h>

#include <string.h>

#include "call_record.h"
#include "record_write.h"
#include "safe_memory.h"
#include "trace_clock.h"
#include "trace_format.h"

#define MAX_PARAMS 12

enum { OP_VALUE = 1, OP_STR_A, OP_STR_W };

typedef struct capture_op {
    unsigned char param, op, slot, size;
} capture_op;

typedef struct capture_plan {
    unsigned char nslots, nbefore, nafter;
    unsigned short start_bound, end_bound; /* the most bytes a record can take */
    capture_op before[MAX_PARAMS], after[MAX_PARAMS];
} capture_plan;

static capture_plan plans[API_COUNT];
static void setup_threads(void);

/* Bytes an item can take: its head and its data. */
#define VALUE_ITEM (2u + TRACE_VARINT_MAX)
#define STR_A_ITEM (2u + 2u + 3u * TRACE_STRING_MAX) /* ANSI to UTF-8: at most 3 bytes a character */
#define STR_W_ITEM (2u + 2u + 2u * TRACE_STRING_MAX)


void call_record_prepare(void)
{
    for (int id = 0; id < API_COUNT; id++) {
        const api_function *fn = &api_functions[id];
        const api_param *params = api_params_of(fn);
        capture_plan *plan = &plans[id];
        unsigned slot = 0, n = fn->has_proto && params != NULL ? fn->nparams : 0;
        if (n > MAX_PARAMS)
            n = MAX_PARAMS;
        plan->nslots = (unsigned char)api_slot_count(fn);
        /* + a clock delta, the code, the padding and the zero word after the record */
        unsigned start = TRACE_START_BODY + TRACE_VARINT_MAX * (1u + plan->nslots) + 8u,
                 end = TRACE_END_BODY + 2u * TRACE_VARINT_MAX + 8u;
        for (unsigned i = 0; i < n; i++) {
            const api_param *p = &params[i];
            capture_op op = {(unsigned char)i, 0, (unsigned char)slot, (unsigned char)api_value_size(p->kind)};
            slot += api_param_slots(p);
            if ((api_kind_is_handle(p->kind) || api_kind_is_number(p->kind)) && p->dir != API_DIR_IN) {
                op.op = OP_VALUE;
                plan->after[plan->nafter++] = op;
                end += VALUE_ITEM;
                if (p->dir == API_DIR_INOUT) { /* JetInit's instance, a size passed by pointer */
                    plan->before[plan->nbefore++] = op;
                    start += VALUE_ITEM;
                }
            } else if ((p->kind == API_KIND_STR_A || p->kind == API_KIND_STR_W) && p->dir == API_DIR_IN) {
                op.op = p->kind == API_KIND_STR_A ? OP_STR_A : OP_STR_W;
                plan->before[plan->nbefore++] = op;
                start += p->kind == API_KIND_STR_A ? STR_A_ITEM : STR_W_ITEM;
            }
        }
        /* A region must hold the largest record (JetExternalRestore2A, 6 strings: ~19 KB). */
        if (start > TRACE_REGION_BYTES - TRACE_REGION_RECORD_BYTES)
            plan->nbefore = 0, start = TRACE_START_BODY + TRACE_VARINT_MAX * (1u + plan->nslots) + 8u;
        plan->start_bound = (unsigned short)start;
        plan->end_bound = (unsigned short)end;
    }
    setup_threads();
}

/* ---- the thread's state ------------------------------------------------------------------ */

static DWORD tls_index = TLS_OUT_OF_INDEXES, fls_index = FLS_OUT_OF_INDEXES;
static volatile LONG unloading;

/* The thread's state from its TEB's TLS slots without a call (TlsGetValue is a call into
 * kernel32 and clears the last error). */
static inline trace_thread *tls_get(void)
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (tls_index < 64) {
        trace_thread *v;
        __asm__ __volatile__("movq %%gs:0x1480(,%1,8), %0" : "=r"(v) : "r"((uintptr_t)tls_index));
        return v;
    }
#elif defined(__GNUC__) && defined(__i386__)
    if (tls_index < 64) {
        trace_thread *v;
        __asm__ __volatile__("movl %%fs:0xe10(,%1,4), %0" : "=r"(v) : "r"(tls_index));
        return v;
    }
#endif
    return (trace_thread *)TlsGetValue(tls_index);
}

/* A thread's state with a cache line of padding on either side: the heap puts small
 * blocks next to each other, and two threads writing their `at` into one cache line
 * would double each other's cost. */
typedef struct padded_thread {
    char before[64];
    trace_thread t;
    char after[64];
} padded_thread;

/* At thread exit (an FLS callback): the rest of its region goes to the next new thread. */
static void WINAPI thread_ended(void *data)
{
    padded_thread *p = data;
    if (p == NULL || unloading)
        return;
    trace_give_back(&p->t);
    TlsSetValue(tls_index, NULL);
    HeapFree(GetProcessHeap(), 0, p);
}

static void setup_threads(void)
{
    tls_index = TlsAlloc();
    fls_index = FlsAlloc(thread_ended);
}

void call_record_unload(void)
{
    /* The FLS callback must not outlive the DLL's code. */
    InterlockedExchange(&unloading, 1);
    if (fls_index != FLS_OUT_OF_INDEXES)
        FlsFree(fls_index);
    fls_index = FLS_OUT_OF_INDEXES;
}

trace_thread *call_record_thread(void)
{
    if (tls_index == TLS_OUT_OF_INDEXES)
        return NULL;
    trace_thread *t = tls_get();
    if (t != NULL)
        return t;
    DWORD error = GetLastError();
    padded_thread *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *p);
    t = p != NULL ? &p->t : NULL;
    if (p != NULL) {
        TlsSetValue(tls_index, t);
        if (fls_index != FLS_OUT_OF_INDEXES)
            FlsSetValue(fls_index, p);
    }
    SetLastError(error);
    return t;
}

/* ---- records ------------------------------------------------------------------------------ */

static inline unsigned char *put_head(unsigned char *p, unsigned param, unsigned type)
{
    p[0] = (unsigned char)param;
    p[1] = (unsigned char)type;
    return p + 2;
}

/* The clock's step since the thread's previous record (a few bytes, not eight). */
static inline unsigned char *put_clock(unsigned char *p, trace_thread *t)
{
    uint64_t clock = trace_clock_read();
    p = record_varint(p, TRACE_ZIGZAG((int64_t)(clock - t->clock)));
    t->clock = clock;
    return p;
}

static inline unsigned char *put_value(unsigned char *p, const capture_op *op, const void *ptr)
{
    uint64_t v = 0;
    if (!safe_read(ptr, &v, op->size))
        return put_head(p, op->param, TRACE_ITEM_UNREADABLE);
    return record_varint(put_head(p, op->param, TRACE_ITEM_VALUE), v);
}

/* A string of N units at DATA, written after its head and a 2-byte varint length (room
 * for 2^14 - 1 bytes, more than a string is kept): the bytes are copied in place first,
 * so the length goes in front with a fixed width. */
static inline unsigned char *put_length2(unsigned char *p, size_t n)
{
    p[0] = (unsigned char)(n | 0x80);
    p[1] = (unsigned char)(n >> 7);
    return p + 2;
}

/* A narrow string: its bytes when they are ASCII (already UTF-8), else converted from
 * the ANSI code page (the slow path, off the common case). */
static unsigned char *put_string_a(unsigned char *p, const capture_op *op, const unsigned char *ptr)
{
    int cut;
    unsigned char *data = p + 4;
    long n = safe_read_units(ptr, data, 1, TRACE_STRING_MAX, &cut);
    if (n < 0)
        return put_head(p, op->param, TRACE_ITEM_UNREADABLE);
    unsigned char high = 0;
    for (long i = 0; i < n; i++)
        high |= data[i];
    if (high & 0x80) {
        wchar_t wide[TRACE_STRING_MAX];
        int w = MultiByteToWideChar(CP_ACP, 0, (const char *)data, (int)n, wide, TRACE_STRING_MAX);
        int m = w > 0 ? WideCharToMultiByte(CP_UTF8, 0, wide, w, (char *)data, 3 * TRACE_STRING_MAX, NULL, NULL) : 0;
        n = m;
    }
    put_length2(put_head(p, op->param, TRACE_ITEM_UTF8 | (cut ? TRACE_ITEM_CUT : 0)), (size_t)n);
    return data + n;
}

static unsigned char *put_string_w(unsigned char *p, const capture_op *op, const unsigned char *ptr)
{
    int cut;
    long n = safe_read_units(ptr, p + 4, 2, TRACE_STRING_MAX, &cut);
    if (n < 0)
        return put_head(p, op->param, TRACE_ITEM_UNREADABLE);
    put_length2(put_head(p, op->param, TRACE_ITEM_UTF16 | (cut ? TRACE_ITEM_CUT : 0)), 2 * (size_t)n);
    return p + 4 + 2 * n;
}

int call_record_start(trace_thread *t, api_id id, const uintptr_t *slots, uint32_t *seq)
{
    const capture_plan *plan = &plans[id];
    if ((size_t)(t->limit - t->at) < plan->start_bound && !trace_take_region(t))
        return 0;
    unsigned char *r = t->at;
    unsigned nslots = plan->nslots, items = 0;
    r[TRACE_START_API] = (unsigned char)id;
    r[TRACE_START_API + 1] = (unsigned char)(id >> 8);
    r[TRACE_START_NSLOTS] = (unsigned char)nslots;
    *seq = t->seq++;
    unsigned char *p = put_clock(r + TRACE_START_BODY, t);
    for (unsigned k = 0; k < nslots; k++)
        p = record_varint(p, (uint64_t)slots[k]);
    for (unsigned i = 0; i < plan->nbefore; i++) {
        const capture_op *op = &plan->before[i];
        const unsigned char *ptr = (const unsigned char *)slots[op->slot];
        if (ptr == NULL)
            continue;
        p = op->op == OP_VALUE ? put_value(p, op, ptr) : op->op == OP_STR_A ? put_string_a(p, op, ptr)
                                                                             : put_string_w(p, op, ptr);
        items++;
    }
    r[TRACE_START_NITEMS] = (unsigned char)items;
    uint32_t size = record_padded_size(r, p);
    record_publish(t, r, size, TRACE_REC_CALL_START);
    t->at = r + size;
    return 1;
}

void call_record_end(trace_thread *t, api_id id, const uintptr_t *slots, uint32_t seq, long code, int unresolved)
{
    const capture_plan *plan = &plans[id];
    (void)seq; /* an end pairs with its thread's innermost open call */
    if ((size_t)(t->limit - t->at) < plan->end_bound && !trace_take_region(t))
        return;
    unsigned char *r = t->at;
    unsigned items = 0;
    r[TRACE_END_FLAGS] = (unsigned char)(unresolved ? TRACE_END_UNRESOLVED : 0);
    r[TRACE_END_FLAGS + 2] = 0;
    r[TRACE_END_FLAGS + 3] = 0;
    unsigned char *p = record_varint(r + TRACE_END_BODY, TRACE_ZIGZAG((int64_t)(int32_t)code));
    p = put_clock(p, t);
    for (unsigned i = 0; i < plan->nafter; i++) {
        const capture_op *op = &plan->after[i];
        const void *ptr = (const void *)slots[op->slot];
        if (ptr == NULL)
            continue;
        p = put_value(p, op, ptr);
        items++;
    }
    r[TRACE_END_NITEMS] = (unsigned char)items;
    uint32_t size = record_padded_size(r, p);
    record_publish(t, r, size, TRACE_REC_CALL_END);
    t->at = r + size;
}
