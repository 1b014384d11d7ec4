/* `esent-harness run [options] [FILE|DIR]...`: parse every scenario first, then run each
 * in its own child process (up to --jobs at once), report to the console and optionally
 * to a results file and JUnit XML. Exit 0: all passed; 1: some failed; 2: bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "commands.h"
#include "run.h"
#include "win_text.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: esent-harness run [options] [FILE|DIR]...\n"
            "  (no FILE|DIR: the scenarios folder beside the exe, else the source tree's)\n"
            "  --esent PATH       the DLL to test (default %%SystemRoot%%\\System32\\esent.dll; under Wine,\n"
            "                     whose esent.dll is stubs, name the reference model esentmodel.dll)\n"
            "  --shim             call through esentshim.dll (beside the exe), keeping each scenario's trace\n"
            "  --traces DIR       where --shim writes <scenario>.trace.scn (an existing, writable folder;\n"
            "                     default: the kept working directory)\n"
            "  --map FROM=TO      replay a trace's root FROM (its name or recorded folder) in folder TO\n"
            "                     (default: a folder of its name in the scenario's working directory)\n"
            "  --results FILE     write the results file (docs/results-format.md)\n"
            "  --junit FILE       write JUnit XML (cmocka's XML output)\n"
            "  --filter PATTERN   only scenarios whose name contains PATTERN, or matches it as a glob (* ?);\n"
            "                     a comma-separated list, and every further --filter, select what any of\n"
            "                     their patterns selects (spaces around a pattern are ignored)\n"
            "  --timeout SECONDS  per scenario (default 30); a child still running then is a hang\n"
            "  --jobs N           child processes at once (default: the number of CPUs)\n"
            "  --workdir ROOT     where the working directories go (default %%TEMP%%)\n"
            "  --keep-workdirs    keep each scenario's working directory\n"
            "  -v                 print every step: FILE:LINE, function, code, and the working directory\n"
            "  exit 0: every scenario passed; 1: some failed; 2: bad input or usage (refused before the\n"
            "  first scenario), or an output that could not be written at the end\n");
}

static int glob_match(const char *pattern, const char *name)
{
    if (*pattern == '\0')
        return *name == '\0';
    if (*pattern == '*')
        return glob_match(pattern + 1, name) || (*name && glob_match(pattern, name + 1));
    if (*name && (*pattern == '?' || *pattern == *name))
        return glob_match(pattern + 1, name + 1);
    return 0;
}

static int pattern_selects(const char *pattern, const char *name)
{
    if (strpbrk(pattern, "*?"))
        return glob_match(pattern, name);
    return strstr(name, pattern) != NULL;
}

/* The --filter patterns, each trimmed; every --filter adds its patterns to the others. */
typedef struct filters {
    char **patterns;
    size_t count;
} filters;

static void filters_free(filters *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->patterns[i]);
    free(f->patterns);
    memset(f, 0, sizeof *f);
}

/* Scenario names never contain a comma, so a comma separates patterns. */
static int filters_add(filters *f, const char *list)
{
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        const char *start = p, *stop = p + len;
        while (start < stop && (*start == ' ' || *start == '\t'))
            start++;
        while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
            stop--;
        if (start == stop) {
            fprintf(stderr, "esent-harness run: --filter '%s' has an empty pattern (expected PATTERN[,PATTERN...])\n",
                    list);
            return -1;
        }
        char **grown = realloc(f->patterns, (f->count + 1) * sizeof *grown);
        char *pattern = malloc((size_t)(stop - start) + 1);
        if (grown)
            f->patterns = grown;
        if (!grown || !pattern) {
            free(pattern);
            fprintf(stderr, "esent-harness run: out of memory\n");
            return -1;
        }
        memcpy(pattern, start, (size_t)(stop - start));
        pattern[stop - start] = '\0';
        f->patterns[f->count++] = pattern;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

static int selected(const filters *f, const char *name)
{
    if (f->count == 0)
        return 1;
    for (size_t i = 0; i < f->count; i++)
        if (pattern_selects(f->patterns[i], name))
            return 1;
    return 0;
}

static int parse_number(const char *text, double *value)
{
    char *end;
    *value = strtod(text, &end);
    return *text && *end == '\0' && *value >= 0;
}

/* Options and paths in any order. Returns 0, -1 on a bad option, 1 for --help. */
static int parse_options(int argc, char **argv, run_options *o, filters *f, char **paths, int *npaths, char **maps)
{
    SYSTEM_INFO system;
    GetSystemInfo(&system);
    memset(o, 0, sizeof *o);
    o->maps = maps;
    o->timeout = 30;
    o->jobs = system.dwNumberOfProcessors > 0 ? (int)system.dwNumberOfProcessors : 1;
    *npaths = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        double number;
        if (cli_is_help(a))
            return 1;
        else if (strcmp(a, "--shim") == 0)
            o->shim = 1;
        else if (strcmp(a, "--keep-workdirs") == 0)
            o->keep_workdirs = 1;
        else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
            o->verbose = 1;
        else if (a[0] == '-' && a[1] != '\0' && !value) {
            fprintf(stderr, "esent-harness run: %s needs a value (or is not an option; see run --help)\n", a);
            return -1;
        } else if (strcmp(a, "--esent") == 0)
            o->esent = argv[++i];
        else if (strcmp(a, "--traces") == 0)
            o->traces = argv[++i];
        else if (strcmp(a, "--map") == 0)
            o->maps[o->nmaps++] = argv[++i];
        else if (strcmp(a, "--junit") == 0)
            o->junit = argv[++i];
        else if (strcmp(a, "--results") == 0)
            o->results = argv[++i];
        else if (strcmp(a, "--filter") == 0) {
            if (filters_add(f, argv[++i]) != 0)
                return -1;
        }
        else if (strcmp(a, "--workdir") == 0)
            o->workdir_root = argv[++i];
        else if (strcmp(a, "--timeout") == 0) {
            if (!parse_number(value, &number) || number <= 0) {
                fprintf(stderr, "esent-harness run: --timeout wants a positive number of seconds, not '%s'\n", value);
                return -1;
            }
            o->timeout = number;
            i++;
        } else if (strcmp(a, "--jobs") == 0) {
            if (!parse_number(value, &number) || number < 1 || number > 256) {
                fprintf(stderr, "esent-harness run: --jobs wants 1..256, not '%s'\n", value);
                return -1;
            }
            o->jobs = (int)number;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "esent-harness run: unknown option '%s' (see esent-harness run --help)\n", a);
            return -1;
        } else
            paths[(*npaths)++] = argv[i];
    }
    if (o->traces && !o->shim) {
        fprintf(stderr, "esent-harness run: --traces %s needs --shim (only a run through the shim records traces)\n",
                o->traces);
        return -1;
    }
    return 0;
}

/* The DLL under test by absolute path (never a search-order surprise). */
static int resolve_target(const run_options *o, run_target *target)
{
    wchar_t full[MAX_PATH];
    if (o->esent) {
        wchar_t *wide = utf8_to_wide(o->esent);
        DWORD n = wide ? GetFullPathNameW(wide, MAX_PATH, full, NULL) : 0;
        free(wide);
        if (n == 0 || n >= MAX_PATH)
            return -1;
    } else {
        UINT n = GetSystemDirectoryW(full, MAX_PATH - 12);
        if (n == 0 || n >= MAX_PATH - 12)
            return -1;
        wcscat(full, L"\\esent.dll");
    }
    if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
        return -1;
    char *utf8 = wide_to_utf8(full);
    if (!utf8)
        return -1;
    snprintf(target->path, sizeof target->path, "%s", utf8);
    free(utf8);
    return 0;
}

typedef struct scheduler {
    const run_options *options;
    const run_target *target;
    const scn_scenario **scenarios;
    scenario_outcome *outcomes;
    LONG next;
    LONG count;
    SRWLOCK console;
} scheduler;

static DWORD WINAPI run_worker(void *arg)
{
    scheduler *s = arg;
    for (;;) {
        LONG i = InterlockedIncrement(&s->next) - 1;
        if (i >= s->count)
            return 0;
        run_scenario_process(s->options, s->target, s->scenarios[i], (int)i, &s->outcomes[i]);
        AcquireSRWLockExclusive(&s->console);
        report_progress(&s->outcomes[i], s->options->verbose);
        ReleaseSRWLockExclusive(&s->console);
    }
}

static void utc_now(char *buf, size_t size)
{
    SYSTEMTIME t;
    GetSystemTime(&t);
    snprintf(buf, size, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
}

/* Under Wine, System32's esent.dll is Wine's own, whose functions are stubs: every
 * scenario would crash at its first call. Say what to run instead. */
static int refuse_wine_default(const run_target *target)
{
    char model[MAX_PATH * 3];
    if (preflight_find_beside(L"esentmodel.dll", L"model", model, sizeof model) != 0)
        snprintf(model, sizeof model, "esentmodel.dll (built in the build tree's model folder)");
    fprintf(stderr,
            "esent-harness run: under Wine %s, System32's esent.dll is Wine's, whose functions are stubs; "
            "name the DLL to test: --esent %s (the reference model; its results are never Windows results)\n",
            target->host.wine, model);
    return EXIT_USAGE;
}

/* Every output is checked before the first scenario, so a bad path costs no run. */
static int check_outputs(const run_options *o, run_target *target)
{
    char err[900], temp[MAX_PATH * 3];
    if (o->shim) {
        if (preflight_find_beside(L"esentshim.dll", NULL, target->shim, sizeof target->shim) != 0) {
            fprintf(stderr, "esent-harness run: --shim needs esentshim.dll beside esent-harness.exe, and it is not there\n");
            return -1;
        }
    }
    if (o->results && preflight_file("--results", o->results, err, sizeof err) != 0)
        goto refused;
    if (o->junit && preflight_file("--junit", o->junit, err, sizeof err) != 0)
        goto refused;
    if (o->shim && o->traces && preflight_folder("--traces", o->traces, 0, err, sizeof err) != 0)
        goto refused;
    if (o->workdir_root) {
        if (preflight_folder("--workdir", o->workdir_root, 1, err, sizeof err) != 0)
            goto refused;
    } else {
        wchar_t wide[MAX_PATH];
        DWORD n = GetTempPathW(MAX_PATH, wide);
        char *utf8 = n && n < MAX_PATH ? wide_to_utf8(wide) : NULL;
        snprintf(temp, sizeof temp, "%s", utf8 ? utf8 : "%TEMP%");
        free(utf8);
        if (preflight_folder("the working directories' folder (%TEMP%; --workdir ROOT chooses another)", temp, 1, err,
                             sizeof err) != 0)
            goto refused;
    }
    return 0;
refused:
    fprintf(stderr, "esent-harness run: %s\n", err);
    return -1;
}

int cmd_run(int argc, char **argv)
{
    run_options options;
    filters chosen_by;
    memset(&chosen_by, 0, sizeof chosen_by);
    int npaths = 0;
    char **paths = calloc((size_t)argc + 1, sizeof *paths), **maps = calloc((size_t)argc + 1, sizeof *maps);
    int parsed = paths && maps ? parse_options(argc, argv, &options, &chosen_by, paths, &npaths, maps) : -1;
    if (parsed != 0) {
        free(paths);
        free(maps);
        filters_free(&chosen_by);
        if (parsed == 1) {
            usage(stdout);
            return EXIT_PASS;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    scn_suite suite;
    memset(&suite, 0, sizeof suite);
    int status = EXIT_USAGE;
    const scn_scenario **chosen = NULL;
    scenario_outcome *outcomes = NULL;
    size_t n = 0;
    char started[32];
    utc_now(started, sizeof started);
    run_target target;
    memset(&target, 0, sizeof target);
    host_facts_get(&target.host);
    char err[900];
    if (!options.esent && target.host.wine[0]) {
        refuse_wine_default(&target);
        goto done;
    }
    if (suite_load(&suite, npaths, paths) != 0 || suite_travel(&suite, options.maps, options.nmaps, 1) != 0)
        goto done;
    chosen = calloc(suite.nscenarios ? suite.nscenarios : 1, sizeof *chosen);
    outcomes = calloc(suite.nscenarios ? suite.nscenarios : 1, sizeof *outcomes);
    if (!chosen || !outcomes)
        goto done;
    for (size_t i = 0; i < suite.nscenarios; i++)
        if (selected(&chosen_by, suite.scenarios[i].name))
            chosen[n++] = &suite.scenarios[i];
    if (n == 0) {
        /* Most likely a typo: an empty run must not read as a green one. */
        fprintf(stderr, "esent-harness run: no scenario matches --filter");
        for (size_t i = 0; i < chosen_by.count; i++)
            fprintf(stderr, "%s%s", i ? "," : " ", chosen_by.patterns[i]);
        fprintf(stderr, "\n");
        goto done;
    }
    if (resolve_target(&options, &target) != 0) {
        fprintf(stderr, "esent-harness run: --esent %s: no such file (expected the path of the DLL to test)\n",
                options.esent ? options.esent : "%SystemRoot%\\System32\\esent.dll");
        goto done;
    }
    if (preflight_exports(target.path, err, sizeof err) != 0) {
        fprintf(stderr, "esent-harness run: --esent %s\n", err);
        goto done;
    }
    if (check_outputs(&options, &target) != 0)
        goto done;
    if (run_query_target(&options, &target, err, sizeof err) != 0) {
        fprintf(stderr, "esent-harness run: %s\n", err);
        goto done;
    }
    report_header(&target);

    scheduler s = {&options, &target, chosen, outcomes, 0, (LONG)n, SRWLOCK_INIT};
    int workers = options.jobs < (int)n ? options.jobs : (int)n;
    HANDLE *threads = calloc(workers > 0 ? (size_t)workers : 1, sizeof *threads);
    int started_workers = 0;
    for (int w = 0; threads && w < workers; w++)
        if ((threads[started_workers] = CreateThread(NULL, 0, run_worker, &s, 0, NULL)) != NULL)
            started_workers++;
    if (started_workers == 0)
        run_worker(&s);
    for (int w = 0; w < started_workers; w++) {
        WaitForSingleObject(threads[w], INFINITE);
        CloseHandle(threads[w]);
    }
    free(threads);

    int passed, failed, skipped, racy;
    report_summary(outcomes, n, &passed, &failed, &skipped, &racy);
    status = failed ? EXIT_FAIL : EXIT_PASS;
    if (options.results && report_results_file(options.results, &target, outcomes, n, started) != 0)
        status = EXIT_USAGE;
    if (options.junit && report_junit(options.junit, &target, outcomes, n) != 0)
        status = EXIT_USAGE;
done:
    for (size_t i = 0; outcomes && i < n; i++)
        scenario_outcome_free(&outcomes[i]);
    free(outcomes);
    free(chosen);
    scn_suite_free(&suite);
    filters_free(&chosen_by);
    free(paths);
    free(maps);
    return status;
}
