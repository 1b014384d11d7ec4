/* Per-call cost of the shim, printed (never asserted: timings depend on the machine).
 *
 *   shim_bench shim [CALLS] [RUNS] [TRACE]
 *                                      JetGetSystemParameterA of fake_esent.dll called
 *                                      directly, through the shim with recording off and
 *                                      through the shim recording (to TRACE, by default
 *                                      bench\bench.trace.scn beside the executable); 1, 2
 *                                      and 4 threads; then the decoder's speed on a trace
 *                                      of CALLS / 5 calls
 *   shim_bench state [MB] [RUNS]       JetInit of esentmodel.dll on an instance whose folder
 *                                      holds an MB megabyte database, called directly and
 *                                      through the shim, which copies that file into its
 *                                      trace first (docs/recording.md, "State"): the
 *                                      capture's cost and speed (from the page cache: it
 *                                      writes the files, then a `state-measure` child times)
 *   shim_bench builtin [CALLS] [RUNS]  GetTickCount (a cheap Wine builtin) called CALLS
 *                                      times; ci/bench.sh runs it with and without
 *                                      WINEDEBUG=+relay to price Wine's relay tracer
 *
 * Each figure is the median over RUNS runs of (elapsed / CALLS) per thread. The DLLs are
 * found beside the executable; the recording copy writes bench\bench.trace.scn. */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_decode.h"

typedef uintptr_t JET_API_PTR;
typedef long(WINAPI *get_parameter_fn)(JET_API_PTR, JET_API_PTR, unsigned long, JET_API_PTR *, char *, unsigned long);

#define MAX_RUNS 101
#define MAX_THREADS 4

static double counter_ns;

static double now_ns(void)
{
    LARGE_INTEGER c;
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart * counter_ns;
}

static void beside_exe(wchar_t *out, size_t size, const wchar_t *name)
{
    DWORD n = GetModuleFileNameW(NULL, out, (DWORD)size);
    while (n > 0 && out[n - 1] != L'\\' && out[n - 1] != L'/')
        n--;
    out[n] = L'\0';
    wcsncat(out, name, size - n - 1);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof values[0], compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

typedef struct worker {
    get_parameter_fn f;
    long calls;
    double ns_per_call;
    long errors;
    HANDLE start;
} worker;

static DWORD WINAPI run_worker(void *arg)
{
    worker *w = arg;
    JET_API_PTR value = 0;
    WaitForSingleObject(w->start, INFINITE);
    double begin = now_ns();
    for (long i = 0; i < w->calls; i++)
        if (w->f(1, 0, (unsigned long)i, &value, NULL, 0) != 0)
            w->errors++;
    w->ns_per_call = (now_ns() - begin) / (double)w->calls;
    if (value != (JET_API_PTR)(w->calls - 1) * 10)
        w->errors++;
    return 0;
}

/* ns per call of F, per thread, median over RUNS runs of THREADS threads. */
static double measure(get_parameter_fn f, int threads, long calls, int runs, long *errors)
{
    double samples[MAX_RUNS * MAX_THREADS];
    int n = 0;
    for (int r = 0; r < runs; r++) {
        worker w[MAX_THREADS];
        HANDLE h[MAX_THREADS];
        HANDLE start = CreateEventW(NULL, TRUE, FALSE, NULL);
        for (int t = 0; t < threads; t++) {
            w[t].f = f;
            w[t].calls = calls;
            w[t].errors = 0;
            w[t].start = start;
            h[t] = CreateThread(NULL, 0, run_worker, &w[t], 0, NULL);
        }
        SetEvent(start);
        WaitForMultipleObjects((DWORD)threads, h, TRUE, INFINITE);
        for (int t = 0; t < threads; t++) {
            CloseHandle(h[t]);
            samples[n++] = w[t].ns_per_call;
            *errors += w[t].errors;
        }
        CloseHandle(start);
    }
    return median(samples, n);
}

static get_parameter_fn get_parameter(HMODULE module)
{
    return module == NULL ? NULL
                          : (get_parameter_fn)(void (*)(void))GetProcAddress(module, "JetGetSystemParameterA");
}

/* A private copy of the shim, so two copies (recording off and on) live in one process. */
static HMODULE load_shim_copy(const wchar_t *dir, const wchar_t *name, const wchar_t *trace)
{
    wchar_t from[MAX_PATH], to[MAX_PATH];
    beside_exe(from, MAX_PATH, L"esentshim.dll");
    _snwprintf(to, MAX_PATH, L"%ls\\%ls", dir, name);
    to[MAX_PATH - 1] = L'\0';
    if (!CopyFileW(from, to, FALSE))
        return NULL;
    SetEnvironmentVariableW(L"ESENTSHIM_TRACE", trace);
    HMODULE module = LoadLibraryW(to);
    /* The shim reads ESENTSHIM_TRACE at its first call: make it now, under this setting. */
    get_parameter_fn f = module == NULL ? NULL : (get_parameter_fn)(void (*)(void))GetProcAddress(module, "JetGetSystemParameterA");
    JET_API_PTR value;
    if (f != NULL)
        f(1, 0, 1, &value, NULL, 0);
    return module;
}

/* Records CALLS calls on one thread through a fresh copy of the shim, unloads it (the
 * trace is closed) and times the decoder on the file: records (a start and an end per
 * call) per second, median over RUNS decodings. */
static int bench_decoder(const wchar_t *dir, long calls, int runs)
{
    wchar_t trace[MAX_PATH];
    _snwprintf(trace, MAX_PATH, L"%ls\\decode.trace.scn", dir);
    HMODULE shim = load_shim_copy(dir, L"esentshim-bench-decode.dll", trace);
    get_parameter_fn f = get_parameter(shim);
    if (f == NULL)
        return 1;
    JET_API_PTR value = 0;
    for (long i = 0; i < calls; i++)
        f(1, 0, (unsigned long)i, &value, NULL, 0);
    FreeLibrary(shim);
    HANDLE file = CreateFileW(trace, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    if (file == INVALID_HANDLE_VALUE || !GetFileSizeEx(file, &size))
        return 1;
    unsigned char *data = malloc((size_t)size.QuadPart);
    DWORD got = 0;
    int ok = data != NULL && ReadFile(file, data, (DWORD)size.QuadPart, &got, NULL) && got == (DWORD)size.QuadPart;
    CloseHandle(file);
    DeleteFileW(trace);
    double samples[MAX_RUNS];
    size_t decoded = 0;
    for (int r = 0; ok && r < runs; r++) {
        trace_text text;
        char error[400];
        double begin = now_ns();
        if (trace_decode(data, (size_t)size.QuadPart, "bench", &text, error, sizeof error) != 0) {
            fprintf(stderr, "shim_bench: the trace does not decode: %s\n", error);
            ok = 0;
            break;
        }
        samples[r] = now_ns() - begin;
        decoded = text.calls;
        trace_text_free(&text);
    }
    free(data);
    if (!ok || decoded != (size_t)calls + 1) { /* + the call that loaded the shim */
        fprintf(stderr, "shim_bench: decoded %lu calls of %ld\n", (unsigned long)decoded, calls + 1);
        return 1;
    }
    double ns = median(samples, runs);
    printf("decoder: %lu calls (%lu records, %.1f MB) decoded to text in %.1f ms: %.2f million records per second\n",
           (unsigned long)decoded, (unsigned long)(2 * decoded), (double)size.QuadPart / 1e6, ns / 1e6,
           2.0 * (double)decoded / (ns / 1e9) / 1e6);
    printf("machine-readable: decode_records_per_second=%.0f\n", 2.0 * (double)decoded / (ns / 1e9));
    return 0;
}

static int bench_shim(long calls, int runs, const char *trace_arg)
{
    wchar_t target[MAX_PATH], dir[MAX_PATH], trace[MAX_PATH];
    beside_exe(target, MAX_PATH, L"fake_esent.dll");
    beside_exe(dir, MAX_PATH, L"bench");
    CreateDirectoryW(dir, NULL);
    _snwprintf(trace, MAX_PATH, L"%ls\\bench.trace.scn", dir);
    if (trace_arg != NULL)
        MultiByteToWideChar(CP_ACP, 0, trace_arg, -1, trace, MAX_PATH);
    trace[MAX_PATH - 1] = L'\0';
    SetEnvironmentVariableW(L"ESENTSHIM_TARGET", target);

    HMODULE fake = LoadLibraryW(target);
    HMODULE off = load_shim_copy(dir, L"esentshim-bench-off.dll", L"off");
    HMODULE on = load_shim_copy(dir, L"esentshim-bench-on.dll", trace);
    get_parameter_fn paths[3] = {get_parameter(fake), get_parameter(off), get_parameter(on)};
    const char *names[3] = {"direct", "shim, recording off", "shim, recording on"};
    if (paths[0] == NULL || paths[1] == NULL || paths[2] == NULL) {
        fprintf(stderr, "shim_bench: cannot load fake_esent.dll or esentshim.dll beside the executable\n");
        return 2;
    }
    long errors = 0;
    static const int thread_counts[3] = {1, 2, 4};
    double ns[3][3];
    /* Recording writes ~110 bytes a call: a tenth of the calls keeps the trace small. */
    long recorded_calls = calls / 10 > 0 ? calls / 10 : 1;
    for (int p = 0; p < 3; p++)
        for (int t = 0; t < 3; t++) {
            long n = p == 2 ? recorded_calls : calls;
            measure(paths[p], thread_counts[t], n / 10 + 1, 1, &errors); /* warm up: pages fault in */
            ns[p][t] = measure(paths[p], thread_counts[t], n, runs, &errors);
        }
    printf("shim per-call cost: JetGetSystemParameterA on fake_esent.dll, %ld calls (%ld recorded) x %d runs, "
           "median ns per call per thread\n",
           calls, recorded_calls, runs);
    printf("%-22s %10s %10s %10s\n", "path", "1 thread", "2 threads", "4 threads");
    for (int p = 0; p < 3; p++)
        printf("%-22s %10.1f %10.1f %10.1f\n", names[p], ns[p][0], ns[p][1], ns[p][2]);
    printf("added by the shim (each thread): recording off %.1f / %.1f / %.1f ns, recording on %.1f / %.1f / %.1f ns "
           "(1 / 2 / 4 threads)\n",
           ns[1][0] - ns[0][0], ns[1][1] - ns[0][1], ns[1][2] - ns[0][2], ns[2][0] - ns[0][0], ns[2][1] - ns[0][1],
           ns[2][2] - ns[0][2]);
    printf("machine-readable: direct=%.2f off=%.2f on=%.2f direct2=%.2f off2=%.2f on2=%.2f direct4=%.2f off4=%.2f "
           "on4=%.2f\n",
           ns[0][0], ns[1][0], ns[2][0], ns[0][1], ns[1][1], ns[2][1], ns[0][2], ns[1][2], ns[2][2]);
    FreeLibrary(on);
    FreeLibrary(off);
    if (trace_arg == NULL)
        DeleteFileW(trace);
    if (bench_decoder(dir, calls / 5 > 0 ? calls / 5 : 1, runs) != 0)
        errors++;
    FreeLibrary(fake);
    if (errors != 0) {
        fprintf(stderr, "shim_bench: %ld calls returned a wrong code or output\n", errors);
        return 1;
    }
    return 0;
}

typedef long(WINAPI *create_instance_fn)(JET_API_PTR *, const wchar_t *);
typedef long(WINAPI *set_parameter_fn)(JET_API_PTR *, JET_API_PTR, unsigned long, JET_API_PTR, const wchar_t *);
typedef long(WINAPI *init_fn)(JET_API_PTR *);
typedef long(WINAPI *term_fn)(JET_API_PTR);

typedef struct jet_calls {
    create_instance_fn create;
    set_parameter_fn set;
    init_fn init;
    term_fn term;
} jet_calls;

static int jet_calls_of(HMODULE module, jet_calls *j)
{
    if (module == NULL)
        return 0;
    j->create = (create_instance_fn)(void (*)(void))GetProcAddress(module, "JetCreateInstanceW");
    j->set = (set_parameter_fn)(void (*)(void))GetProcAddress(module, "JetSetSystemParameterW");
    j->init = (init_fn)(void (*)(void))GetProcAddress(module, "JetInit");
    j->term = (term_fn)(void (*)(void))GetProcAddress(module, "JetTerm");
    return j->create && j->set && j->init && j->term;
}

/* A fresh folder DIR\NAME\ holding found.edb of BYTES bytes. */
static int state_folder(const wchar_t *dir, const wchar_t *name, size_t bytes, wchar_t *folder)
{
    wchar_t file[MAX_PATH];
    static unsigned char block[1 << 20];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (unsigned char)(i * 131 + 7);
    _snwprintf(folder, MAX_PATH, L"%ls\\%ls\\", dir, name);
    folder[MAX_PATH - 1] = L'\0';
    CreateDirectoryW(folder, NULL);
    _snwprintf(file, MAX_PATH, L"%lsfound.edb", folder);
    file[MAX_PATH - 1] = L'\0';
    HANDLE h = CreateFileW(file, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    int ok = h != INVALID_HANDLE_VALUE;
    for (size_t done = 0; ok && done < bytes; done += sizeof block) {
        DWORD put = 0, want = (DWORD)(bytes - done < sizeof block ? bytes - done : sizeof block);
        ok = WriteFile(h, block, want, &put, NULL) && put == want;
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    return ok;
}

/* ms of JetInit through J on a new instance NAME whose folders are FOLDER. */
static double time_init(const jet_calls *j, const wchar_t *name, const wchar_t *folder, long *errors)
{
    JET_API_PTR instance = 0;
    if (j->create(&instance, name) != 0 || j->set(&instance, 0, 0 /* JET_paramSystemPath */, 0, folder) != 0 ||
        j->set(&instance, 0, 2 /* JET_paramLogFilePath */, 0, folder) != 0) {
        (*errors)++;
        return 0;
    }
    double begin = now_ns();
    if (j->init(&instance) != 0)
        (*errors)++;
    double ms = (now_ns() - begin) / 1e6;
    if (j->term(instance) != 0)
        (*errors)++;
    return ms;
}

/* `shim_bench state-measure MB RUNS` in a process of its own (its output is this one's),
 * waited for; its exit code. */
static int measure_in_child(long megabytes, int runs)
{
    wchar_t exe[MAX_PATH], cmd[MAX_PATH + 64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, MAX_PATH + 64, L"\"%ls\" state-measure %ld %d", exe, megabytes, runs);
    cmd[MAX_PATH + 63] = L'\0';
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    fflush(stdout);
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}

/* The shim copies only files last written before its process started: this process writes
 * each run's folder, then a `state-measure` child times the JetInit calls. */
static int bench_state(long megabytes, int runs, int measure)
{
    wchar_t model[MAX_PATH], dir[MAX_PATH], trace[MAX_PATH], folder[MAX_PATH], name[32];
    size_t bytes = (size_t)megabytes << 20;
    beside_exe(model, MAX_PATH, L"esentmodel.dll");
    beside_exe(dir, MAX_PATH, L"bench");
    CreateDirectoryW(dir, NULL);
    if (!measure) {
        for (int r = 0; r < runs; r++) {
            _snwprintf(name, 32, L"direct%d", r);
            int ok = state_folder(dir, name, bytes, folder);
            _snwprintf(name, 32, L"shim%d", r);
            if (!ok || !state_folder(dir, name, bytes, folder)) {
                fprintf(stderr, "shim_bench: cannot write %ld MB into %ls\n", 2 * megabytes * runs, dir);
                return 1;
            }
        }
        Sleep(50); /* past the files' write time, whatever the clock's resolution */
        int rc = measure_in_child(megabytes, runs);
        for (int r = 0; r < 2 * runs; r++) { /* the folders hold 2 x RUNS x MB: remove them */
            wchar_t pattern[MAX_PATH], file[MAX_PATH];
            WIN32_FIND_DATAW found;
            _snwprintf(name, 32, r % 2 ? L"shim%d" : L"direct%d", r / 2);
            _snwprintf(folder, MAX_PATH, L"%ls\\%ls", dir, name);
            _snwprintf(pattern, MAX_PATH, L"%ls\\*", folder);
            HANDLE find = FindFirstFileW(pattern, &found);
            for (BOOL more = find != INVALID_HANDLE_VALUE; more; more = FindNextFileW(find, &found)) {
                _snwprintf(file, MAX_PATH, L"%ls\\%ls", folder, found.cFileName);
                if (!(found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
                    DeleteFileW(file);
            }
            if (find != INVALID_HANDLE_VALUE)
                FindClose(find);
            RemoveDirectoryW(folder);
        }
        return rc;
    }
    _snwprintf(trace, MAX_PATH, L"%ls\\state.trace.scn", dir);
    trace[MAX_PATH - 1] = L'\0';
    SetEnvironmentVariableW(L"ESENTSHIM_TARGET", model);
    SetEnvironmentVariableW(L"ESENTSHIM_STATE_MAX_BYTES", L"1099511627776"); /* every run's file fits */
    jet_calls direct, shim;
    HMODULE target = LoadLibraryW(model);
    HMODULE recording = load_shim_copy(dir, L"esentshim-bench-state.dll", trace);
    if (!jet_calls_of(target, &direct) || !jet_calls_of(recording, &shim)) {
        fprintf(stderr, "shim_bench: cannot load esentmodel.dll or esentshim.dll beside the executable\n");
        return 2;
    }
    double plain[MAX_RUNS], through[MAX_RUNS];
    long errors = 0;
    for (int r = 0; r < runs; r++) {
        _snwprintf(name, 32, L"direct%d", r);
        _snwprintf(folder, MAX_PATH, L"%ls\\%ls\\", dir, name);
        plain[r] = time_init(&direct, name, folder, &errors);
        _snwprintf(name, 32, L"shim%d", r);
        _snwprintf(folder, MAX_PATH, L"%ls\\%ls\\", dir, name);
        through[r] = time_init(&shim, name, folder, &errors);
    }
    FreeLibrary(recording);
    FreeLibrary(target);
    WIN32_FILE_ATTRIBUTE_DATA info;
    double trace_mb = GetFileAttributesExW(trace, GetFileExInfoStandard, &info)
                          ? (double)(((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow) / 1048576.0
                          : 0;
    DeleteFileW(trace);
    if (errors != 0 || trace_mb < (double)megabytes * runs) {
        fprintf(stderr, "shim_bench: %ld calls failed; the trace holds %.1f MB of the %ld MB to capture\n", errors,
                trace_mb, megabytes * runs);
        return 1;
    }
    double d = median(plain, runs), t = median(through, runs), capture = t - d;
    double speed = capture > 0 ? (double)megabytes / (capture / 1000.0) : 0.0;
    printf("state capture: JetInit of esentmodel.dll, its folder holding a %ld MB database, x %d runs (median ms)\n",
           megabytes, runs);
    printf("JetInit direct %.2f ms, through the shim %.2f ms: the capture adds %.2f ms, %.0f MB/s\n", d, t, capture,
           speed);
    printf("machine-readable: init_direct_ms=%.3f init_shim_ms=%.3f capture_mb_per_s=%.0f\n", d, t, speed);
    return 0;
}

static DWORD WINAPI tick_worker(void *arg)
{
    worker *w = arg;
    volatile DWORD sink = 0;
    WaitForSingleObject(w->start, INFINITE);
    double begin = now_ns();
    for (long i = 0; i < w->calls; i++)
        sink += GetTickCount();
    w->ns_per_call = (now_ns() - begin) / (double)w->calls;
    (void)sink;
    return 0;
}

static int bench_builtin(long calls, int runs)
{
    double samples[MAX_RUNS];
    for (int r = 0; r < runs; r++) {
        worker w;
        w.calls = calls;
        w.start = CreateEventW(NULL, TRUE, TRUE, NULL);
        HANDLE h = CreateThread(NULL, 0, tick_worker, &w, 0, NULL);
        WaitForSingleObject(h, INFINITE);
        CloseHandle(h);
        CloseHandle(w.start);
        samples[r] = w.ns_per_call;
    }
    printf("GetTickCount: %ld calls x %d runs, median %.1f ns per call\n", calls, runs, median(samples, runs));
    printf("machine-readable: builtin=%.2f\n", median(samples, runs));
    return 0;
}

int main(int argc, char **argv)
{
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);
    counter_ns = 1e9 / (double)frequency.QuadPart;
    const char *mode = argc > 1 ? argv[1] : "shim";
    long calls = argc > 2 ? atol(argv[2]) : 1000000;
    int runs = argc > 3 ? atoi(argv[3]) : 7;
    if (calls < 1 || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "shim_bench: CALLS >= 1, 1 <= RUNS <= %d\n", MAX_RUNS);
        return 2;
    }
    if (strcmp(mode, "shim") == 0)
        return bench_shim(calls, runs, argc > 4 ? argv[4] : NULL);
    if (strcmp(mode, "builtin") == 0)
        return bench_builtin(calls, runs);
    if (strcmp(mode, "state") == 0 || strcmp(mode, "state-measure") == 0)
        return bench_state(argc > 2 ? calls : 16, runs, strcmp(mode, "state-measure") == 0);
    fprintf(stderr, "usage: shim_bench shim|state|builtin [CALLS|MB] [RUNS]\n");
    return 2;
}
