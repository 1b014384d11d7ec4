/* A host for the reliability tests: loads esentshim.dll by the path it is given (so the
 * folder it runs in and its current directory may hold planted esent.dll files) and
 * drives it. It checks the codes and outputs it gets and exits with the number of
 * mismatches.
 *
 *   shim_stress SHIM threads N CALLS   N threads x CALLS recorded calls of
 *                                      JetGetSystemParameterA(THREAD, 0, INDEX, &v) with
 *                                      THREAD = 1..N and INDEX = 0..CALLS-1 (each thread's
 *                                      own order), v must come back INDEX * 10
 *   shim_stress SHIM kill N MIN        N threads calling without end; once MIN calls have
 *                                      returned, prints that count and kills the process
 *                                      (TerminateProcess, exit code 3) while they record
 *   shim_stress SHIM missing           every call gets JET_errFeatureNotAvailable (-1001)
 *   shim_stress SHIM planted           one call, whatever it returns (the target is the
 *                                      system's esent.dll: under Wine its functions abort) */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uintptr_t JET_API_PTR;
typedef long(WINAPI *get_parameter_fn)(JET_API_PTR, JET_API_PTR, unsigned long, JET_API_PTR *, char *, unsigned long);
typedef long(WINAPI *create_instance_fn)(JET_API_PTR *, const char *);

#define MAX_THREADS 64
#define UNRESOLVED (-1001L)

static get_parameter_fn get_parameter;
static volatile LONG failures;
static volatile LONG64 completed;

typedef struct worker {
    unsigned long thread; /* 1-based */
    long calls;           /* < 0: forever */
} worker;

static DWORD WINAPI run_worker(void *arg)
{
    const worker *w = arg;
    for (long i = 0; w->calls < 0 || i < w->calls; i++) {
        JET_API_PTR value = 0;
        long err = get_parameter(w->thread, 0, (unsigned long)i, &value, NULL, 0);
        if (err != 0 || value != (JET_API_PTR)i * 10) {
            if (InterlockedIncrement(&failures) < 10)
                printf("FAIL thread %lu call %ld: %ld %llu\n", w->thread, i, err, (unsigned long long)value);
        }
        InterlockedIncrement64(&completed);
    }
    return 0;
}

static int start_threads(int n, long calls, HANDLE *handles, worker *workers)
{
    for (int t = 0; t < n; t++) {
        workers[t].thread = (unsigned long)t + 1;
        workers[t].calls = calls;
        handles[t] = CreateThread(NULL, 0, run_worker, &workers[t], 0, NULL);
        if (handles[t] == NULL)
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    static HANDLE handles[MAX_THREADS];
    static worker workers[MAX_THREADS];
    if (argc < 3) {
        printf("usage: shim_stress SHIM threads N CALLS | kill N MIN | missing | planted\n");
        return 100;
    }
    HMODULE shim = LoadLibraryA(argv[1]);
    if (shim == NULL) {
        printf("cannot load %s: error %lu\n", argv[1], (unsigned long)GetLastError());
        return 101;
    }
    get_parameter = (get_parameter_fn)(void (*)(void))GetProcAddress(shim, "JetGetSystemParameterA");
    create_instance_fn create_instance =
        (create_instance_fn)(void (*)(void))GetProcAddress(shim, "JetCreateInstanceA");
    if (get_parameter == NULL || create_instance == NULL) {
        printf("the shim lacks an export\n");
        return 102;
    }
    const char *mode = argv[2];
    int n = argc > 3 ? atoi(argv[3]) : 1;
    if (n < 1 || n > MAX_THREADS)
        n = 1;
    if (strcmp(mode, "threads") == 0 && argc > 4) {
        long calls = atol(argv[4]);
        if (!start_threads(n, calls, handles, workers))
            return 103;
        WaitForMultipleObjects((DWORD)n, handles, TRUE, INFINITE);
    } else if (strcmp(mode, "kill") == 0 && argc > 4) {
        LONG64 min = _atoi64(argv[4]);
        if (!start_threads(n, -1, handles, workers))
            return 103;
        while (completed < min)
            Sleep(1);
        /* Every call counted here has returned, so its record was complete. */
        printf("completed before the kill: %lld\n", (long long)completed);
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 3);
    } else if (strcmp(mode, "missing") == 0) {
        JET_API_PTR instance = 0, value = 0;
        if (create_instance(&instance, "missing") != UNRESOLVED)
            failures++;
        if (get_parameter(0, 0, 1, &value, NULL, 0) != UNRESOLVED)
            failures++;
    } else if (strcmp(mode, "planted") == 0) {
        JET_API_PTR value = 0;
        printf("code %ld\n", get_parameter(0, 0, 1, &value, NULL, 0));
    } else {
        printf("unknown mode %s\n", mode);
        return 100;
    }
    printf("%ld failure(s)\n", (long)failures);
    return (int)failures;
}
