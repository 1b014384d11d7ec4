/* Turns raw argument slots into scn_arg values by the parameters' type tags (core/api.h)
 * and prints them with the shared scenario printer, so a trace is parsed by the same
 * grammar a person's scenario is. Every pointer is read through safe_memory. */
#include <windows.h>

#include <stdio.h>

#include <string.h>

#include "call_record.h"
#include "handle_names.h"
#include "safe_memory.h"
#include "scenario.h"

/* The OS page size, asked once (its value never changes while the process runs). */
static uintptr_t os_page_size(void)
{
    static volatile LONG cached;
    if (cached == 0) {
        SYSTEM_INFO info;
        GetSystemInfo(&info);
        InterlockedExchange(&cached, (LONG)info.dwPageSize);
    }
    return (uintptr_t)cached;
}

/* Text of the arguments (names, strings) lives in one arena on the recording thread's
 * stack; a string is cut at 1023 characters. */
#define ARENA_SIZE 8192
#define STRING_MAX 3072

typedef struct arena {
    char text[ARENA_SIZE];
    size_t used;
} arena;

static char *arena_take(arena *a, size_t size)
{
    if (a->used + size > sizeof a->text)
        return NULL;
    char *p = a->text + a->used;
    a->used += size;
    return p;
}

/* One pass, by hand: names are a few bytes, and under Wine strlen and memcpy are calls
 * into msvcrt that cost more than the copy. */
static char *arena_copy(arena *a, const char *text)
{
    char *p = a->text + a->used;
    size_t room = sizeof a->text - a->used, n = 0;
    for (; n < room; n++) {
        p[n] = text[n];
        if (text[n] == '\0') {
            a->used += n + 1;
            return p;
        }
    }
    return NULL;
}

static int is_handle(api_kind kind)
{
    return handle_name_prefix(kind) != NULL;
}

/* Handles of these kinds are 32-bit values; the others are pointer-sized JET_API_PTRs. */
static int is_32bit_handle(api_kind kind)
{
    return kind == API_KIND_DBID || kind == API_KIND_COLUMNID;
}

/* The value behind P as a signed 64-bit number (LONG sign-extended, others zero-extended;
 * a pointer-sized ~0 handle reads as -1). */
static int read_pointee(const void *p, api_kind kind, uint64_t *value)
{
    unsigned char raw[8] = {0};
    size_t n = api_value_size(kind);
    if (!safe_read(p, raw, n))
        return 0;
    if (n == 4) {
        uint32_t v;
        memcpy(&v, raw, 4);
        *value = kind == API_KIND_LONG ? (uint64_t)(int64_t)(int32_t)v : v;
    } else if (n == 8) {
        memcpy(value, raw, 8);
    } else {
        uint32_t v;
        memcpy(&v, raw, 4);
        *value = (uint64_t)(int64_t)(int32_t)v;
    }
    return 1;
}

/* The first slot of each parameter. */
static void slot_indexes(const api_param *params, unsigned n, unsigned *first)
{
    unsigned slot = 0;
    for (unsigned i = 0; i < n; i++) {
        first[i] = slot;
        slot += api_param_slots(&params[i]);
    }
}

static uint64_t in_value(const api_param *p, const uintptr_t *slots, unsigned slot)
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
        if (api_param_slots(p) == 2)
            return (uint64_t)(uint32_t)slots[slot] | ((uint64_t)(uint32_t)slots[slot + 1] << 32);
        return (uint64_t)slots[slot];
    default:
        return (uint64_t)(int64_t)(intptr_t)slots[slot];
    }
}

void call_record_read_before(api_id id, const uintptr_t *slots, call_record_before *before)
{
    const api_function *fn = &api_functions[id];
    const api_param *params = api_params_of(fn);
    unsigned first[CALL_RECORD_MAX_PARAMS];
    unsigned n = fn->has_proto && params != NULL ? fn->nparams : 0;
    if (n > CALL_RECORD_MAX_PARAMS)
        n = CALL_RECORD_MAX_PARAMS;
    slot_indexes(params, n, first);
    for (unsigned i = 0; i < n; i++) {
        const api_param *p = &params[i];
        before->readable[i] = 0;
        if (p->dir == API_DIR_INOUT && p->kind != API_KIND_STRUCT && p->kind != API_KIND_BUF &&
            p->kind != API_KIND_PTR && slots[first[i]] != 0)
            before->readable[i] =
                (unsigned char)read_pointee((const void *)slots[first[i]], p->kind, &before->value[i]);
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

static void describe_arg(scn_arg *arg, arena *a, const api_param *params, unsigned n, unsigned i, const unsigned *first,
                         const uintptr_t *slots, const call_record_before *before, long code)
{
    const api_param *p = &params[i];
    uintptr_t raw = slots[first[i]];
    const void *ptr = (const void *)raw;
    char name[32];
    uint64_t value;

    memset(arg, 0, sizeof *arg);
    arg->kind = SCN_ARG_NULL;

    if (is_handle(p->kind) && p->dir == API_DIR_IN) {
        value = in_value(p, slots, first[i]);
        /* A pointer-sized 0 is never bound (see below), so it needs no look-up. */
        if ((value != 0 || is_32bit_handle(p->kind)) && handle_name_find(p->kind, value, name, sizeof name) &&
            (arg->text = arena_copy(a, name)) != NULL) {
            arg->kind = SCN_ARG_REF;
        } else if (value != 0 || is_32bit_handle(p->kind)) {
            arg->kind = SCN_ARG_INT; /* never seen as an output: the number itself */
            arg->value = (int64_t)value;
        }
        return;
    }
    if (is_handle(p->kind)) { /* OUT or INOUT: a pointer to the handle */
        if (ptr == NULL)
            return;
        if (p->dir == API_DIR_INOUT && before->readable[i] &&
            handle_name_find(p->kind, before->value[i], name, sizeof name) &&
            (arg->text = arena_copy(a, name)) != NULL) {
            /* An existing handle passed by pointer (JetInit, JetSetSystemParameter): the
             * replay seeds &inst1 with $inst1's value. */
            arg->kind = SCN_ARG_OUT;
            return;
        }
        handle_name_new(p->kind, name, sizeof name);
        if (!read_pointee(ptr, p->kind, &value)) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        /* A failed call's output is not a handle the replay will get. */
        if (code >= 0 && (value != 0 || is_32bit_handle(p->kind)))
            handle_name_bind(p->kind, value, name);
        if ((arg->text = arena_copy(a, name)) != NULL)
            arg->kind = SCN_ARG_OUT;
        else
            arg->kind = SCN_ARG_INVALID;
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
            arg->value = (int64_t)in_value(p, slots, first[i]);
            return;
        }
        if (ptr == NULL)
            return;
        if (!read_pointee(ptr, p->kind, &value) || (arg->text = arena_copy(a, p->name)) == NULL) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        arg->kind = SCN_ARG_OUT;
        arg->has_value = 1;
        arg->value = (int64_t)value;
        return;
    case API_KIND_STR_A:
    case API_KIND_STR_W: {
        if (ptr == NULL)
            return;
        size_t room = sizeof a->text - a->used;
        char *text = arena_take(a, room < STRING_MAX ? room : STRING_MAX);
        int ok = text == NULL ? 0
                 : p->kind == API_KIND_STR_A ? safe_read_string_a(ptr, text, room < STRING_MAX ? room : STRING_MAX)
                                             : safe_read_string_w(ptr, text, room < STRING_MAX ? room : STRING_MAX);
        if (!ok) {
            arg->kind = SCN_ARG_INVALID;
            return;
        }
        a->used -= (room < STRING_MAX ? room : STRING_MAX) - (strlen(text) + 1);
        arg->kind = SCN_ARG_STRING;
        arg->text = text;
        return;
    }
    case API_KIND_BUF:
    case API_KIND_PTR:
        if (ptr == NULL)
            return;
        arg->kind = SCN_ARG_BUF;
        if (p->kind == API_KIND_PTR && p->dir != API_DIR_IN) {
            /* A pointer the call fills (JET_INSTANCE_INFO **): storage for one pointer. */
            arg->size = (uint32_t)sizeof(void *);
            return;
        }
        if (p->kind == API_KIND_BUF) {
            /* Alignment matters to ESE (JetReadFileInstance wants page-aligned memory,
             * dev/ese/src/ese/backup.cxx:2738), so a replay must get the same offset from a page boundary. */
            uintptr_t offset = (uintptr_t)ptr % os_page_size();
            arg->align_page = offset == 0;
            arg->misalign = (int)offset;
        }
        if (p->size_index >= 0 && (unsigned)p->size_index < n) {
            const api_param *sp = &params[p->size_index];
            if (sp->dir == API_DIR_IN)
                arg->size = (uint32_t)in_value(sp, slots, first[p->size_index]);
            else if (before->readable[p->size_index])
                arg->size = (uint32_t)before->value[p->size_index];
        }
        return;
    case API_KIND_STRUCT:
        if (ptr == NULL)
            return;
        if ((arg->text = struct_name(a, p->ctype)) != NULL)
            arg->kind = SCN_ARG_STRUCT;
        else
            arg->kind = SCN_ARG_INVALID;
        return;
    case API_KIND_CALLBACK:
        /* Code in the traced process cannot be replayed: recorded as a bad pointer. */
        if (ptr != NULL)
            arg->kind = SCN_ARG_INVALID;
        return;
    default:
        arg->kind = SCN_ARG_INT;
        arg->value = (int64_t)raw;
        return;
    }
}

/* Appends the decimal digits of V at OUT; returns the count. */
static size_t put_decimal(char *out, uint64_t v, int min_digits)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 || n < min_digits);
    for (int i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    return (size_t)n;
}

static size_t put_text(char *out, const char *text)
{
    size_t n = 0;
    for (; text[n] != '\0'; n++)
        out[n] = text[n];
    return n;
}

/* "   # seq=N tid=T t=S.UUUUUU[ unresolved]\n" (NUL-terminated, < 128 bytes), by hand:
 * snprintf's %f alone costs ~0.3 us under Wine, more than the rest of a record. */
static size_t format_comment(char *out, long seq, unsigned long tid, double seconds, int unresolved)
{
    uint64_t micros = seconds > 0 ? (uint64_t)(seconds * 1e6 + 0.5) : 0;
    size_t n = put_text(out, "   # seq=");
    if (seq < 0) {
        out[n++] = '-';
        n += put_decimal(out + n, (uint64_t)0 - (uint64_t)(int64_t)seq, 1);
    } else {
        n += put_decimal(out + n, (uint64_t)seq, 1);
    }
    n += put_text(out + n, " tid=");
    n += put_decimal(out + n, tid, 1);
    n += put_text(out + n, " t=");
    n += put_decimal(out + n, micros / 1000000, 1);
    out[n++] = '.';
    n += put_decimal(out + n, micros % 1000000, 6);
    if (unresolved)
        n += put_text(out + n, " unresolved");
    out[n++] = '\n';
    out[n] = '\0';
    return n;
}

size_t call_record_format(char *buf, size_t size, api_id id, const uintptr_t *slots,
                          const call_record_before *before, long code, int unresolved,
                          long seq, unsigned long tid, double seconds)
{
    const api_function *fn = &api_functions[id];
    const api_param *params = api_params_of(fn);
    unsigned first[CALL_RECORD_MAX_PARAMS];
    scn_arg args[CALL_RECORD_MAX_PARAMS];
    arena a;
    unsigned n = params != NULL ? fn->nparams : 0;
    if (n > CALL_RECORD_MAX_PARAMS)
        n = CALL_RECORD_MAX_PARAMS;
    a.used = 0;
    slot_indexes(params, n, first);
    for (unsigned i = 0; i < n; i++)
        describe_arg(&args[i], &a, params, n, i, first, slots, before, code);

    scn_alternative alt;
    memset(&alt, 0, sizeof alt);
    alt.code = (jet_err)code;
    scn_step step;
    memset(&step, 0, sizeof step);
    step.kind = SCN_STEP_CALL;
    step.fn = fn;
    step.args = args;
    step.nargs = n;
    step.expect.alts = &alt;
    step.expect.nalts = 1;

    if (size < 3)
        return size + 64;
    buf[0] = ' ';
    buf[1] = ' ';
    size_t len = 2 + scn_format_call(buf + 2, size - 2, &step);
    if (len + 128 <= size) /* the comment fits (< 128 bytes): written in place */
        return len + format_comment(buf + len, seq, tid, seconds, unresolved);
    char comment[128];
    size_t m = format_comment(comment, seq, tid, seconds, unresolved);
    if (len + m + 1 > size)
        return len + m + 1;
    memcpy(buf + len, comment, m + 1);
    return len + m;
}
