/* The pass that makes a trace travel (trace_travel.h). It only reads what the trace holds:
 * the arguments, the recorded codes and each record's `seq= tid= t=` comment. */
#include "trace_travel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- notes and names ------------------------------------------------------------------ */

static void note(trace_notes *notes, const scn_location *loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void note(trace_notes *notes, const scn_location *loc, const char *fmt, ...)
{
    char text[1200];
    int n;
    va_list ap;
    if (!notes)
        return;
    n = snprintf(text, sizeof text, "%s:%d: ", loc->file ? loc->file : "<trace>", loc->line);
    if (n < 0 || (size_t)n >= sizeof text)
        n = 0;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    ESH_APPEND(notes->lines, notes->count);
    notes->lines[notes->count++] = esh_xstrdup(text);
}

void trace_notes_free(trace_notes *notes)
{
    if (!notes)
        return;
    for (size_t i = 0; i < notes->count; i++)
        free(notes->lines[i]);
    free(notes->lines);
    notes->lines = NULL;
    notes->count = 0;
}

/* The names a trace uses ($name reads, &name captures, roots), counted once per pass so
 * that naming many lists and sizes stays linear in the trace's length. */
typedef struct name_entry {
    char *name; /* NULL: a free slot */
    size_t captures;
    int read;
} name_entry;

typedef struct name_table {
    name_entry *slots;
    size_t capacity, count; /* capacity: a power of two, at least twice count */
} name_table;

static size_t name_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static name_entry *name_slot(name_table *t, const char *name)
{
    size_t i = name_hash(name) & (t->capacity - 1);
    while (t->slots[i].name && strcmp(t->slots[i].name, name) != 0)
        i = (i + 1) & (t->capacity - 1);
    return &t->slots[i];
}

/* The entry of NAME, added (zero counts) when missing. */
static name_entry *name_entry_of(name_table *t, const char *name)
{
    name_entry *e;
    if (2 * (t->count + 1) > t->capacity) {
        name_table grown = {NULL, t->capacity ? t->capacity * 2 : 64, t->count};
        grown.slots = esh_xcalloc(grown.capacity, sizeof *grown.slots);
        for (size_t i = 0; i < t->capacity; i++)
            if (t->slots[i].name)
                *name_slot(&grown, t->slots[i].name) = t->slots[i];
        free(t->slots);
        *t = grown;
    }
    e = name_slot(t, name);
    if (!e->name) {
        e->name = esh_xstrdup(name);
        t->count++;
    }
    return e;
}

static int name_taken(name_table *t, const char *name)
{
    return t->capacity && name_slot(t, name)->name != NULL;
}

static void names_build(name_table *t, const scn_scenario *sc)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < sc->nsteps; i++)
        for (size_t a = 0; a < sc->steps[i].nargs; a++) {
            const scn_arg *arg = &sc->steps[i].args[a];
            const char *read = scn_arg_reference(arg), *made = scn_arg_capture(arg);
            if (read)
                name_entry_of(t, read)->read = 1;
            if (made)
                name_entry_of(t, made)->captures++;
        }
    for (size_t r = 0; r < sc->nroots; r++)
        name_entry_of(t, sc->roots[r].name);
}

static void names_free(name_table *t)
{
    for (size_t i = 0; i < t->capacity; i++)
        free(t->slots[i].name);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* BASE followed by the first number from *NEXT on that names nothing yet, now taken; *NEXT
 * moves past it. */
static char *fresh_name(name_table *t, const char *base, unsigned *next)
{
    char name[160];
    for (;; (*next)++) {
        snprintf(name, sizeof name, "%.140s%u", base, *next);
        if (!name_taken(t, name)) {
            (*next)++;
            name_entry_of(t, name)->captures = 1;
            return esh_xstrdup(name);
        }
    }
}

/* ---- the record comment: seq= tid= t= -------------------------------------------------- */

typedef struct record_info {
    int has_tid, has_time;
    unsigned long long tid;
    double time;
} record_info;

static const char *field(const char *comment, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = comment; p && *p; p++)
        if ((p == comment || p[-1] == ' ' || p[-1] == '\t') && strncmp(p, key, n) == 0)
            return p + n;
    return NULL;
}

static record_info record_of(const scn_step *step)
{
    record_info r;
    const char *v;
    char *end;
    memset(&r, 0, sizeof r);
    if ((v = field(step->comment, "tid=")) != NULL) {
        r.tid = strtoull(v, &end, 10);
        r.has_tid = end != v;
    }
    if ((v = field(step->comment, "t=")) != NULL) {
        r.time = strtod(v, &end);
        r.has_time = end != v;
    }
    return r;
}

/* ---- paths ------------------------------------------------------------------------------ */

static int is_sep(char ch)
{
    return ch == '\\' || ch == '/';
}

int trace_path_is_absolute(const char *p)
{
    if (!p)
        return 0;
    if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' && is_sep(p[2]))
        return 1;
    return (is_sep(p[0]) && is_sep(p[1]) && p[2] && !is_sep(p[2])) || p[0] == '/';
}

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Windows compares names without case; the separators are one. */
static int same_char(char a, char b)
{
    return lower(a) == lower(b) || (is_sep(a) && is_sep(b));
}

int trace_path_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (!same_char(*a, *b))
            return 0;
    return *a == *b;
}

/* When PATH is FOLDER or under it, the length of FOLDER in PATH; else 0. */
static size_t under(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    for (size_t i = 0; i < n; i++)
        if (!path[i] || !same_char(path[i], folder[i]))
            return 0;
    return path[n] == '\0' || is_sep(path[n]) ? n : 0;
}

const char *trace_path_base(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (is_sep(*p))
            base = p + 1;
    return base;
}

/* The folder a path argument names: itself when it ends in a separator, else its parent. */
static char *folder_of(const char *path)
{
    size_t n = strlen(path);
    if (n && is_sep(path[n - 1])) {
        while (n > 1 && is_sep(path[n - 1]))
            n--;
    } else {
        while (n > 0 && !is_sep(path[n - 1]))
            n--;
        while (n > 1 && is_sep(path[n - 1]))
            n--;
    }
    return n >= 2 ? esh_xstrndup(path, n) : NULL;
}

/* A root's name from its folder's last component: [A-Za-z_][A-Za-z0-9_]*, unique in SC. */
static char *root_name(name_table *names, const char *folder)
{
    char name[64];
    size_t n = 0;
    const char *base = trace_path_base(folder);
    if (!*base)
        base = folder;
    for (const char *p = base; *p && n < sizeof name - 1; p++) {
        char ch = *p;
        int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        if (ch == ':')
            continue;
        if (n == 0 && ch >= '0' && ch <= '9')
            name[n++] = '_';
        name[n++] = ok ? ch : '_';
    }
    if (n == 0)
        name[n++] = 'r';
    name[n] = '\0';
    if (!name_taken(names, name) && strcmp(name, TRACE_ROOT_CWD) != 0) {
        name_entry_of(names, name);
        return esh_xstrdup(name);
    }
    unsigned next = 1;
    return fresh_name(names, name, &next);
}

/* ---- what a function does, from the API table --------------------------------------------- */

static const api_function *target_of(const scn_step *step)
{
    return &api_functions[step->fn->target];
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An output buffer that receives a list of paths (szzDatabases, wszzLogs ...). */
static int is_path_list(const api_param *p)
{
    return p->kind == API_KIND_BUF && p->dir == API_DIR_OUT &&
           (starts_with(p->name, "szz") || starts_with(p->name, "wszz"));
}

/* A function that opens a backup file: takes a name and returns a JET_HANDLE. */
static int opens_backup_file(const scn_step *step)
{
    const api_param *params = api_params_of(step->fn);
    int name = 0, handle = 0;
    for (size_t i = 0; i < step->fn->nparams; i++) {
        name |= params[i].kind == API_KIND_STR_A || params[i].kind == API_KIND_STR_W;
        handle |= params[i].kind == API_KIND_HANDLE && params[i].dir == API_DIR_OUT;
    }
    return name && handle;
}

static int recorded_success(const scn_step *step)
{
    return step->expect.nalts == 1 && !step->expect.alts[0].any && step->expect.alts[0].code >= 0;
}

/* The string argument that names the file of a database call (szFilename). */
static const scn_arg *file_name_arg(const scn_step *step)
{
    int i = api_first_string_param(step->fn); /* as the shim finds the file it captures */
    const scn_arg *arg = i >= 0 && (size_t)i < step->nargs ? &step->args[i] : NULL;
    return arg && (arg->kind == SCN_ARG_STRING || arg->kind == SCN_ARG_ROOTED) && arg->text ? arg : NULL;
}

/* Two path arguments naming one file ("C:\\d\\x.edb", or d:"\\x.edb" against one root). */
static int same_file(const scn_arg *a, const scn_arg *b)
{
    if (a->kind != b->kind || (a->ref == NULL) != (b->ref == NULL) || (a->ref && strcmp(a->ref, b->ref) != 0))
        return 0;
    return trace_path_same(a->text, b->text);
}

static int same_thread(const scn_step *a, const scn_step *b)
{
    return (!a->thread && !b->thread) || (a->thread && b->thread && strcmp(a->thread, b->thread) == 0);
}

/* ---- the parts of the pass -------------------------------------------------------------------- */

/* Recorded thread ids become scenario threads (only when no step names a thread yet). */
static size_t travel_threads(scn_scenario *sc, trace_notes *notes)
{
    unsigned long long *tids = NULL;
    size_t ntids = 0, rewrites = 0;
    for (size_t i = 0; i < sc->nsteps; i++)
        if (sc->steps[i].thread)
            return 0;
    for (size_t i = 0; i < sc->nsteps; i++) {
        scn_step *step = &sc->steps[i];
        record_info r = record_of(step);
        size_t k = 0;
        if (step->kind != SCN_STEP_CALL || !r.has_tid)
            continue;
        while (k < ntids && tids[k] != r.tid)
            k++;
        if (k == ntids) {
            ESH_APPEND(tids, ntids);
            tids[ntids++] = r.tid;
            if (k == 1)
                note(notes, &sc->loc, "recorded thread %llu (the first to call) runs as the main thread", tids[0]);
            if (k > 0)
                note(notes, &step->loc, "recorded thread %llu runs as thread t%lu", r.tid, (unsigned long)k + 1);
        }
        if (k > 0) {
            char name[24];
            snprintf(name, sizeof name, "t%lu", (unsigned long)k + 1);
            step->thread = esh_xstrdup(name);
            rewrites++;
        }
    }
    free(tids);
    return rewrites;
}

/* Each call waits for, on every other thread, the last earlier call (in completion order)
 * that had started no later than it: today's records give each call's start time and the
 * order of completion, so a call that started before this one and completed before it is
 * taken to have completed before this one started. */
typedef struct thread_calls {
    const char *name; /* NULL: the main thread */
    size_t *steps;    /* its calls so far, in order */
    size_t count;
} thread_calls;

static int thread_is(const thread_calls *t, const scn_step *step)
{
    return (t->name == NULL && step->thread == NULL) || (t->name && step->thread && strcmp(t->name, step->thread) == 0);
}

static void travel_order(scn_scenario *sc, trace_notes *notes)
{
    thread_calls *threads = NULL;
    size_t nthreads = 0, ordered = 0;
    for (size_t i = 0; i < sc->nsteps; i++) {
        const scn_step *step = &sc->steps[i];
        size_t k = 0;
        if (step->kind != SCN_STEP_CALL)
            continue;
        while (k < nthreads && !thread_is(&threads[k], step))
            k++;
        if (k == nthreads) {
            ESH_APPEND(threads, nthreads);
            memset(&threads[nthreads], 0, sizeof threads[nthreads]);
            threads[nthreads++].name = step->thread;
        }
    }
    for (size_t b = 0; nthreads > 1 && b < sc->nsteps; b++) {
        scn_step *step = &sc->steps[b];
        record_info rb = record_of(step);
        size_t mine = 0;
        if (step->kind != SCN_STEP_CALL)
            continue;
        free(step->after);
        step->after = NULL;
        step->nafter = 0;
        for (size_t k = 0; k < nthreads; k++) {
            thread_calls *t = &threads[k];
            if (thread_is(t, step)) {
                mine = k;
                continue;
            }
            for (size_t j = t->count; j-- > 0;) { /* the latest call of that thread that started no later */
                record_info ra = record_of(&sc->steps[t->steps[j]]);
                if (!ra.has_time || !rb.has_time || ra.time <= rb.time) {
                    ESH_APPEND(step->after, step->nafter);
                    step->after[step->nafter++] = t->steps[j];
                    break;
                }
            }
        }
        ESH_APPEND(threads[mine].steps, threads[mine].count);
        threads[mine].steps[threads[mine].count++] = b;
        ordered += step->nafter > 0;
    }
    if (nthreads > 1)
        note(notes, &sc->loc,
             "%lu threads: %lu calls start only after the calls of other threads that completed before they "
             "started on the recording host (the records' start times and completion order)",
             (unsigned long)nthreads, (unsigned long)ordered);
    for (size_t k = 0; k < nthreads; k++)
        free(threads[k].steps);
    free(threads);
}

/* Size query, then exact fit: the buffer takes the size the earlier call reports here. */
static size_t travel_sizes(scn_scenario *sc, name_table *names, trace_notes *notes)
{
    size_t rewrites = 0;
    unsigned next_name = 1;
    for (size_t b = 0; b < sc->nsteps; b++) {
        scn_step *step = &sc->steps[b];
        const api_param *params;
        if (step->kind != SCN_STEP_CALL)
            continue;
        params = api_params_of(step->fn);
        for (size_t i = 0; i < step->nargs && i < step->fn->nparams; i++) {
            const api_param *p = &params[i];
            scn_arg *buf = &step->args[i], *size;
            const scn_step *query = NULL;
            const scn_arg *reported, *query_buf;
            size_t query_index = 0, captures;
            int read;
            if (p->kind != API_KIND_BUF || buf->kind != SCN_ARG_BUF || buf->ref || buf->size == 0 ||
                p->size_index < 0 || p->actual_index < 0 || (size_t)p->size_index >= step->nargs)
                continue;
            size = &step->args[p->size_index];
            if (size->kind != SCN_ARG_INT || size->value != (int64_t)buf->size)
                continue;
            for (size_t a = b; a-- > 0;) { /* the same function's previous call on this thread */
                const scn_step *other = &sc->steps[a];
                if (other->kind == SCN_STEP_CALL && same_thread(other, step) && target_of(other) == target_of(step)) {
                    query = other;
                    query_index = a;
                    break;
                }
            }
            if (!query)
                continue;
            reported = &query->args[p->actual_index];
            query_buf = &query->args[i];
            if (reported->kind != SCN_ARG_OUT || !reported->has_value || reported->value != (int64_t)buf->size)
                continue;
            if (!(query_buf->kind == SCN_ARG_NULL ||
                  (query_buf->kind == SCN_ARG_BUF && !query_buf->ref && query_buf->size < buf->size)))
                continue; /* not a size query: the buffer was already that big */
            name_entry *uses = name_entry_of(names, reported->text);
            captures = uses->captures;
            read = uses->read;
            if (captures > 1) {
                if (read)
                    continue; /* a $name of that capture already means the latest one */
                uses->captures--;
                char *unique = fresh_name(names, reported->text, &next_name);
                free(sc->steps[query_index].args[p->actual_index].text);
                sc->steps[query_index].args[p->actual_index].text = unique;
            }
            name_entry_of(names, reported->text)->read = 1;
            buf->ref = esh_xstrdup(reported->text);
            size->kind = SCN_ARG_REF;
            size->text = esh_xstrdup(reported->text);
            size->value = 0;
            note(notes, &step->loc,
                 "%s: buf($%s) with %s $%s: the size %s (line %d) reports on this host (%lu when recorded)",
                 step->fn->name, reported->text, params[p->size_index].name, reported->text, query->fn->name,
                 query->loc.line, (unsigned long)buf->size);
            rewrites++;
        }
    }
    return rewrites;
}

/* Returned path lists are kept, and the names taken from them refer to this host's list. */
static size_t travel_lists(scn_scenario *sc, name_table *names, trace_notes *notes)
{
    const char *list = NULL;
    int list_line = 0;
    unsigned next_list = 1;
    size_t rewrites = 0;
    for (size_t s = 0; s < sc->nsteps; s++) {
        scn_step *step = &sc->steps[s];
        const api_param *params;
        if (step->kind != SCN_STEP_CALL)
            continue;
        params = api_params_of(step->fn);
        if (list && opens_backup_file(step)) {
            for (size_t i = 0; i < step->nargs; i++) {
                scn_arg *arg = &step->args[i];
                /* ESENT lists full paths: a relative name is the application's own. */
                if (arg->kind != SCN_ARG_STRING || !trace_path_is_absolute(arg->text))
                    continue;
                char *base = esh_xstrdup(trace_path_base(arg->text));
                note(notes, &step->loc, "%s: \"%s\" replays as $%s[\"%s\"], the entry of that base name in "
                     "the list line %d returns on this host", step->fn->name, arg->text, list, base, list_line);
                free(arg->text);
                arg->kind = SCN_ARG_ENTRY;
                arg->text = base;
                arg->ref = esh_xstrdup(list);
                rewrites++;
            }
        }
        for (size_t i = 0; i < step->nargs && i < step->fn->nparams; i++) {
            scn_arg *arg = &step->args[i];
            if (!is_path_list(&params[i]) || arg->kind != SCN_ARG_BUF)
                continue;
            if (!arg->capture) {
                if (!recorded_success(step))
                    continue;
                arg->capture = fresh_name(names, "list", &next_list);
                note(notes, &step->loc, "%s: the list it returns is kept as &%s", step->fn->name, arg->capture);
                rewrites++;
            }
            list = arg->capture;
            list_line = step->loc.line;
        }
    }
    return rewrites;
}

/* Whether the relative path REL, taken in FOLDER, is FULL ("x.edb" or ".\x.edb" in C:\app
 * against C:\app\x.edb). */
static int relative_is(const char *folder, const char *rel, const char *full)
{
    size_t n = under(full, folder);
    if (n == 0 || !is_sep(full[n]))
        return 0;
    while (rel[0] == '.' && is_sep(rel[1]))
        rel += 2;
    return trace_path_same(full + n + 1, rel);
}

/* The captured file at FILE's path, NULL if none: the same path, or a relative one in the
 * recording's current folder. */
static const scn_state *state_at(const scn_scenario *sc, const scn_arg *file)
{
    const scn_root *cwd = scn_scenario_root(sc, TRACE_ROOT_CWD);
    for (size_t i = 0; i < sc->nstates; i++) {
        const scn_arg *path = &sc->states[i].path;
        if (same_file(path, file))
            return &sc->states[i];
        if (cwd && file->kind == SCN_ARG_STRING && !trace_path_is_absolute(file->text) &&
            path->kind == SCN_ARG_STRING && relative_is(cwd->path, file->text, path->text))
            return &sc->states[i];
    }
    return NULL;
}

static void skip_for_state(scn_scenario *sc, trace_notes *notes, const scn_location *loc, const char *reason)
{
    sc->skip_reason = esh_xstrdup(reason);
    note(notes, loc, "%s", reason);
}

/* State the replay cannot lay down makes the scenario a counted skip: a file whose bytes
 * the recording holds no copy of, or a database attached that the trace neither created
 * nor holds. The rest is laid down before the first call. */
static void travel_state(scn_scenario *sc, trace_notes *notes)
{
    char reason[1400];
    uint64_t bytes = 0;
    for (size_t i = 0; i < sc->nstates && !sc->skip_reason; i++) {
        const scn_state *st = &sc->states[i];
        char path[1100];
        scn_format_arg(path, sizeof path, &st->path);
        if (st->missing)
            snprintf(reason, sizeof reason, "state not captured: %s (line %d): %s", path, st->loc.line, st->missing);
        else if (!st->in_trace && !st->from)
            snprintf(reason, sizeof reason,
                     "state not captured: %s (line %d): its bytes are in the binary trace this text was printed "
                     "from (replay that file, or print it with `esent-harness trace --state DIR`, which writes "
                     "each file into DIR and its line `from` that copy)", path, st->loc.line);
        else {
            bytes += st->size;
            continue;
        }
        skip_for_state(sc, notes, &st->loc, reason);
    }
    if (sc->nstates > 0 && !sc->skip_reason)
        note(notes, &sc->loc, "%lu file(s) of %llu bytes the recording found are laid down before the first call",
             (unsigned long)sc->nstates, (unsigned long long)bytes);
    for (size_t s = 0; s < sc->nsteps && !sc->skip_reason; s++) {
        const scn_step *step = &sc->steps[s];
        const scn_arg *file;
        int created = 0;
        if (step->kind != SCN_STEP_CALL || api_state_role_of(step->fn) != API_STATE_ATTACH ||
            (file = file_name_arg(step)) == NULL)
            continue;
        for (size_t c = 0; c < s && !created; c++) {
            const scn_step *before = &sc->steps[c];
            const scn_arg *made;
            if (before->kind == SCN_STEP_CALL && api_state_role_of(before->fn) == API_STATE_CREATE &&
                recorded_success(before) && (made = file_name_arg(before)) != NULL)
                created = same_file(made, file);
        }
        if (created || state_at(sc, file))
            continue;
        if (sc->nstates > 0 && file->kind == SCN_ARG_STRING && !trace_path_is_absolute(file->text) &&
            !scn_scenario_root(sc, TRACE_ROOT_CWD))
            snprintf(reason, sizeof reason,
                     "state not captured: %s (line %d) attaches the relative path \"%s\", which this trace did not "
                     "create; the files the recording found are named by full path and its current folder is not "
                     "in the trace (no `root cwd`), so the replay cannot tell which one it is",
                     step->fn->name, step->loc.line, file->text);
        else
            snprintf(reason, sizeof reason,
                     "state not captured: %s (line %d) attaches %s%s\"%s\", which this trace did not create, and "
                     "the recording holds no copy of it",
                     step->fn->name, step->loc.line, file->ref ? file->ref : "", file->ref ? ":" : "", file->text);
        skip_for_state(sc, notes, &step->loc, reason);
    }
}

/* Every argument a root may hold: the steps' arguments and the state lines' paths. */
static scn_arg **path_args(scn_scenario *sc, size_t *count)
{
    size_t n = sc->nstates;
    for (size_t s = 0; s < sc->nsteps; s++)
        n += sc->steps[s].nargs;
    scn_arg **args = esh_xcalloc(n ? n : 1, sizeof *args);
    n = 0;
    for (size_t i = 0; i < sc->nstates; i++)
        args[n++] = &sc->states[i].path;
    for (size_t s = 0; s < sc->nsteps; s++)
        for (size_t a = 0; a < sc->steps[s].nargs; a++)
            args[n++] = &sc->steps[s].args[a];
    *count = n;
    return args;
}

/* The roots: given by `root` lines, or the outermost folders of the absolute paths. */
static size_t travel_roots(scn_scenario *sc, name_table *names, trace_notes *notes)
{
    size_t rewrites = 0, nargs;
    scn_arg **args = path_args(sc, &nargs);
    size_t given = sc->nroots;
    const scn_root *cwd = scn_scenario_root(sc, TRACE_ROOT_CWD);
    char *cwd_path = cwd ? esh_xstrdup(cwd->path) : NULL; /* sc->roots may move as roots are added */
    {
        char **folders = NULL;
        size_t nfolders = 0;
        for (size_t i = 0; i < nargs; i++) {
            const scn_arg *arg = args[i];
            char *folder;
            size_t k = 0, r = 0;
            if (arg->kind != SCN_ARG_STRING || !trace_path_is_absolute(arg->text))
                continue;
            /* A folder under a root the trace gives is that root's, but for the recording's
             * current folder: folders in it are roots of their own (`--map data=...`), which
             * the replay keeps in their place under it. */
            while (r < given && (strcmp(sc->roots[r].name, TRACE_ROOT_CWD) == 0 || !under(arg->text, sc->roots[r].path)))
                r++;
            if (r < given || (folder = folder_of(arg->text)) == NULL)
                continue;
            if (cwd_path && trace_path_same(folder, cwd_path)) {
                free(folder); /* a file directly in the current folder: cwd:"\\NAME" */
                continue;
            }
            while (k < nfolders && !trace_path_same(folders[k], folder))
                k++;
            if (k < nfolders) {
                free(folder);
                continue;
            }
            ESH_APPEND(folders, nfolders);
            folders[nfolders++] = folder;
        }
        for (size_t k = 0; k < nfolders; k++) {
            int nested = 0;
            for (size_t j = 0; j < nfolders && !nested; j++)
                nested = j != k && strlen(folders[j]) < strlen(folders[k]) && under(folders[k], folders[j]);
            if (!nested) {
                scn_root root;
                memset(&root, 0, sizeof root);
                root.name = root_name(names, folders[k]);
                root.path = esh_xstrdup(folders[k]);
                root.loc = sc->loc;
                ESH_APPEND(sc->roots, sc->nroots);
                sc->roots[sc->nroots++] = root;
                note(notes, &sc->loc, "root %s \"%s\": a folder the recording's paths name", root.name,
                     root.path);
            }
        }
        for (size_t k = 0; k < nfolders; k++)
            free(folders[k]);
        free(folders);
    }
    for (size_t i = 0; i < nargs; i++) {
        scn_arg *arg = args[i];
        const scn_root *best = NULL;
        size_t best_len = 0;
        if (arg->kind != SCN_ARG_STRING || !arg->text)
            continue;
        for (size_t r = 0; r < sc->nroots; r++) {
            size_t n = under(arg->text, sc->roots[r].path);
            if (n > best_len) {
                best = &sc->roots[r];
                best_len = n;
            }
        }
        if (!best)
            continue;
        char *rest = esh_xstrdup(arg->text + best_len);
        free(arg->text);
        arg->kind = SCN_ARG_ROOTED;
        arg->text = rest;
        arg->ref = esh_xstrdup(best->name);
        rewrites++;
    }
    free(args);
    free(cwd_path);
    return rewrites;
}

size_t trace_path_under(const char *path, const char *folder)
{
    return under(path, folder);
}

size_t trace_travel(scn_scenario *sc, trace_notes *notes)
{
    name_table names;
    size_t rewrites = travel_threads(sc, notes);
    travel_order(sc, notes);
    names_build(&names, sc);
    rewrites += travel_sizes(sc, &names, notes);
    rewrites += travel_lists(sc, &names, notes);
    travel_state(sc, notes);
    rewrites += travel_roots(sc, &names, notes);
    names_free(&names);
    return rewrites;
}

size_t trace_travel_suite(scn_suite *suite, trace_notes *notes)
{
    size_t rewrites = 0;
    for (size_t i = 0; i < suite->nscenarios; i++)
        if (suite->scenarios[i].is_trace)
            rewrites += trace_travel(&suite->scenarios[i], notes);
    return rewrites;
}
