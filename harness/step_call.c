/* One step, really called (step_call.h): the export is found by the step's own name, so an
 * unsuffixed alias calls the alias; arguments become pointer-sized slots as the caller of
 * the real ESENT.dll would push them. */
#include "step_call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "api.h"
#include "slot_call.h"
#include "win_text.h"

#define MAX_SLOTS 10

/* ---- variables ---------------------------------------------------------------------- */

typedef struct var_entry {
    char *name;
    int64_t value;
} var_entry;

struct var_store {
    SRWLOCK lock; /* steps of several threads capture and read */
    var_entry *entries;
    size_t count, capacity;
};

var_store *var_store_new(void)
{
    var_store *vars = calloc(1, sizeof *vars);
    if (vars)
        InitializeSRWLock(&vars->lock);
    return vars;
}

void var_store_free(var_store *vars)
{
    if (!vars)
        return;
    for (size_t i = 0; i < vars->count; i++)
        free(vars->entries[i].name);
    free(vars->entries);
    free(vars);
}

static int var_get(var_store *vars, const char *name, int64_t *value)
{
    int found = 0;
    AcquireSRWLockShared(&vars->lock);
    for (size_t i = 0; i < vars->count && !found; i++)
        if (strcmp(vars->entries[i].name, name) == 0) {
            *value = vars->entries[i].value;
            found = 1;
        }
    ReleaseSRWLockShared(&vars->lock);
    return found;
}

static int var_set(var_store *vars, const char *name, int64_t value)
{
    int ok = 1;
    AcquireSRWLockExclusive(&vars->lock);
    size_t i = 0;
    while (i < vars->count && strcmp(vars->entries[i].name, name) != 0)
        i++;
    if (i == vars->count) {
        if (vars->count == vars->capacity) {
            size_t capacity = vars->capacity ? vars->capacity * 2 : 16;
            var_entry *grown = realloc(vars->entries, capacity * sizeof *grown);
            if (!grown)
                ok = 0;
            else {
                vars->entries = grown;
                vars->capacity = capacity;
            }
        }
        char *copy = ok ? _strdup(name) : NULL;
        if (copy) {
            vars->entries[vars->count].name = copy;
            vars->entries[vars->count].value = 0;
            vars->count++;
        } else
            ok = 0;
    }
    if (ok)
        vars->entries[i].value = value;
    ReleaseSRWLockExclusive(&vars->lock);
    return ok;
}

/* ---- structures the suite passes with struct(NAME) ------------------------------------ */

/* Layouts as ESENT's header declares them, so sizeof gives this build's size. */
typedef struct mirror_loginfo_a {
    unsigned long cbSize, ulGenLow, ulGenHigh;
    char szBaseName[4]; /* JET_BASE_NAME_LENGTH + 1 */
} mirror_loginfo_a;
typedef struct mirror_loginfo_w {
    unsigned long cbSize, ulGenLow, ulGenHigh;
    wchar_t szBaseName[4];
} mirror_loginfo_w;
typedef struct mirror_lgpos {
    unsigned short ib, isec;
    long lGeneration;
} mirror_lgpos;
typedef struct mirror_logtime {
    char bytes[8];
} mirror_logtime;
typedef struct mirror_rstinfo {
    unsigned long cbStruct;
    void *rgrstmap;
    long crstmap;
    mirror_lgpos lgposStop;
    mirror_logtime logtimeStop;
    void *pfnStatus;
} mirror_rstinfo;
typedef struct mirror_setsysparam {
    unsigned long paramid;
    uintptr_t lParam;
    const void *sz;
    long err;
} mirror_setsysparam;

static const struct known_struct {
    const char *name;
    size_t size;
    int cb_offset;
} known_structs[] = {
    {"JET_LOGINFO_A", sizeof(mirror_loginfo_a), 0},
    {"JET_LOGINFO_W", sizeof(mirror_loginfo_w), 0},
    {"JET_RSTINFO_A", sizeof(mirror_rstinfo), 0},
    {"JET_RSTINFO_W", sizeof(mirror_rstinfo), 0},
    {"JET_SETSYSPARAM_A", sizeof(mirror_setsysparam), -1},
    {"JET_SETSYSPARAM_W", sizeof(mirror_setsysparam), -1},
};

size_t step_struct_size(const char *name, int *cb_offset)
{
    for (size_t i = 0; i < sizeof known_structs / sizeof known_structs[0]; i++)
        if (strcmp(known_structs[i].name, name) == 0) {
            *cb_offset = known_structs[i].cb_offset;
            return known_structs[i].size;
        }
    *cb_offset = -1;
    return 0;
}

/* ---- one call's storage ----------------------------------------------------------------- */

typedef struct capture {
    const char *name;
    const api_param *param;
    int64_t *cell;
} capture;

typedef struct call_frame {
    uintptr_t slots[MAX_SLOTS];
    unsigned nslots;
    void *heap[MAX_SLOTS];    /* malloc'ed strings and cells */
    void *pages[MAX_SLOTS];   /* VirtualAlloc'ed buffers */
    size_t nheap, npages;
    capture captures[MAX_SLOTS];
    size_t ncaptures;
} call_frame;

static void frame_free(call_frame *frame)
{
    for (size_t i = 0; i < frame->nheap; i++)
        free(frame->heap[i]);
    for (size_t i = 0; i < frame->npages; i++)
        VirtualFree(frame->pages[i], 0, MEM_RELEASE);
}

static void *keep_heap(call_frame *frame, void *p)
{
    if (p && frame->nheap < MAX_SLOTS)
        frame->heap[frame->nheap++] = p;
    else {
        free(p);
        p = NULL;
    }
    return p;
}

/* Page-aligned, zero-filled; MISALIGN bytes in (buf(N, +1)). */
static void *page_buffer(call_frame *frame, size_t size, size_t misalign)
{
    if (frame->npages == MAX_SLOTS)
        return NULL;
    void *p = VirtualAlloc(NULL, size + misalign + 1, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!p)
        return NULL;
    frame->pages[frame->npages++] = p;
    return (char *)p + misalign;
}

/* A non-null address whose every access faults: `invalid` in a recording. */
static void *invalid_pointer(void)
{
    static void *volatile reserved;
    if (!reserved)
        reserved = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_NOACCESS);
    return reserved ? reserved : (void *)(uintptr_t)0x10;
}

static int64_t read_cell(const api_param *p, const int64_t *cell)
{
    switch (api_value_size(p->kind)) {
    case 4:
        if (p->kind == API_KIND_LONG)
            return *(const int32_t *)cell;
        return *(const uint32_t *)cell;
    case 8:
        return *cell;
    default:
        return (int64_t)*(const uintptr_t *)cell;
    }
}

static void write_cell(const api_param *p, int64_t *cell, int64_t value)
{
    switch (api_value_size(p->kind)) {
    case 4:
        *(uint32_t *)cell = (uint32_t)value;
        break;
    case 8:
        *cell = value;
        break;
    default:
        *(uintptr_t *)cell = (uintptr_t)value;
        break;
    }
}

static int push_value(call_frame *frame, const api_param *p, int64_t value)
{
    unsigned need = api_param_slots(p);
    if (frame->nslots + need > MAX_SLOTS)
        return -1;
    if (need == 2) { /* a by-value 64-bit parameter on x86: low half first */
        frame->slots[frame->nslots++] = (uintptr_t)(uint32_t)((uint64_t)value & 0xffffffffu);
        frame->slots[frame->nslots++] = (uintptr_t)(uint32_t)((uint64_t)value >> 32);
    } else
        frame->slots[frame->nslots++] = (uintptr_t)value;
    return 0;
}

static int marshal_arg(call_frame *frame, const api_param *p, const scn_arg *a, var_store *vars, char *err,
                       size_t errsize)
{
    switch (a->kind) {
    case SCN_ARG_INT:
        return push_value(frame, p, a->value);
    case SCN_ARG_NULL:
        return push_value(frame, p, 0);
    case SCN_ARG_REF: {
        int64_t value;
        if (!var_get(vars, a->text, &value)) {
            snprintf(err, errsize, "$%s has no value: no earlier step captured &%s", a->text, a->text);
            return -1;
        }
        return push_value(frame, p, value);
    }
    case SCN_ARG_STRING: {
        void *text = p->kind == API_KIND_STR_W ? (void *)utf8_to_wide(a->text) : (void *)utf8_to_ansi(a->text);
        if (!keep_heap(frame, text)) {
            snprintf(err, errsize, "cannot convert \"%s\" for %s", a->text, p->name);
            return -1;
        }
        return push_value(frame, p, (int64_t)(intptr_t)text);
    }
    case SCN_ARG_OUT: {
        int64_t *cell = keep_heap(frame, calloc(1, sizeof *cell));
        if (!cell || frame->ncaptures == MAX_SLOTS) {
            snprintf(err, errsize, "out of memory for &%s", a->text);
            return -1;
        }
        int64_t current;
        /* JetInit(&inst), JetSetSystemParameter(&inst, ...) read the handle they update. */
        if (p->dir == API_DIR_INOUT && var_get(vars, a->text, &current))
            write_cell(p, cell, current);
        frame->captures[frame->ncaptures++] = (capture){a->text, p, cell};
        return push_value(frame, p, (int64_t)(intptr_t)cell);
    }
    case SCN_ARG_BUF: {
        void *buf = page_buffer(frame, a->size, a->misalign > 0 ? (size_t)a->misalign : 0);
        if (!buf) {
            snprintf(err, errsize, "cannot allocate buf(%lu)", (unsigned long)a->size);
            return -1;
        }
        return push_value(frame, p, (int64_t)(intptr_t)buf);
    }
    case SCN_ARG_STRUCT: {
        int cb_offset;
        size_t size = step_struct_size(a->text, &cb_offset);
        if (size == 0) {
            snprintf(err, errsize,
                     "struct(%s): the harness does not know this structure's size (it knows JET_LOGINFO_A/W, "
                     "JET_RSTINFO_A/W, JET_SETSYSPARAM_A/W)",
                     a->text);
            return -1;
        }
        unsigned char *storage = page_buffer(frame, size, 0);
        if (!storage) {
            snprintf(err, errsize, "cannot allocate struct(%s)", a->text);
            return -1;
        }
        if (cb_offset >= 0) {
            unsigned long cb = (unsigned long)size;
            memcpy(storage + cb_offset, &cb, sizeof cb);
        }
        return push_value(frame, p, (int64_t)(intptr_t)storage);
    }
    case SCN_ARG_INVALID:
        return push_value(frame, p, (int64_t)(intptr_t)invalid_pointer());
    }
    snprintf(err, errsize, "argument kind %d not supported", (int)a->kind);
    return -1;
}

int step_call(void *module, const scn_step *step, var_store *vars, jet_err *actual, char *err, size_t errsize)
{
    const api_function *fn = step->fn;
    if (errsize > 0)
        err[0] = '\0';
    const api_function *target = &api_functions[fn->target];
    FARPROC proc = GetProcAddress((HMODULE)module, fn->name);
    if (!proc) {
        snprintf(err, errsize, "%s is not exported by the DLL under test", fn->name);
        return STEP_CALL_NOT_EXPORTED;
    }
    if (!target->has_proto && api_slot_count(fn) > 0) {
        snprintf(err, errsize, "%s: no prototype is known, so its arguments cannot be passed", fn->name);
        return -1;
    }
    if (step->nargs != target->nparams) {
        snprintf(err, errsize, "%s takes %u arguments, the step has %lu", fn->name, (unsigned)target->nparams,
                 (unsigned long)step->nargs);
        return -1;
    }
    call_frame frame;
    memset(&frame, 0, sizeof frame);
    const api_param *params = api_params_of(fn);
    for (size_t i = 0; i < step->nargs; i++)
        if (marshal_arg(&frame, &params[i], &step->args[i], vars, err, errsize) != 0) {
            if (err[0] == '\0')
                snprintf(err, errsize, "%s: more than %d argument slots", fn->name, MAX_SLOTS);
            frame_free(&frame);
            return -1;
        }
    if (frame.nslots != api_slot_count(fn)) {
        snprintf(err, errsize, "%s: arguments fill %u slots, the export takes %u", fn->name, frame.nslots,
                 api_slot_count(fn));
        frame_free(&frame);
        return -1;
    }
    long code = 0;
    if (!esh_call_with_slots((void (*)(void))proc, frame.nslots, frame.slots, &code)) {
        snprintf(err, errsize, "%s takes %u argument slots, more than the harness can pass", fn->name, frame.nslots);
        return -1;
    }
    *actual = (jet_err)code;
    for (size_t i = 0; i < frame.ncaptures; i++)
        if (!var_set(vars, frame.captures[i].name, read_cell(frame.captures[i].param, frame.captures[i].cell))) {
            snprintf(err, errsize, "out of memory capturing &%s", frame.captures[i].name);
            frame_free(&frame);
            return -1;
        }
    frame_free(&frame);
    return 0;
}
