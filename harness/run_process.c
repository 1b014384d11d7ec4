/* The parent side of `run` for one scenario: a fresh working directory, a child process
 * (this exe, hidden subcommand) with a timeout, its step lines read back and matched
 * against the expectations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "run.h"
#include "text_buffer.h"
#include "win_text.h"

/* ---- child processes ---------------------------------------------------------------- */

/* Appends ARG quoted the way CommandLineToArgvW and the CRT split it back. */
static void append_quoted(esh_text *cmd, const char *arg)
{
    if (cmd->len)
        esh_text_add(cmd, " ", 1);
    if (arg[0] && !strpbrk(arg, " \t\"")) {
        esh_text_add(cmd, arg, strlen(arg));
        return;
    }
    esh_text_add(cmd, "\"", 1);
    for (const char *p = arg;; p++) {
        size_t backslashes = 0;
        while (*p == '\\') {
            backslashes++;
            p++;
        }
        if (*p == '\0') {
            for (size_t i = 0; i < backslashes * 2; i++)
                esh_text_add(cmd, "\\", 1);
            break;
        }
        for (size_t i = 0; i < (*p == '"' ? backslashes * 2 + 1 : backslashes); i++)
            esh_text_add(cmd, "\\", 1);
        esh_text_add(cmd, p, 1);
    }
    esh_text_add(cmd, "\"", 1);
}

typedef struct child_run {
    esh_text output;
    DWORD exit_code;
    int timed_out;
    int started;
    double seconds;
    char error[300];
} child_run;

typedef struct pipe_reader {
    HANDLE pipe;
    esh_text *output;
} pipe_reader;

static DWORD WINAPI read_pipe(void *arg)
{
    pipe_reader *r = arg;
    char chunk[4096];
    DWORD got;
    while (ReadFile(r->pipe, chunk, sizeof chunk, &got, NULL) && got > 0)
        esh_text_add(r->output, chunk, got);
    return 0;
}

/* Only one CreateProcess at a time: the pipe end a child inherits is inheritable only
 * while this lock is held, so no other child inherits it and EOF comes when ours exits. */
static SRWLOCK spawn_lock = SRWLOCK_INIT;

static double now_seconds(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER counter;
    if (!frequency.QuadPart)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (double)counter.QuadPart / (double)frequency.QuadPart;
}

static wchar_t *self_path(void)
{
    wchar_t *path = malloc(MAX_PATH * sizeof *path);
    if (path && (GetModuleFileNameW(NULL, path, MAX_PATH) == 0 || GetLastError() == ERROR_INSUFFICIENT_BUFFER)) {
        free(path);
        return NULL;
    }
    return path;
}

static void run_child(const esh_text *cmdline, const wchar_t *workdir, double timeout, child_run *run)
{
    memset(run, 0, sizeof *run);
    wchar_t *exe = self_path();
    wchar_t *cmd = cmdline->p ? utf8_to_wide(cmdline->p) : NULL;
    HANDLE read_end = NULL, write_end = NULL, nul = INVALID_HANDLE_VALUE;
    PROCESS_INFORMATION pi;
    memset(&pi, 0, sizeof pi);
    if (!exe || !cmd) {
        snprintf(run->error, sizeof run->error, "cannot build the child's command line");
        goto done;
    }
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    double start = now_seconds();
    AcquireSRWLockExclusive(&spawn_lock);
    if (CreatePipe(&read_end, &write_end, NULL, 0) && SetHandleInformation(write_end, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
        nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0, NULL);
        STARTUPINFOW si;
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = nul;
        si.hStdOutput = write_end;
        si.hStdError = write_end;
        /* Wine now and then fails a CreateProcess with ERROR_INTERNAL_ERROR while other
         * children start or exit; a scenario must not fail for that, so retry a few times. */
        for (int attempt = 0; attempt < 5; attempt++) {
            run->started = CreateProcessW(exe, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, workdir, &si, &pi) != 0;
            if (run->started || GetLastError() != ERROR_INTERNAL_ERROR)
                break;
            Sleep(20u << attempt);
        }
        if (!run->started)
            snprintf(run->error, sizeof run->error, "cannot start a child process (error %lu)",
                     (unsigned long)GetLastError());
    } else
        snprintf(run->error, sizeof run->error, "cannot create a pipe (error %lu)", (unsigned long)GetLastError());
    if (write_end)
        CloseHandle(write_end);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    ReleaseSRWLockExclusive(&spawn_lock);
    if (!run->started)
        goto done;

    pipe_reader reader = {read_end, &run->output};
    HANDLE reader_thread = CreateThread(NULL, 0, read_pipe, &reader, 0, NULL);
    DWORD wait_ms = timeout > 0 ? (DWORD)(timeout * 1000.0) : INFINITE;
    if (WaitForSingleObject(pi.hProcess, wait_ms) == WAIT_TIMEOUT) {
        run->timed_out = 1;
        TerminateProcess(pi.hProcess, 0xC000013Au);
        WaitForSingleObject(pi.hProcess, 5000);
    }
    run->seconds = now_seconds() - start;
    GetExitCodeProcess(pi.hProcess, &run->exit_code);
    if (reader_thread) {
        if (WaitForSingleObject(reader_thread, 5000) == WAIT_TIMEOUT) {
            CancelSynchronousIo(reader_thread);
            WaitForSingleObject(reader_thread, 1000);
        }
        CloseHandle(reader_thread);
    } else
        read_pipe(&reader);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
done:
    if (read_end)
        CloseHandle(read_end);
    free(exe);
    free(cmd);
}

/* The next complete line at *CURSOR, cut in place; NULL at the end. */
static char *next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (!nl)
        return NULL; /* a line cut by a crash is not a line */
    *nl = '\0';
    if (nl > line && nl[-1] == '\r')
        nl[-1] = '\0';
    *cursor = nl + 1;
    return line;
}

/* ---- working directories --------------------------------------------------------------- */

static void remove_tree(const wchar_t *dir)
{
    size_t len = wcslen(dir);
    wchar_t *pattern = malloc((len + 3) * sizeof *pattern);
    if (!pattern)
        return;
    _snwprintf(pattern, len + 3, L"%s\\*", dir);
    WIN32_FIND_DATAW found;
    HANDLE find = FindFirstFileW(pattern, &found);
    if (find != INVALID_HANDLE_VALUE) {
        do {
            if (wcscmp(found.cFileName, L".") == 0 || wcscmp(found.cFileName, L"..") == 0)
                continue;
            size_t need = len + wcslen(found.cFileName) + 2;
            wchar_t *child = malloc(need * sizeof *child);
            if (!child)
                continue;
            _snwprintf(child, need, L"%s\\%s", dir, found.cFileName);
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(child);
            else {
                SetFileAttributesW(child, FILE_ATTRIBUTE_NORMAL);
                DeleteFileW(child);
            }
            free(child);
        } while (FindNextFileW(find, &found));
        FindClose(find);
    }
    free(pattern);
    RemoveDirectoryW(dir);
}

/* ROOT\esh-<pid>-<sequence>-<scenario>, created empty; NULL on failure. */
static wchar_t *make_workdir(const run_options *options, const scn_scenario *scenario, int sequence)
{
    wchar_t root[MAX_PATH];
    if (options->workdir_root) {
        wchar_t *wide = utf8_to_wide(options->workdir_root);
        DWORD n = wide ? GetFullPathNameW(wide, MAX_PATH, root, NULL) : 0;
        free(wide);
        if (n == 0 || n >= MAX_PATH)
            return NULL;
        CreateDirectoryW(root, NULL);
    } else if (GetTempPathW(MAX_PATH, root) == 0)
        return NULL;
    size_t len = wcslen(root);
    if (len && root[len - 1] == L'\\')
        root[len - 1] = L'\0';
    wchar_t *name = utf8_to_wide(scenario->name);
    size_t need = wcslen(root) + (name ? wcslen(name) : 0) + 48;
    wchar_t *dir = malloc(need * sizeof *dir);
    if (dir && name) {
        _snwprintf(dir, need, L"%s\\esh-%lu-%d-%s", root, (unsigned long)GetCurrentProcessId(), sequence, name);
        dir[need - 1] = L'\0';
        remove_tree(dir); /* a stale one from an earlier run with the same pid */
        if (!CreateDirectoryW(dir, NULL)) {
            free(dir);
            dir = NULL;
        }
    } else {
        free(dir);
        dir = NULL;
    }
    free(name);
    return dir;
}

static char *absolute_utf8(const char *path)
{
    wchar_t *wide = utf8_to_wide(path);
    wchar_t full[MAX_PATH];
    DWORD n = wide ? GetFullPathNameW(wide, MAX_PATH, full, NULL) : 0;
    free(wide);
    return n == 0 || n >= MAX_PATH ? NULL : wide_to_utf8(full);
}

/* ---- matching a child's report against the scenario ------------------------------------ */

static const char *step_function(const scn_step *step)
{
    if (step->kind == SCN_STEP_WAIT)
        return "wait";
    if (step->kind == SCN_STEP_SLEEP)
        return "sleep";
    return step->fn ? step->fn->name : "?";
}

static void add_failure(scenario_outcome *out, esh_text *failures, const scn_location *loc, const char *format, ...)
{
    char message[900];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    esh_text_addf(failures, "%s:%d: %s\n", loc->file, loc->line, message);
    out->status = SCN_RESULT_FAIL;
}

/* The step a dead or stuck child was in: the first one begun and not finished. */
static size_t step_reached(const scenario_outcome *out, size_t nsteps, const int *finished)
{
    for (size_t i = 0; i < nsteps; i++)
        if (out->steps[i].began && !finished[i])
            return i + 1;
    for (size_t i = nsteps; i > 0; i--)
        if (finished[i - 1])
            return i < nsteps ? i + 1 : i;
    return nsteps ? 1 : 0;
}

/* Whether FN is missing because the DLL is a Windows ESENT older than the JET_VERSION that
 * brought FN (the API table's jet_version_min, e.g. 0x0602 for JetStopServiceInstance2:
 * Windows 8); says so in WHY. Other DLLs, and functions of unknown age, fail instead. */
static int absent_by_version(const run_target *target, const api_function *fn, char *why, size_t size)
{
    unsigned major = 0, minor = 0;
    int windows = strcmp(target->dll.kind, "system") == 0 ||
                  (strstr(target->dll.product, "Microsoft") && strstr(target->dll.product, "Windows"));
    if (!fn || !windows || api_functions[fn->target].jet_version == 0 ||
        sscanf(target->dll.version, "%u.%u", &major, &minor) != 2)
        return 0;
    unsigned introduced = api_functions[fn->target].jet_version, have = (major << 8) | minor;
    if (have >= introduced)
        return 0;
    snprintf(why, size, "not in this version: %s came with JET_VERSION 0x%04x, this ESENT is %s", fn->name,
             introduced, target->dll.version);
    return 1;
}

static void interpret(const run_target *target, const scn_scenario *sc, const child_run *run, scenario_outcome *out)
{
    esh_text failures = {0};
    int failed_before = 0, done = 0;
    unsigned long crash_step = 0, crash_code = 0;
    int have_crash = 0;
    char fatal[600] = "", not_in_version[300] = "";
    int *finished = calloc(sc->nsteps ? sc->nsteps : 1, sizeof *finished);
    char *copy = run->output.p ? _strdup(run->output.p) : NULL;
    char *cursor = copy;
    for (char *line; finished && (line = next_line(&cursor)) != NULL;) {
        char *fields[3] = {line, NULL, NULL};
        for (int f = 1; f < 3; f++) {
            char *tab = fields[f - 1] ? strchr(fields[f - 1], '\t') : NULL;
            if (tab) {
                *tab = '\0';
                fields[f] = tab + 1;
            }
        }
        unsigned long index = fields[1] ? strtoul(fields[1], NULL, 10) : 0;
        int valid = index >= 1 && index <= sc->nsteps;
        step_outcome *so = valid ? &out->steps[index - 1] : NULL;
        const scn_step *step = valid ? &sc->steps[index - 1] : NULL;
        if (strcmp(line, "begin") == 0 && so)
            so->began = 1;
        else if (strcmp(line, "ok") == 0 && so) {
            finished[index - 1] = 1;
            so->status = failed_before ? "after-failure" : "pass";
        } else if (strcmp(line, "step") == 0 && so && fields[2]) {
            const scn_alternative *matched = NULL;
            finished[index - 1] = 1;
            so->called = 1;
            so->actual = (jet_err)strtol(fields[2], NULL, 10);
            int ok = scn_expect_matches(&step->expect, target->release, target->build, so->actual, &matched);
            so->branch = matched ? matched->label : NULL;
            if (failed_before)
                so->status = "after-failure";
            else if (ok)
                so->status = "pass";
            else {
                char expected[600], got[128];
                so->status = "fail";
                failed_before = 1;
                scn_format_expect(expected, sizeof expected, &step->expect);
                add_failure(out, &failures, &step->loc, "%s: expected %s, got %s", step_function(step), expected,
                            jet_code_describe(so->actual, got, sizeof got));
            }
        } else if (strcmp(line, "absent") == 0 && so && !failed_before && !not_in_version[0] &&
                   absent_by_version(target, step->fn, not_in_version, sizeof not_in_version)) {
            finished[index - 1] = 1;
            so->message = _strdup(not_in_version);
            failed_before = 1; /* the steps after it are not judged */
        } else if ((strcmp(line, "nocall") == 0 || strcmp(line, "absent") == 0) && so) {
            finished[index - 1] = 1;
            so->message = _strdup(fields[2] ? fields[2] : "not called");
            so->status = failed_before ? "after-failure" : "fail";
            if (!failed_before)
                add_failure(out, &failures, &step->loc, "%s: %s", step_function(step), so->message);
            failed_before = 1;
        } else if (strcmp(line, "crash") == 0 && fields[2]) {
            have_crash = 1;
            crash_step = index;
            crash_code = strtoul(fields[2], NULL, 16);
        } else if (strcmp(line, "fatal") == 0 && fields[1])
            snprintf(fatal, sizeof fatal, "%s", fields[1]);
        else if (strcmp(line, "done") == 0)
            done = 1;
    }

    int crashed = !run->timed_out && !fatal[0] && (!done || run->exit_code != 0);
    size_t reached = have_crash && crash_step ? crash_step : step_reached(out, sc->nsteps, finished);
    const scn_location *where = reached >= 1 && reached <= sc->nsteps ? &sc->steps[reached - 1].loc : &sc->loc;
    const char *reached_fn = reached >= 1 && reached <= sc->nsteps ? step_function(&sc->steps[reached - 1]) : "start";
    /* expect: crash|hang names its step (docs/scenario-language.md): dying anywhere else fails. */
    size_t want = sc->outcome_step;
    const char *want_fn = want >= 1 && want <= sc->nsteps ? step_function(&sc->steps[want - 1]) : "start";
    int expected_death = (sc->outcome == SCN_OUTCOME_CRASH && crashed && !done) ||
                         (sc->outcome == SCN_OUTCOME_HANG && run->timed_out);
    if (!run->started)
        add_failure(out, &failures, &sc->loc, "%s", run->error);
    else if (fatal[0]) {
        snprintf(out->detail, sizeof out->detail, "%s", fatal);
        add_failure(out, &failures, &sc->loc, "the child could not run the scenario: %s", fatal);
    } else if (run->timed_out) {
        snprintf(out->detail, sizeof out->detail, "hang at step %lu", (unsigned long)reached);
        if (sc->outcome != SCN_OUTCOME_HANG)
            add_failure(out, &failures, where, "hang at step %lu (%s): no answer within %.1fs", (unsigned long)reached,
                        reached_fn, run->seconds);
    } else if (crashed) {
        unsigned long code = have_crash ? crash_code : (unsigned long)run->exit_code;
        if (done)
            snprintf(out->detail, sizeof out->detail, "crashed after the last step (exit 0x%08lx)", code);
        else
            snprintf(out->detail, sizeof out->detail, "crashed at step %lu (exit 0x%08lx)", (unsigned long)reached,
                     code);
        if (sc->outcome != SCN_OUTCOME_CRASH)
            add_failure(out, &failures, where, "%s", out->detail);
    }
    if (run->started && !fatal[0]) {
        const char *what = sc->outcome == SCN_OUTCOME_CRASH ? "crash" : "hang";
        if (sc->outcome == SCN_OUTCOME_CRASH && !crashed)
            add_failure(out, &failures, &sc->loc, "expected the process to crash at step %lu (%s); it %s",
                        (unsigned long)want, want_fn, run->timed_out ? "hung" : "completed");
        else if (sc->outcome == SCN_OUTCOME_CRASH && done)
            add_failure(out, &failures, &sc->loc, "expected the process to crash at step %lu (%s); it %s", (unsigned long)want,
                        want_fn, out->detail);
        if (sc->outcome == SCN_OUTCOME_HANG && !run->timed_out)
            add_failure(out, &failures, &sc->loc, "expected the process to hang at step %lu (%s); it %s",
                        (unsigned long)want, want_fn, crashed ? "crashed" : "completed");
        if (expected_death && reached != want)
            add_failure(out, &failures, where, "%s at step %lu (%s), but the scenario expects it at step %lu (%s)", what,
                        (unsigned long)reached, reached_fn, (unsigned long)want, want_fn);
        else if (expected_death)
            /* Every step before the one that dies must have run and answered as expected
             * (a wrong answer is already a failure above). */
            for (size_t i = 0; i + 1 < want && i < sc->nsteps; i++)
                if (!finished[i]) {
                    add_failure(out, &failures, &sc->steps[i].loc,
                                "%s: step %lu had not finished when step %lu (%s) ended the process in a %s",
                                step_function(&sc->steps[i]), (unsigned long)(i + 1), (unsigned long)want, want_fn,
                                what);
                    break;
                }
    }
    /* A Windows ESENT older than a step's function: the scenario is a counted skip, unless
     * something already failed before that step. */
    if (not_in_version[0] && out->status != SCN_RESULT_FAIL) {
        out->status = SCN_RESULT_SKIP;
        snprintf(out->detail, sizeof out->detail, "%s", not_in_version);
    }
    out->failure_text = failures.p;
    free(copy);
    free(finished);
}

void run_scenario_process(const run_options *options, const run_target *target, const scn_scenario *scenario,
                          int sequence, scenario_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->scenario = scenario;
    out->status = SCN_RESULT_PASS;
    out->steps = calloc(scenario->nsteps ? scenario->nsteps : 1, sizeof *out->steps);
    if (scenario->skip_reason) {
        out->status = SCN_RESULT_SKIP;
        snprintf(out->detail, sizeof out->detail, "%s", scenario->skip_reason);
        return;
    }
    esh_text cmd = {0};
    char *file = absolute_utf8(scenario->loc.file);
    wchar_t *workdir = make_workdir(options, scenario, sequence);
    char *trace = NULL;
    int keep = options->keep_workdirs;
    child_run run;
    memset(&run, 0, sizeof run);
    if (!file || !workdir || !out->steps) {
        snprintf(run.error, sizeof run.error, "cannot prepare %s", workdir ? "the scenario file's path" : "a working directory");
    } else {
        append_quoted(&cmd, "esent-harness");
        append_quoted(&cmd, RUN_CHILD_COMMAND);
        append_quoted(&cmd, file);
        append_quoted(&cmd, scenario->name);
        append_quoted(&cmd, "--esent");
        append_quoted(&cmd, target->path);
        for (size_t m = 0; m < options->nmaps; m++) {
            append_quoted(&cmd, "--map");
            append_quoted(&cmd, options->maps[m]);
        }
        if (options->shim) {
            esh_text path = {0};
            char *dir = options->traces ? absolute_utf8(options->traces) : wide_to_utf8(workdir);
            if (options->traces) {
                wchar_t *wide = dir ? utf8_to_wide(dir) : NULL;
                if (wide)
                    CreateDirectoryW(wide, NULL);
                free(wide);
            } else
                keep = 1; /* the trace lives in the working directory: keep it */
            esh_text_addf(&path, "%s\\%s.trace.scn", dir ? dir : ".", scenario->name);
            free(dir);
            trace = path.p;
            append_quoted(&cmd, "--shim");
            append_quoted(&cmd, "--trace");
            append_quoted(&cmd, trace ? trace : "");
        }
        run_child(&cmd, workdir, options->timeout, &run);
    }
    out->seconds = run.seconds;
    interpret(target, scenario, &run, out);
    if (options->verbose && workdir) {
        /* The steps themselves are printed by report_progress, from the outcome. */
        char *dir = wide_to_utf8(workdir);
        snprintf(out->workdir, sizeof out->workdir, "%s%s", dir ? dir : "?", keep ? " (kept)" : " (removed)");
        free(dir);
    }
    if (workdir && !keep)
        remove_tree(workdir);
    free(run.output.p);
    free(cmd.p);
    free(file);
    free(workdir);
    free(trace);
}

void scenario_outcome_free(scenario_outcome *out)
{
    if (out->steps && out->scenario)
        for (size_t i = 0; i < out->scenario->nsteps; i++)
            free(out->steps[i].message);
    free(out->steps);
    free(out->failure_text);
    memset(out, 0, sizeof *out);
}

/* ---- the DLL under test ------------------------------------------------------------------ */

int run_query_target(const run_options *options, run_target *target, char *err, size_t errsize)
{
    esh_text cmd = {0};
    child_run run;
    append_quoted(&cmd, "esent-harness");
    append_quoted(&cmd, RUN_FACTS_COMMAND);
    append_quoted(&cmd, "--esent");
    append_quoted(&cmd, target->path);
    run_child(&cmd, NULL, options->timeout, &run);
    free(cmd.p);
    int have_path = 0;
    snprintf(err, errsize, "%s: %s", target->path, run.started ? "the DLL's facts could not be read" : run.error);
    char *cursor = run.output.p;
    for (char *line; (line = next_line(&cursor)) != NULL;) {
        char *key = strchr(line, '\t');
        if (!key)
            continue;
        *key++ = '\0';
        char *value = strchr(key, '\t');
        if (value)
            *value++ = '\0';
        if (strcmp(line, "fatal") == 0)
            snprintf(err, errsize, "%s", key);
        else if (strcmp(line, "jetversion") == 0) {
            target->have_jetversion = 1;
            target->jetversion = strtoul(key, NULL, 16);
        } else if (strcmp(line, "fact") == 0 && value) {
            if (strcmp(key, "path") == 0) {
                snprintf(target->dll.path, sizeof target->dll.path, "%s", value);
                have_path = 1;
            } else if (strcmp(key, "version") == 0)
                snprintf(target->dll.version, sizeof target->dll.version, "%s", value);
            else if (strcmp(key, "product") == 0)
                snprintf(target->dll.product, sizeof target->dll.product, "%s", value);
            else if (strcmp(key, "kind") == 0)
                snprintf(target->dll.kind, sizeof target->dll.kind, "%s", value);
        }
    }
    free(run.output.p);
    if (!have_path)
        return -1;

    /* Hosts are named by the DLL that answers (docs/scenario-language.md, Expectations). */
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (strcmp(target->dll.kind, "model") == 0) {
        target->release = scn_release_index("ws2025");
        target->build = 26100;
    } else if (sscanf(target->dll.version, "%u.%u.%u.%u", &a, &b, &c, &d) == 4 && a >= 5) {
        target->release = host_release_of(a, b, c, target->host.is_server);
        target->build = c;
    } else {
        target->release = target->host.release;
        target->build = target->host.build;
    }
    return 0;
}
