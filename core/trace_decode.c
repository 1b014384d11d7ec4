/* Decoding in three passes: the regions are grouped by thread (each region names its
 * thread and its place in that thread's sequence); each thread's records pair every call
 * start with its end by sequence number; the calls are then printed in the order they
 * completed (a merge of the threads by the end records' clock, each thread's own order
 * kept), followed by the calls still in flight, by their start. Handles are named in that
 * order, as the recorder used to name them when it wrote text at each call's end.
 * Every length and index read from the file is checked before it is used: the input may be
 * cut anywhere or be anything at all (tests/fuzz/fuzz_trace.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "trace_decode.h"
#include "trace_format.h"
#include "text_buffer.h"
#include "trace_handles.h"
#include "xalloc.h"

#define MAX_PARAMS 12
#define MAX_SLOTS 10

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

typedef struct call {
    const unsigned char *start, *end; /* the records (end NULL: in flight) */
    uint32_t start_size, end_size;
    uint64_t start_clock, end_clock;
    const api_function *fn;
    struct thread *thread;
} call;

/* A run of one thread's records: a whole region, or the rest of one that a thread which
 * ended handed to a new thread (each run starts with its own region record). */
typedef struct region_ref {
    uint32_t ordinal;
    size_t offset, limit;
} region_ref;

typedef struct thread {
    uint32_t serial, tid;
    region_ref *regions;
    size_t nregions;
    call *calls; /* in start order */
    size_t ncalls;
    size_t *open; /* calls started and not ended, innermost last */
    size_t nopen;
    size_t *ended; /* indexes into calls, in the order the ends were written */
    size_t nended, next; /* next: merge position */
} thread;

typedef struct decoder {
    const unsigned char *data;
    size_t len;
    const char *name;
    char *error;
    size_t error_size;
    unsigned pointer_bytes, page_size;
    size_t region_bytes;
    const api_function **functions; /* the recorder's ids to this table's functions */
    size_t nfunctions;
    thread *threads;
    size_t nthreads;
    int cut;
    /* the clock: seconds = (clock - clock0) / rate */
    uint64_t clock0, best_clock, best_counter, counter0, frequency;
    double ticks_per_second;
    const char *in_flight_note; /* the comment of a call that never returned */
    struct state_entry *states;   /* by file number as seen */
    size_t nstates;
    trace_text *out;
} decoder;

static int fail(decoder *d, size_t offset, const char *fmt, ...)
{
    char message[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(d->error, d->error_size, "trace byte %lu: %s", (unsigned long)offset, message);
    return -1;
}

static void warn(decoder *d, const char *fmt, ...)
{
    char message[300], line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: warning: %s", d->name, message);
    ESH_APPEND(d->out->warnings, d->out->nwarnings);
    d->out->warnings[d->out->nwarnings++] = esh_xstrdup(line);
}

/* ---- pass 1: header and regions ----------------------------------------------------------- */

static thread *thread_of(decoder *d, uint32_t serial, uint32_t tid)
{
    for (size_t i = 0; i < d->nthreads; i++)
        if (d->threads[i].serial == serial)
            return &d->threads[i];
    ESH_APPEND(d->threads, d->nthreads);
    thread *t = &d->threads[d->nthreads++];
    memset(t, 0, sizeof *t);
    t->serial = serial;
    t->tid = tid;
    return t;
}

static int compare_regions(const void *a, const void *b)
{
    const region_ref *x = a, *y = b;
    return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

/* A clock/counter pair read back to back; the latest one gives the most exact rate. */
static void clock_sample(decoder *d, uint64_t clock, uint64_t counter)
{
    if (clock > d->best_clock && counter > d->counter0) {
        d->best_clock = clock;
        d->best_counter = counter;
    }
}

static int read_names(decoder *d)
{
    size_t offset = rd32(d->data + TRACE_H_NAMES_OFFSET), bytes = rd32(d->data + TRACE_H_NAMES_BYTES);
    if (offset < TRACE_H_FIXED_BYTES || offset > d->region_bytes || bytes > d->region_bytes - offset)
        return fail(d, TRACE_H_NAMES_OFFSET, "the function names lie outside the header");
    if (offset + bytes > d->len) {
        d->cut = 1;
        bytes = d->len > offset ? d->len - offset : 0;
    }
    const unsigned char *p = d->data + offset, *end = p + bytes;
    while (p < end) {
        const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
        if (nul == NULL)
            break; /* cut inside a name */
        char name[128];
        size_t n = (size_t)(nul - p);
        ESH_APPEND(d->functions, d->nfunctions);
        d->functions[d->nfunctions] = NULL;
        if (n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            d->functions[d->nfunctions] = api_find(name);
        }
        d->nfunctions++;
        p = nul + 1;
    }
    return 0;
}

static int read_header(decoder *d)
{
    uint32_t version = rd32(d->data + TRACE_H_VERSION);
    if (version != TRACE_VERSION)
        return fail(d, TRACE_H_VERSION, "trace format version %lu; this decoder reads version %d", (unsigned long)version,
                    TRACE_VERSION);
    d->region_bytes = rd32(d->data + TRACE_H_REGION_BYTES);
    if (d->region_bytes < 256 || d->region_bytes > (1u << 24) || d->region_bytes % 8 != 0)
        return fail(d, TRACE_H_REGION_BYTES, "region size %lu (expected a multiple of 8, 256..16M)",
                    (unsigned long)d->region_bytes);
    d->pointer_bytes = rd32(d->data + TRACE_H_POINTER_BYTES);
    if (d->pointer_bytes != 4 && d->pointer_bytes != 8)
        return fail(d, TRACE_H_POINTER_BYTES, "pointer size %u (expected 4 or 8)", d->pointer_bytes);
    d->page_size = rd32(d->data + TRACE_H_PAGE_SIZE);
    if (d->page_size == 0 || (d->page_size & (d->page_size - 1)) != 0)
        return fail(d, TRACE_H_PAGE_SIZE, "page size %u (expected a power of two)", d->page_size);
    d->clock0 = rd64(d->data + TRACE_H_CLOCK_START);
    d->counter0 = rd64(d->data + TRACE_H_COUNTER_START);
    d->frequency = rd64(d->data + TRACE_H_COUNTER_FREQUENCY);
    clock_sample(d, rd64(d->data + TRACE_H_CLOCK_CALIB), rd64(d->data + TRACE_H_COUNTER_CALIB));
    clock_sample(d, rd64(d->data + TRACE_H_CLOCK_END), rd64(d->data + TRACE_H_COUNTER_END));
    return read_names(d);
}

/* Starts a run at the region record at AT. */
static void add_run(decoder *d, size_t at, size_t limit)
{
    const unsigned char *r = d->data + at;
    thread *t = thread_of(d, rd32(r + TRACE_REGION_SERIAL), rd32(r + TRACE_REGION_TID));
    ESH_APPEND(t->regions, t->nregions);
    t->regions[t->nregions].ordinal = rd32(r + TRACE_REGION_ORDINAL);
    t->regions[t->nregions].offset = at;
    t->regions[t->nregions++].limit = limit;
    clock_sample(d, rd64(r + TRACE_REGION_CLOCK), rd64(r + TRACE_REGION_COUNTER));
}

static int read_regions(decoder *d)
{
    for (size_t base = d->region_bytes; base < d->len; base += d->region_bytes) {
        size_t limit = base + d->region_bytes, run = base;
        if (d->len - base < TRACE_REGION_RECORD_BYTES) {
            d->cut = 1;
            break;
        }
        uint32_t word = rd32(d->data + base);
        if (word == 0)
            continue; /* taken by a thread that was killed before it wrote to it */
        if (word != TRACE_REC_WORD(TRACE_REGION_RECORD_BYTES, TRACE_REC_REGION))
            return fail(d, base, "a region does not start with a region record");
        /* The region's records, for the region records inside it (and their sizes). */
        size_t at = base + TRACE_REGION_RECORD_BYTES;
        while (at < limit) {
            if (d->len - at < 4)
                break;
            word = rd32(d->data + at);
            uint32_t size = TRACE_REC_SIZE(word);
            if (word == 0)
                break;
            if (size < 8 || size % TRACE_REC_ALIGN != 0 || size > limit - at)
                return fail(d, at, "a record of %lu bytes (kind %lu)", (unsigned long)size,
                            (unsigned long)TRACE_REC_KIND(word));
            if (size > d->len - at)
                break;
            if (TRACE_REC_KIND(word) == TRACE_REC_REGION) {
                if (size != TRACE_REGION_RECORD_BYTES)
                    return fail(d, at, "a region record of %lu bytes", (unsigned long)size);
                add_run(d, run, at);
                run = at;
            }
            at += size;
        }
        add_run(d, run, limit);
    }
    for (size_t i = 0; i < d->nthreads; i++) {
        thread *t = &d->threads[i];
        qsort(t->regions, t->nregions, sizeof t->regions[0], compare_regions);
        /* Two runs with one ordinal: a region copied out before its reuse, killed before the
         * reuse began; the copies hold the same records. */
        size_t kept = 0;
        for (size_t k = 0; k < t->nregions; k++)
            if (kept == 0 || t->regions[k].ordinal != t->regions[kept - 1].ordinal)
                t->regions[kept++] = t->regions[k];
        t->nregions = kept;
    }
    return 0;
}

/* ---- pass 2: each thread's records -------------------------------------------------------- */

/* Reading a record's varints and items, never past its end. */
typedef struct cursor {
    const unsigned char *p, *end;
    int bad;
} cursor;

static int64_t cur_signed(cursor *c);

static uint64_t cur_varint(cursor *c)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 7 * TRACE_VARINT_MAX; shift += 7) {
        if (c->p >= c->end)
            break;
        unsigned char b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
    c->bad = 1;
    return 0;
}

/* A zigzag varint (the macro reads its argument twice). */
static int64_t cur_signed(cursor *c)
{
    uint64_t u = cur_varint(c);
    return TRACE_UNZIGZAG(u);
}

/* What the records hold about one parameter. */
typedef struct item {
    unsigned type;              /* TRACE_ITEM_*, without the cut flag; 0: no item */
    uint64_t value;             /* VALUE */
    const unsigned char *bytes; /* strings, bytes */
    size_t length;
} item;

static void cur_items(cursor *c, unsigned count, item *items)
{
    for (unsigned i = 0; i < count && !c->bad; i++) {
        if (c->end - c->p < 2) {
            c->bad = 1;
            return;
        }
        unsigned param = c->p[0], type = c->p[1] & 0x7F;
        item it = {type, 0, NULL, 0};
        c->p += 2;
        if (type == TRACE_ITEM_VALUE) {
            it.value = cur_varint(c);
        } else if (type == TRACE_ITEM_UTF8 || type == TRACE_ITEM_UTF16 || type == TRACE_ITEM_BYTES) {
            uint64_t n = cur_varint(c);
            if (c->bad || n > (uint64_t)(c->end - c->p)) {
                c->bad = 1;
                return;
            }
            it.bytes = c->p;
            it.length = (size_t)n;
            c->p += n;
        } else if (type != TRACE_ITEM_UNREADABLE) {
            c->bad = 1;
            return;
        }
        if (param >= MAX_PARAMS) {
            c->bad = 1;
            return;
        }
        if (items != NULL)
            items[param] = it;
    }
}

/* A start record's clock step, slots (SLOTS may be NULL) and items (ITEMS may be NULL);
 * 0 when its fields overrun it. */
static int parse_start(const unsigned char *r, uint32_t size, int64_t *step, uint64_t *slots, item *items)
{
    cursor c = {r + TRACE_START_BODY, r + size, 0};
    unsigned nslots = r[TRACE_START_NSLOTS];
    *step = cur_signed(&c);
    for (unsigned k = 0; k < nslots; k++) {
        uint64_t v = cur_varint(&c);
        if (slots != NULL)
            slots[k] = v;
    }
    cur_items(&c, r[TRACE_START_NITEMS], items);
    return !c.bad;
}

static int parse_end(const unsigned char *r, uint32_t size, int32_t *code, int64_t *step, item *items)
{
    cursor c = {r + TRACE_END_BODY, r + size, 0};
    *code = (int32_t)cur_signed(&c);
    *step = cur_signed(&c);
    cur_items(&c, r[TRACE_END_NITEMS], items);
    return !c.bad;
}

static const api_function *function_of(decoder *d, uint32_t id)
{
    return id < d->nfunctions ? d->functions[id] : NULL;
}

/* CLOCK: the thread's running clock (each record holds its step). */
static int read_start(decoder *d, thread *t, size_t at, const unsigned char *r, uint32_t size, uint64_t *clock)
{
    int64_t step;
    if (size < TRACE_START_BODY)
        return fail(d, at, "a call start record of %lu bytes", (unsigned long)size);
    uint32_t id = rd16(r + TRACE_START_API);
    const api_function *fn = function_of(d, id);
    unsigned nslots = r[TRACE_START_NSLOTS];
    if (!parse_start(r, size, &step, NULL, NULL))
        return fail(d, at, "a call start record's fields overrun it");
    *clock += (uint64_t)step;
    if (fn != NULL && (!fn->has_proto || api_params_of(fn) == NULL || fn->nparams > MAX_PARAMS))
        return fail(d, at, "a call of %s, which has no prototype", fn->name);
    if (fn != NULL && (nslots > MAX_SLOTS || nslots != api_slot_count_for(fn, d->pointer_bytes)))
        return fail(d, at, "a call of %s with %u argument slots", fn->name, nslots);
    if (fn == NULL)
        warn(d, "trace byte %lu: a call of function id %lu, which this harness does not know, is left out",
             (unsigned long)at, (unsigned long)id);
    /* An unknown function's call is kept (its end pairs with it) but not printed. */
    ESH_APPEND(t->calls, t->ncalls);
    call *c = &t->calls[t->ncalls++];
    memset(c, 0, sizeof *c);
    c->start = r;
    c->start_size = size;
    c->start_clock = *clock;
    c->fn = fn;
    c->thread = t;
    ESH_APPEND(t->open, t->nopen);
    t->open[t->nopen++] = t->ncalls - 1;
    return 0;
}

static int read_end(decoder *d, thread *t, size_t at, const unsigned char *r, uint32_t size, uint64_t *clock)
{
    int32_t code;
    int64_t step;
    if (size < TRACE_END_BODY)
        return fail(d, at, "a call end record of %lu bytes", (unsigned long)size);
    if (!parse_end(r, size, &code, &step, NULL))
        return fail(d, at, "a call end record's fields overrun it");
    if (t->nopen == 0)
        return fail(d, at, "a call end record without its start (thread %lu)", (unsigned long)t->tid);
    *clock += (uint64_t)step;
    call *c = &t->calls[t->open[--t->nopen]];
    c->end = r;
    c->end_size = size;
    c->end_clock = *clock;
    ESH_APPEND(t->ended, t->nended);
    t->ended[t->nended++] = (size_t)(c - t->calls);
    return 0;
}

/* ---- state records ---------------------------------------------------------------------- */

typedef struct state_entry {
    uint32_t file;
    int described;            /* its FILE record was read */
    uint64_t size, detail, failed_detail;
    unsigned status, failed;  /* failed: a FAILED record's status (0: none) */
    uint32_t api;
    const unsigned char *path;
    size_t path_len;
    scn_state_piece *pieces;
    size_t npieces;
} state_entry;

static state_entry *state_of(decoder *d, uint32_t file)
{
    for (size_t i = d->nstates; i-- > 0;) /* a file's records come together: the last is likely */
        if (d->states[i].file == file)
            return &d->states[i];
    ESH_APPEND(d->states, d->nstates);
    state_entry *e = &d->states[d->nstates++];
    memset(e, 0, sizeof *e);
    e->file = file;
    return e;
}

static int read_state(decoder *d, size_t at, const unsigned char *r, uint32_t size)
{
    cursor c = {r + TRACE_STATE_BODY, r + size, 0};
    if (size < TRACE_STATE_BODY)
        return fail(d, at, "a state record of %lu bytes", (unsigned long)size);
    unsigned what = r[TRACE_STATE_WHAT];
    state_entry *e = state_of(d, rd32(r + TRACE_STATE_FILE_NO));
    if (what == TRACE_STATE_FILE) {
        uint64_t bytes = cur_varint(&c), status = cur_varint(&c), detail = cur_varint(&c), api = cur_varint(&c);
        uint64_t n = cur_varint(&c);
        if (c.bad || n > (uint64_t)(c.end - c.p))
            return fail(d, at, "a state record (file) whose fields overrun it");
        if (!e->described) { /* a second copy of a reused region says the same */
            e->described = 1;
            e->size = bytes;
            e->status = (unsigned)(status > 255 ? 255 : status);
            e->detail = detail;
            e->api = (uint32_t)(api > 0xFFFF ? 0xFFFF : api);
            e->path = c.p;
            e->path_len = (size_t)n;
        }
    } else if (what == TRACE_STATE_PIECE) {
        uint64_t offset = cur_varint(&c), n = cur_varint(&c);
        if (c.bad || n > (uint64_t)(c.end - c.p))
            return fail(d, at, "a state record (piece) whose bytes overrun it");
        ESH_APPEND(e->pieces, e->npieces);
        e->pieces[e->npieces].offset = offset;
        e->pieces[e->npieces].at = (uint64_t)(c.p - d->data);
        e->pieces[e->npieces++].bytes = (uint32_t)n;
    } else if (what == TRACE_STATE_FAILED) {
        uint64_t status = cur_varint(&c), detail = cur_varint(&c);
        if (c.bad)
            return fail(d, at, "a state record (failed) whose fields overrun it");
        e->failed = status == 0 ? 255 : (unsigned)(status > 255 ? 255 : status);
        e->failed_detail = detail;
    } /* another kind of state record: a later recorder's */
    return 0;
}

static int compare_pieces(const void *a, const void *b)
{
    const scn_state_piece *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static int compare_files(const void *a, const void *b)
{
    const state_entry *x = a, *y = b;
    return (x->file > y->file) - (x->file < y->file);
}

/* Why the bytes of E are not all in the trace (NULL when they are). */
static char *state_missing(state_entry *e, int stopped)
{
    char why[300];
    if (e->npieces > 1)
        qsort(e->pieces, e->npieces, sizeof e->pieces[0], compare_pieces);
    /* The pieces that go on from where the file is covered so far, each once: a copy of a
     * piece (a reused region) or a piece that overlaps is dropped, so the kept ones, written
     * one after another, are the file. */
    size_t kept = 0;
    uint64_t covered = 0;
    for (size_t i = 0; i < e->npieces; i++)
        if (e->pieces[i].offset == covered && e->pieces[i].bytes > 0) {
            covered += e->pieces[i].bytes;
            e->pieces[kept++] = e->pieces[i];
        }
    e->npieces = kept;
    switch (e->status) {
    case TRACE_STATE_CAPTURED: break;
    case TRACE_STATE_OVER_LIMIT:
        snprintf(why, sizeof why, "over the limit of ESENTSHIM_STATE_MAX_BYTES=%llu bytes in all",
                 (unsigned long long)e->detail);
        return esh_xstrdup(why);
    case TRACE_STATE_UNREADABLE:
        snprintf(why, sizeof why, "unreadable when found (Windows error %llu)", (unsigned long long)e->detail);
        return esh_xstrdup(why);
    case TRACE_STATE_OFF: return esh_xstrdup("capture was off (ESENTSHIM_STATE_MAX_BYTES=0)");
    case TRACE_STATE_WRITTEN: return esh_xstrdup("written since the process started");
    default:
        snprintf(why, sizeof why, "not copied (status %u, from a later recorder)", e->status);
        return esh_xstrdup(why);
    }
    if (e->failed) {
        snprintf(why, sizeof why, "a read failed while it was copied (Windows error %llu)",
                 (unsigned long long)e->failed_detail);
        return esh_xstrdup(why);
    }
    if (covered != e->size)
        return esh_xstrdup(covered > e->size ? "its pieces overrun its size (a damaged trace)"
                           : stopped ? "the trace filled up while it was copied"
                                     : "the trace ends inside it (the process died while it was copied)");
    return NULL;
}

static int read_thread(decoder *d, thread *t)
{
    for (size_t k = 0; k < t->nregions; k++) {
        size_t base = t->regions[k].offset, limit = t->regions[k].limit;
        if (k > 0 && t->regions[k].ordinal != t->regions[k - 1].ordinal + 1)
            warn(d, "thread %lu lacks its region %lu: calls are missing", (unsigned long)t->tid,
                 (unsigned long)t->regions[k - 1].ordinal + 1);
        uint64_t clock = rd64(d->data + base + TRACE_REGION_CLOCK);
        for (size_t at = base + TRACE_REGION_RECORD_BYTES; at < limit;) {
            if (d->len - at < 4) {
                d->cut = 1;
                break;
            }
            uint32_t word = rd32(d->data + at), size = TRACE_REC_SIZE(word);
            if (word == 0)
                break; /* the rest of the region was never written */
            if (size < 8 || size % TRACE_REC_ALIGN != 0 || size > limit - at)
                return fail(d, at, "a record of %lu bytes (kind %lu)", (unsigned long)size,
                            (unsigned long)TRACE_REC_KIND(word));
            if (size > d->len - at) {
                d->cut = 1;
                break;
            }
            const unsigned char *r = d->data + at;
            int rc = 0;
            switch (TRACE_REC_KIND(word)) {
            case TRACE_REC_CALL_START: rc = read_start(d, t, at, r, size, &clock); break;
            case TRACE_REC_CALL_END: rc = read_end(d, t, at, r, size, &clock); break;
            case TRACE_REC_STATE: rc = read_state(d, at, r, size); break;
            case TRACE_REC_REGION: rc = fail(d, at, "a region record inside a run"); break;
            default: break; /* a kind a later recorder writes */
            }
            if (rc != 0)
                return rc;
            at += size;
        }
    }
    return 0;
}

void trace_state_line(esh_text *out, const trace_state_file *f, const char *from)
{
    char line[16384];
    scn_state st;
    memset(&st, 0, sizeof st);
    st.path.kind = SCN_ARG_STRING;
    st.path.text = f->path;
    st.size = f->size;
    st.missing = from ? NULL : f->missing;
    st.from = (char *)from;
    scn_format_state(line, sizeof line, &st);
    esh_text_addf(out, "  %s", line);
    if (f->found_at)
        esh_text_addf(out, "  # found before %s", f->found_at);
    esh_text_add(out, "\n", 1);
}

/* The `state` lines, before the first call; OUT->states gets each file's pieces. */
static void write_states(decoder *d, esh_text *t, int stopped)
{
    size_t described = 0, copied = 0;
    for (size_t i = 0; i < d->nstates; i++) {
        described += d->states[i].described && d->states[i].status != TRACE_STATE_WRITTEN;
        copied += d->states[i].described && d->states[i].status == TRACE_STATE_CAPTURED;
    }
    if (d->nstates == 0)
        return;
    if (d->nstates > 1)
        qsort(d->states, d->nstates, sizeof d->states[0], compare_files);
    if (described > 0)
        esh_text_addf(t, copied > 0 ? "  # the files the process found, copied by esentshim; laid down before the "
                                      "first call\n"
                                    : "  # the files the process found (esentshim copied none of them)\n");
    d->out->states = esh_xcalloc(described ? described : 1, sizeof *d->out->states);
    for (size_t i = 0; i < d->nstates; i++) {
        state_entry *e = &d->states[i];
        char line[16384];
        if (!e->described)
            continue;
        if (e->status == TRACE_STATE_WRITTEN) {
            /* The process's own doing, which the replay does again: not state. */
            scn_arg shown;
            memset(&shown, 0, sizeof shown);
            shown.kind = SCN_ARG_STRING;
            shown.text = esh_xstrndup((const char *)e->path, e->path_len);
            scn_format_arg(line, sizeof line, &shown);
            free(shown.text);
            esh_text_addf(t, "  # not state: %s (%llu bytes) was written since the process started\n", line,
                          (unsigned long long)e->size);
            continue;
        }
        trace_state_file *f = &d->out->states[d->out->nstates++];
        const api_function *fn = function_of(d, e->api);
        f->path = esh_xstrndup((const char *)e->path, e->path_len);
        f->size = e->size;
        f->missing = state_missing(e, stopped);
        f->found_at = fn ? fn->name : NULL;
        if (!f->missing) {
            f->pieces = e->pieces;
            f->npieces = e->npieces;
            e->pieces = NULL;
        }
        f->line_at = t->len;
        trace_state_line(t, f, NULL);
        f->line_len = t->len - f->line_at;
    }
}

/* ---- pass 3: the text --------------------------------------------------------------------- */

/* A value behind a pointer, as the recorder copied it (its bytes, zero-extended), read as
 * its kind reads: a long sign-extended, a pointer-sized handle of an x86 process too (so
 * ~0 is -1 wherever it is seen, as an input slot or an output). */
static int item_value(const decoder *d, api_kind kind, const item *it, uint64_t *value)
{
    if (it->type != TRACE_ITEM_VALUE)
        return 0;
    uint64_t v = it->value;
    switch (kind) {
    case API_KIND_LONG:
        v = (uint64_t)(int64_t)(int32_t)v;
        break;
    case API_KIND_DBID:
    case API_KIND_COLUMNID:
    case API_KIND_ULONG:
    case API_KIND_GRBIT:
    case API_KIND_PARAMID:
        v = (uint32_t)v;
        break;
    case API_KIND_U64:
    case API_KIND_I64:
        break;
    default:
        if (d->pointer_bytes == 4)
            v = (uint64_t)(int64_t)(int32_t)v;
        break;
    }
    *value = v;
    return 1;
}

typedef struct arena {
    char text[3 * (TRACE_STRING_MAX + 1) * MAX_PARAMS + 64 * MAX_PARAMS];
    size_t used;
} arena;

static char *arena_take(arena *a, size_t n)
{
    if (a->used + n > sizeof a->text)
        return NULL;
    char *p = a->text + a->used;
    a->used += n;
    return p;
}

static char *arena_copy(arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_take(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string item as NUL-terminated UTF-8 in the arena (NUL bytes inside cannot occur in a
 * C string; they end it). NULL when the item is not a string. */
static char *item_string(arena *a, const item *it)
{
    size_t n = it->length;
    const unsigned char *p = it->bytes;
    if (it->type == TRACE_ITEM_UTF8) {
        char *s = arena_take(a, n + 1);
        if (!s)
            return NULL;
        memcpy(s, p, n);
        s[n] = '\0';
        return s;
    }
    if (it->type != TRACE_ITEM_UTF16)
        return NULL;
    char *s = arena_take(a, (n / 2) * 3 + 1), *o = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t u = rd16(p + i);
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < n && rd16(p + i + 2) >= 0xDC00 && rd16(p + i + 2) < 0xE000) {
            uint32_t lo = rd16(p + i + 2);
            o += put_utf8(o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)); /* 4 bytes for 2 units */
            i += 2;
        } else {
            o += put_utf8(o, u >= 0xD800 && u < 0xE000 ? 0xFFFD : u);
        }
    }
    *o = '\0';
    return s;
}

static int is_32bit_handle(api_kind kind) { return kind == API_KIND_DBID || kind == API_KIND_COLUMNID; }

static uint64_t in_value(const decoder *d, const api_param *p, const uint64_t *slots, unsigned slot)
{
    switch (p->kind) {
    case API_KIND_ULONG:
    case API_KIND_GRBIT:
    case API_KIND_PARAMID:
    case API_KIND_DBID:
    case API_KIND_COLUMNID:
        return (uint32_t)slots[slot]; /* the upper half of an x64 slot is not defined */
    case API_KIND_LONG:
        return (uint64_t)(int64_t)(int32_t)slots[slot];
    case API_KIND_U64:
    case API_KIND_I64:
        if (api_param_slots_for(p, d->pointer_bytes) == 2)
            return (uint64_t)(uint32_t)slots[slot] | ((uint64_t)(uint32_t)slots[slot + 1] << 32);
        return slots[slot];
    default: /* pointer-sized: an x86 ~0 handle reads as -1 */
        return d->pointer_bytes == 4 ? (uint64_t)(int64_t)(int32_t)slots[slot] : slots[slot];
    }
}

/* "JET_LOGINFO_A *" -> "JET_LOGINFO_A" */
static char *struct_name(arena *a, const char *ctype)
{
    char name[64];
    size_t n = 0;
    if (strncmp(ctype, "const ", 6) == 0)
        ctype += 6;
    while (*ctype != '\0' && *ctype != ' ' && *ctype != '*' && n + 1 < sizeof name)
        name[n++] = *ctype++;
    name[n] = '\0';
    return arena_copy(a, name);
}

typedef struct call_view {
    const api_param *params;
    unsigned n;
    unsigned first[MAX_PARAMS];
    uint64_t slots[MAX_SLOTS + 2]; /* + a zero past the last (a two-slot value read at the end) */
    item before[MAX_PARAMS], after[MAX_PARAMS];
    long code;
    int done; /* returned (else in flight) */
} call_view;

#define LOWEST_USER_ADDRESS 0x10000u

static void describe_arg(decoder *d, trace_handles *h, scn_arg *arg, arena *a, const call_view *v, unsigned i)
{
    const api_param *p = &v->params[i];
    uint64_t raw = v->slots[v->first[i]], value, before = 0;
    int has_before = item_value(d, p->kind, &v->before[i], &before);
    char name[32];

    memset(arg, 0, sizeof *arg);
    arg->kind = SCN_ARG_NULL;

    /* Windows maps nothing below 64 KB (its lowest user address), so a pointer there is one
     * every access through faults, whatever the call did: it replays as one, and a call that
     * died writing through it dies again at the same step. */
    if (raw != 0 && raw < LOWEST_USER_ADDRESS && api_param_is_pointer(p->kind, p->dir)) {
        arg->kind = SCN_ARG_INVALID;
        return;
    }
    if (trace_handle_prefix(p->kind) != NULL && p->dir == API_DIR_IN) {
        value = in_value(d, p, v->slots, v->first[i]);
        if ((value != 0 || is_32bit_handle(p->kind)) && trace_handle_find(h, p->kind, value, name, sizeof name) &&
            (arg->text = arena_copy(a, name)) != NULL) {
            arg->kind = SCN_ARG_REF;
        } else if (value != 0 || is_32bit_handle(p->kind)) {
            arg->kind = SCN_ARG_INT; /* never seen as an output: the number itself */
            arg->value = (int64_t)value;
        }
        return;
    }
    if (trace_handle_prefix(p->kind) != NULL) { /* OUT or INOUT: a pointer to the handle */
        if (raw == 0)
            return;
        if (p->dir == API_DIR_INOUT && has_before && trace_handle_find(h, p->kind, before, name, sizeof name) &&
            (arg->text = arena_copy(a, name)) != NULL) {
            /* An existing handle passed by pointer (JetInit): the replay seeds &inst1 with $inst1. */
            arg->kind = SCN_ARG_OUT;
            return;
        }
        trace_handle_new(h, p->kind, name, sizeof name);
        if (v->done && !item_value(d, p->kind, &v->after[i], &value)) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        /* A failed call's output is not a handle the replay will get. */
        if (v->done && v->code >= 0 && (value != 0 || is_32bit_handle(p->kind)))
            trace_handle_bind(h, p->kind, value, name);
        arg->kind = (arg->text = arena_copy(a, name)) != NULL ? SCN_ARG_OUT : SCN_ARG_INVALID;
        return;
    }

    switch (p->kind) {
    case API_KIND_GRBIT:
    case API_KIND_PARAMID:
    case API_KIND_ULONG:
    case API_KIND_LONG:
    case API_KIND_U64:
    case API_KIND_I64:
    case API_KIND_API_PTR:
        if (p->dir == API_DIR_IN) {
            arg->kind = SCN_ARG_INT;
            arg->value = (int64_t)in_value(d, p, v->slots, v->first[i]);
            return;
        }
        if (raw == 0)
            return;
        if ((v->done && !item_value(d, p->kind, &v->after[i], &value)) || (arg->text = arena_copy(a, p->name)) == NULL) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        arg->kind = SCN_ARG_OUT;
        if (v->done) {
            arg->has_value = 1;
            arg->value = (int64_t)value;
        }
        return;
    case API_KIND_STR_A:
    case API_KIND_STR_W:
        if (raw == 0)
            return;
        if ((arg->text = item_string(a, &v->before[i])) == NULL) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        arg->kind = SCN_ARG_STRING;
        return;
    case API_KIND_BUF:
    case API_KIND_PTR:
        if (raw == 0)
            return;
        arg->kind = SCN_ARG_BUF;
        if (p->kind == API_KIND_PTR && p->dir != API_DIR_IN) {
            arg->size = d->pointer_bytes; /* a pointer the call fills: storage for one pointer */
            return;
        }
        if (p->kind == API_KIND_BUF) {
            /* ESE cares about alignment (JetReadFileInstance wants page-aligned memory). */
            uint64_t offset = raw % d->page_size;
            arg->align_page = offset == 0;
            arg->misalign = (int)offset;
        }
        if (p->size_index >= 0 && (unsigned)p->size_index < v->n) {
            const api_param *sp = &v->params[p->size_index];
            uint64_t size;
            if (sp->dir == API_DIR_IN)
                arg->size = (uint32_t)in_value(d, sp, v->slots, v->first[p->size_index]);
            else if (item_value(d, sp->kind, &v->before[p->size_index], &size))
                arg->size = (uint32_t)size;
        }
        return;
    case API_KIND_STRUCT:
        if (raw == 0)
            return;
        arg->kind = (arg->text = struct_name(a, p->ctype)) != NULL ? SCN_ARG_STRUCT : SCN_ARG_INVALID;
        return;
    case API_KIND_CALLBACK:
        if (raw != 0)
            arg->kind = SCN_ARG_INVALID; /* code in the traced process cannot be replayed */
        return;
    default:
        arg->kind = SCN_ARG_INT;
        arg->value = (int64_t)raw;
        return;
    }
}

static double seconds_of(const decoder *d, uint64_t clock)
{
    return clock > d->clock0 && d->ticks_per_second > 0 ? (double)(clock - d->clock0) / d->ticks_per_second : 0.0;
}

static void print_call(decoder *d, trace_handles *h, esh_text *t, const call *c, size_t number)
{
    static arena a; /* large; one call at a time */
    call_view v;
    scn_arg args[MAX_PARAMS];
    const unsigned char *r = c->start;
    unsigned nslots = r[TRACE_START_NSLOTS], slot = 0;

    int64_t clock_step;
    int32_t code = 0;
    memset(&v, 0, sizeof v);
    v.params = api_params_of(c->fn);
    v.n = c->fn->nparams;
    parse_start(r, c->start_size, &clock_step, v.slots, v.before); /* checked when read */
    for (unsigned i = 0; i < v.n; i++) {
        v.first[i] = slot < nslots ? slot : nslots; /* slot nslots is a zero (checked: counts match) */
        slot += api_param_slots_for(&v.params[i], d->pointer_bytes);
    }
    v.done = c->end != NULL;
    if (v.done) {
        parse_end(c->end, c->end_size, &code, &clock_step, v.after);
        v.code = (long)code;
    }
    a.used = 0;
    for (unsigned i = 0; i < v.n; i++)
        describe_arg(d, h, &args[i], &a, &v, i);

    scn_alternative alt;
    memset(&alt, 0, sizeof alt);
    alt.code = (jet_err)v.code;
    alt.any = !v.done;
    scn_step step;
    memset(&step, 0, sizeof step);
    step.kind = SCN_STEP_CALL;
    step.fn = c->fn;
    step.args = args;
    step.nargs = v.n;
    step.expect.alts = &alt;
    step.expect.nalts = 1;

    char small[2048];
    size_t need = scn_format_call(small, sizeof small, &step);
    esh_text_add(t, "  ", 2);
    if (need < sizeof small) {
        esh_text_add(t, small, need);
    } else {
        esh_text_reserve(t, need + 1);
        scn_format_call(t->p + t->len, need + 1, &step);
        t->len += need;
    }
    uint64_t micros = (uint64_t)(seconds_of(d, c->start_clock) * 1e6 + 0.5);
    esh_text_addf(t, "   # seq=%lu tid=%lu t=%lu.%06lu%s\n", (unsigned long)number, (unsigned long)c->thread->tid,
              (unsigned long)(micros / 1000000), (unsigned long)(micros % 1000000),
              !v.done ? d->in_flight_note
              : (c->end[TRACE_END_FLAGS] & TRACE_END_UNRESOLVED) ? " unresolved" : "");
}

static int compare_in_flight(const void *a, const void *b)
{
    const call *x = *(const call *const *)a, *y = *(const call *const *)b;
    uint64_t cx = x->start_clock, cy = y->start_clock;
    if (cx != cy)
        return (cx > cy) - (cx < cy);
    if (x->thread->serial != y->thread->serial)
        return (x->thread->serial > y->thread->serial) - (x->thread->serial < y->thread->serial);
    return (x > y) - (x < y); /* one thread's calls: in start order */
}

static void write_text(decoder *d, esh_text *t)
{
    int header = d->len >= TRACE_H_FIXED_BYTES;
    size_t offset = header ? rd32(d->data + TRACE_H_TEXT_OFFSET) : 0, bytes = header ? rd32(d->data + TRACE_H_TEXT_BYTES) : 0;
    int prelude_ok = header && offset >= TRACE_H_FIXED_BYTES && offset <= d->region_bytes && bytes <= d->region_bytes - offset &&
                     offset + bytes <= d->len && bytes > 0;
    if (prelude_ok) {
        /* The recorder's own text: NUL bytes (never written) would end the scenario text early. */
        size_t start = t->len;
        esh_text_add(t, (const char *)d->data + offset, bytes);
        for (size_t i = start; i < t->len; i++)
            if (t->p[i] == '\0')
                t->p[i] = ' ';
        if (t->p[t->len - 1] != '\n')
            esh_text_add(t, "\n", 1);
    } else {
        d->cut = 1;
        esh_text_addf(t, "# esentshim trace\n# (the trace's header text is cut)\nscenario trace-cut\n"
                     "  purpose: calls recorded by esentshim (header cut)\n  evidence: trace unknown host\n");
    }

    size_t completed = 0, in_flight = 0;
    for (size_t i = 0; i < d->nthreads; i++) {
        completed += d->threads[i].nended;
        in_flight += d->threads[i].ncalls - d->threads[i].nended;
    }
    int closed = header && rd32(d->data + TRACE_H_CLOSED) == 1;
    int stopped = header && rd32(d->data + TRACE_H_STOPPED) == 1;
    /* A call that never returned in a process that never ended: the replay expects the
     * crash (docs/scenario-language.md, `expect: crash`). */
    int crashed = in_flight > 0 && !closed && !stopped;
    d->in_flight_note = stopped ? " in flight when recording stopped (the trace was full)"
                        : closed ? " in flight when the process ended"
                                 : " in flight: the process died in this call";
    write_states(d, t, stopped);
    if (crashed)
        esh_text_add(t, "  expect: crash\n", 16);

    trace_handles h;
    memset(&h, 0, sizeof h);
    size_t number = 0;
    for (size_t done = 0; done < completed; done++) {
        thread *best = NULL;
        uint64_t best_clock = 0;
        for (size_t i = 0; i < d->nthreads; i++) {
            thread *th = &d->threads[i];
            if (th->next >= th->nended)
                continue;
            uint64_t clock = th->calls[th->ended[th->next]].end_clock;
            if (best == NULL || clock < best_clock) {
                best = th;
                best_clock = clock;
            }
        }
        const call *c = &best->calls[best->ended[best->next++]];
        if (c->fn != NULL)
            print_call(d, &h, t, c, ++number);
    }
    if (in_flight > 0) {
        const call **pending = esh_xcalloc(in_flight, sizeof *pending);
        size_t n = 0;
        for (size_t i = 0; i < d->nthreads; i++)
            for (size_t k = 0; k < d->threads[i].ncalls; k++)
                if (d->threads[i].calls[k].end == NULL)
                    pending[n++] = &d->threads[i].calls[k];
        qsort(pending, n, sizeof *pending, compare_in_flight);
        for (size_t k = 0; k < n; k++)
            if (pending[k]->fn != NULL)
                print_call(d, &h, t, pending[k], ++number);
        free(pending);
    }
    trace_handles_free(&h);
    if (!closed)
        esh_text_addf(t, "  # the process did not end normally (killed, crashed, or still running): %lu calls in flight\n",
                  (unsigned long)in_flight);
    esh_text_add(t, "end\n", 4);
    d->out->calls = number;
    d->out->in_flight = in_flight;
    if (stopped)
        warn(d, "trace cut after record %lu: the trace filled up (the disk or ESENTSHIM_TRACE_MAX_BYTES) and "
                "recording stopped", (unsigned long)number);
    else if (!closed)
        warn(d, "trace cut after record %lu (%lu completed, %lu in flight): the process did not end normally",
             (unsigned long)number, (unsigned long)completed, (unsigned long)in_flight);
    else if (d->cut)
        warn(d, "trace cut after record %lu: the file is shorter than the recorder left it", (unsigned long)number);
}

/* ---- entry points -------------------------------------------------------------------------- */

int trace_is_binary(const void *data, size_t len)
{
    return len >= TRACE_MAGIC_BYTES && memcmp(data, TRACE_MAGIC, TRACE_MAGIC_BYTES) == 0;
}

static void free_decoder(decoder *d)
{
    for (size_t i = 0; i < d->nthreads; i++) {
        free(d->threads[i].regions);
        free(d->threads[i].calls);
        free(d->threads[i].ended);
        free(d->threads[i].open);
    }
    free(d->threads);
    free(d->functions);
    for (size_t i = 0; i < d->nstates; i++)
        free(d->states[i].pieces);
    free(d->states);
}

int trace_decode(const unsigned char *data, size_t len, const char *name, trace_text *out, char *error,
                 size_t error_size)
{
    decoder d;
    esh_text t = {NULL, 0, 0};
    int rc = 0;
    memset(out, 0, sizeof *out);
    memset(&d, 0, sizeof d);
    d.data = data;
    d.len = len;
    d.name = name;
    d.error = error;
    d.error_size = error_size;
    d.out = out;
    if (!trace_is_binary(data, len)) {
        snprintf(error, error_size, "not a binary trace (it lacks the magic)");
        return -1;
    }
    if (len < TRACE_H_FIXED_BYTES) {
        /* Cut inside the fixed header: nothing but the fact that it is a trace. */
        d.region_bytes = TRACE_H_FIXED_BYTES;
        d.cut = 1;
        write_text(&d, &t);
    } else if ((rc = read_header(&d)) == 0 && (rc = read_regions(&d)) == 0) {
        for (size_t i = 0; i < d.nthreads && rc == 0; i++)
            rc = read_thread(&d, &d.threads[i]);
        if (rc == 0) {
            /* Seconds from the latest clock/counter pair (the longest base). */
            if (d.frequency > 0 && d.best_clock > d.clock0 && d.best_counter > d.counter0)
                d.ticks_per_second =
                    (double)(d.best_clock - d.clock0) / ((double)(d.best_counter - d.counter0) / (double)d.frequency);
            write_text(&d, &t);
        }
    }
    free_decoder(&d);
    if (rc != 0) {
        free(t.p);
        trace_text_free(out);
        return -1;
    }
    out->text = t.p;
    out->len = t.len;
    return 0;
}

void trace_text_free(trace_text *t)
{
    free(t->text);
    for (size_t i = 0; i < t->nwarnings; i++)
        free(t->warnings[i]);
    free(t->warnings);
    for (size_t i = 0; i < t->nstates; i++) {
        free(t->states[i].path);
        free(t->states[i].missing);
        free(t->states[i].pieces);
    }
    free(t->states);
    memset(t, 0, sizeof *t);
}
