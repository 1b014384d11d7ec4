/* The child side of `run`: executes one scenario's steps against the DLL under test and
 * streams one line per event to the parent (the protocol is in run.h). A crash or a hang
 * takes only this process down; the parent knows the step it reached. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "commands.h"
#include "run.h"
#include "step_call.h"
#include "step_order.h"
#include "step_travel.h"
#include "trace_travel.h"
#include "win_text.h"

#ifdef _MSC_VER
#define THREAD_LOCAL __declspec(thread)
#else
#define THREAD_LOCAL _Thread_local
#endif

/* The step this thread is in (1-based), 0 between steps: the crash report names it. */
static THREAD_LOCAL unsigned long current_step;

/* One line, written with one WriteFile call so lines of several threads never interleave
 * and a line is in the pipe before the next call can crash the process. */
static void emit(const char *format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line - 1, format, args);
    va_end(args);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)(sizeof line - 2);
    for (int i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    DWORD written;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, (DWORD)n, &written, NULL);
}

static LONG WINAPI report_crash(EXCEPTION_POINTERS *info)
{
    DWORD code = info && info->ExceptionRecord ? info->ExceptionRecord->ExceptionCode : 0;
    emit("crash\t%lu\t0x%08lx", current_step, (unsigned long)code);
    /* Exit with the exception code now: no debugger, no error box, no DLL detach code. */
    TerminateProcess(GetCurrentProcess(), code ? code : 0xE0000001u);
    return EXCEPTION_EXECUTE_HANDLER;
}

static void isolate_process(void)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(report_crash);
}

/* ---- threads: `t1: step` ------------------------------------------------------------ */

typedef struct child_context child_context;

typedef struct worker {
    char *name;
    HANDLE thread;
    SRWLOCK lock;
    CONDITION_VARIABLE ready;
    size_t *queue; /* step indices, run in order */
    size_t head, count, capacity;
    int closed;
    child_context *ctx;
    struct worker *next;
} worker;

struct child_context {
    void *module;
    const scn_scenario *scenario;
    var_store *vars;
    worker *workers;
    step_order *order; /* a travelled trace's recorded order across threads, NULL if none */
};

static void run_step(child_context *ctx, size_t index)
{
    const scn_step *step = &ctx->scenario->steps[index];
    unsigned long number = (unsigned long)index + 1;
    step_order_wait(ctx->order, index);
    current_step = number;
    emit("begin\t%lu", number);
    if (step->kind == SCN_STEP_SLEEP) {
        Sleep(step->sleep_ms);
        emit("ok\t%lu", number);
    } else if (step->kind == SCN_STEP_CALL) {
        char err[512];
        jet_err actual = 0;
        int rc = step_call(ctx->module, step, ctx->vars, &actual, err, sizeof err);
        if (rc == 0)
            emit("step\t%lu\t%ld", number, (long)actual);
        else
            emit("%s\t%lu\t%s", rc == STEP_CALL_NOT_EXPORTED ? "absent" : "nocall", number, err);
    }
    current_step = 0;
    step_order_done(ctx->order, index);
}

static DWORD WINAPI worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        AcquireSRWLockExclusive(&w->lock);
        while (w->head == w->count && !w->closed)
            SleepConditionVariableSRW(&w->ready, &w->lock, INFINITE, 0);
        if (w->head == w->count) {
            ReleaseSRWLockExclusive(&w->lock);
            return 0;
        }
        size_t index = w->queue[w->head++];
        ReleaseSRWLockExclusive(&w->lock);
        run_step(w->ctx, index);
    }
}

static worker *find_worker(child_context *ctx, const char *name)
{
    for (worker *w = ctx->workers; w; w = w->next)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}

static worker *start_worker(child_context *ctx, const char *name)
{
    worker *w = calloc(1, sizeof *w);
    if (w)
        w->name = _strdup(name);
    if (!w || !w->name) {
        free(w);
        return NULL;
    }
    InitializeSRWLock(&w->lock);
    InitializeConditionVariable(&w->ready);
    w->ctx = ctx;
    w->thread = CreateThread(NULL, 0, worker_main, w, 0, NULL);
    if (!w->thread) {
        free(w->name);
        free(w);
        return NULL;
    }
    w->next = ctx->workers;
    ctx->workers = w;
    return w;
}

static int enqueue(worker *w, size_t index)
{
    int ok = 1;
    AcquireSRWLockExclusive(&w->lock);
    if (w->count == w->capacity) {
        size_t capacity = w->capacity ? w->capacity * 2 : 8;
        size_t *grown = realloc(w->queue, capacity * sizeof *grown);
        if (grown) {
            w->queue = grown;
            w->capacity = capacity;
        } else
            ok = 0;
    }
    if (ok)
        w->queue[w->count++] = index;
    ReleaseSRWLockExclusive(&w->lock);
    WakeConditionVariable(&w->ready);
    return ok;
}

/* Lets W finish its queue, waits for it and forgets it (a later `W:` step starts it anew). */
static void join_worker(child_context *ctx, worker *w)
{
    AcquireSRWLockExclusive(&w->lock);
    w->closed = 1;
    ReleaseSRWLockExclusive(&w->lock);
    WakeConditionVariable(&w->ready);
    WaitForSingleObject(w->thread, INFINITE);
    CloseHandle(w->thread);
    for (worker **link = &ctx->workers; *link; link = &(*link)->next)
        if (*link == w) {
            *link = w->next;
            break;
        }
    free(w->queue);
    free(w->name);
    free(w);
}

static void run_scenario(child_context *ctx)
{
    const scn_scenario *sc = ctx->scenario;
    for (size_t i = 0; i < sc->nsteps; i++) {
        const scn_step *step = &sc->steps[i];
        unsigned long number = (unsigned long)i + 1;
        if (step->kind == SCN_STEP_WAIT) {
            current_step = number;
            emit("begin\t%lu", number);
            worker *w = step->thread ? find_worker(ctx, step->thread) : NULL;
            if (w) {
                join_worker(ctx, w);
                emit("ok\t%lu", number);
            } else
                emit("nocall\t%lu\twait %s: no thread of that name is running", number,
                     step->thread ? step->thread : "?");
            current_step = 0;
        } else if (step->thread) {
            worker *w = find_worker(ctx, step->thread);
            if (!w)
                w = start_worker(ctx, step->thread);
            if (!w || !enqueue(w, i))
                emit("nocall\t%lu\tcannot start thread %s", number, step->thread);
        } else
            run_step(ctx, i);
    }
    while (ctx->workers)
        join_worker(ctx, ctx->workers);
}

/* ---- loading the DLL under test ---------------------------------------------------- */

static wchar_t *exe_sibling(const wchar_t *file)
{
    wchar_t path[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
    if (n == 0 || n >= MAX_PATH)
        return NULL;
    wchar_t *slash = wcsrchr(path, L'\\');
    if (slash)
        slash[1] = L'\0';
    size_t need = wcslen(path) + wcslen(file) + 1;
    wchar_t *out = malloc(need * sizeof *out);
    if (out)
        _snwprintf(out, need, L"%s%s", path, file);
    return out;
}

/* Loads TARGET (or esentshim.dll pointed at it); NULL with ERR on failure. */
static void *load_target(const char *target, int shim, const char *trace, char *err, size_t errsize)
{
    wchar_t *wide = utf8_to_wide(target);
    HMODULE module = NULL;
    if (!wide) {
        snprintf(err, errsize, "bad path %s", target);
        return NULL;
    }
    if (shim) {
        wchar_t *wide_trace = trace ? utf8_to_wide(trace) : NULL;
        wchar_t *shim_path = exe_sibling(L"esentshim.dll");
        SetEnvironmentVariableW(L"ESENTSHIM_TARGET", wide);
        if (wide_trace)
            SetEnvironmentVariableW(L"ESENTSHIM_TRACE", wide_trace);
        module = shim_path ? LoadLibraryExW(shim_path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH) : NULL;
        if (!module)
            snprintf(err, errsize, "cannot load esentshim.dll beside esent-harness.exe (error %lu)",
                     (unsigned long)GetLastError());
        free(shim_path);
        free(wide_trace);
    } else {
        module = LoadLibraryExW(wide, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
        if (!module)
            snprintf(err, errsize, "cannot load %s (error %lu)", target, (unsigned long)GetLastError());
    }
    free(wide);
    return module;
}

/* __child FILE SCENARIO --esent PATH [--shim] [--trace PATH] [--map FROM=TO]... */
int cmd_run_child(int argc, char **argv)
{
    isolate_process();
    const char *target = NULL, *trace = NULL;
    char **maps = calloc((size_t)argc + 1, sizeof *maps);
    size_t nmaps = 0;
    int shim = 0;
    if (argc < 2) {
        emit("fatal\tusage: " RUN_CHILD_COMMAND " FILE SCENARIO --esent PATH [--shim] [--trace PATH]");
        return EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--esent") == 0 && i + 1 < argc)
            target = argv[++i];
        else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc)
            trace = argv[++i];
        else if (strcmp(argv[i], "--shim") == 0)
            shim = 1;
        else if (strcmp(argv[i], "--map") == 0 && i + 1 < argc && maps)
            maps[nmaps++] = argv[++i];
        else {
            emit("fatal\tunknown child option %s", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!target) {
        emit("fatal\tno --esent PATH");
        return EXIT_USAGE;
    }
    scn_suite suite;
    scn_error perr;
    memset(&suite, 0, sizeof suite);
    if (scn_parse_path(&suite, argv[0], &perr) != 0) {
        char text[700];
        scn_error_format(&perr, text, sizeof text);
        emit("fatal\t%s", text);
        scn_suite_free(&suite);
        return EXIT_USAGE;
    }
    trace_travel_suite(&suite, NULL); /* as the parent did: the same steps */
    const scn_scenario *scenario = NULL;
    for (size_t i = 0; i < suite.nscenarios && !scenario; i++)
        if (strcmp(suite.scenarios[i].name, argv[1]) == 0)
            scenario = &suite.scenarios[i];
    if (!scenario) {
        emit("fatal\tno scenario %s in %s", argv[1], argv[0]);
        scn_suite_free(&suite);
        return EXIT_USAGE;
    }
    char err[600];
    child_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.scenario = scenario;
    ctx.module = load_target(target, shim, trace, err, sizeof err);
    ctx.vars = var_store_new();
    if (!ctx.module || !ctx.vars) {
        emit("fatal\t%s", ctx.module ? "out of memory" : err);
        scn_suite_free(&suite);
        return EXIT_FAIL;
    }
    if (travel_prepare(scenario, maps, nmaps, ctx.vars, err, sizeof err) != 0) {
        emit("fatal\t%s", err);
        var_store_free(ctx.vars);
        scn_suite_free(&suite);
        free(maps);
        return EXIT_FAIL;
    }
    ctx.order = step_order_new(scenario);
    run_scenario(&ctx);
    emit("done");
    step_order_free(ctx.order);
    var_store_free(ctx.vars);
    scn_suite_free(&suite);
    free(maps);
    return EXIT_PASS;
}

/* __facts --esent PATH: the DLL's facts, then JetGetVersion's answer (with a session).
 * Run in a child because a stub DLL (Wine's) crashes its caller. */
int cmd_run_facts(int argc, char **argv)
{
    isolate_process();
    if (argc != 2 || strcmp(argv[0], "--esent") != 0) {
        emit("fatal\tusage: " RUN_FACTS_COMMAND " --esent PATH");
        return EXIT_USAGE;
    }
    char err[600];
    void *module = load_target(argv[1], 0, NULL, err, sizeof err);
    if (!module) {
        emit("fatal\t%s", err);
        return EXIT_FAIL;
    }
    dll_facts facts;
    dll_facts_get(module, &facts);
    emit("fact\tpath\t%s", facts.path);
    emit("fact\tversion\t%s", facts.version);
    emit("fact\tproduct\t%s", facts.product);
    emit("fact\tkind\t%s", facts.kind);
    unsigned long version = 0;
    if (probe_jet_version(module, &version) == 0)
        emit("jetversion\t0x%lx", version);
    emit("done");
    return EXIT_PASS;
}
