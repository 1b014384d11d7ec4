/* What `run` tells: the console (a header naming the DLL, a line per scenario, failures
 * as FILE:LINE: messages, a summary) and the results file (docs/results-format.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "results.h"
#include "run.h"
#include "win_text.h"

static const char *kind_text(const char *kind)
{
    if (strcmp(kind, "model") == 0)
        return "reference model";
    if (strcmp(kind, "system") == 0)
        return "system DLL";
    return "other DLL";
}

const char *report_target_name(const run_target *target, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s (%s)", target->dll.path, target->dll.version[0] ? target->dll.version : "(no version)",
             kind_text(target->dll.kind));
    return buf;
}

void report_header(const run_target *target)
{
    char name[700];
    printf("esent-harness: against %s\n", report_target_name(target, name, sizeof name));
    if (target->shim[0])
        printf("esent-harness: every call goes through the shim %s, which records a trace per scenario\n",
               target->shim);
    printf("esent-harness: on %s %lu.%lu.%lu%s%s%s, expectations matched as %s build %lu\n", target->host.os_name,
           (unsigned long)target->host.major, (unsigned long)target->host.minor, (unsigned long)target->host.build,
           target->host.wine[0] ? " (Wine " : "", target->host.wine, target->host.wine[0] ? ")" : "",
           target->release >= 0 ? scn_release_name(target->release) : "an unknown release",
           (unsigned long)target->build);
    fflush(stdout);
}

/* -v: every step as FILE:LINE: FUNCTION -> CODE (status), or why it was not called. */
static void report_steps(const scenario_outcome *o)
{
    const scn_scenario *sc = o->scenario;
    char code[96];
    if (o->workdir[0])
        printf("  workdir %s\n", o->workdir);
    for (size_t s = 0; o->steps && s < sc->nsteps; s++) {
        const scn_step *step = &sc->steps[s];
        const step_outcome *so = &o->steps[s];
        const char *fn = step->kind == SCN_STEP_WAIT ? "wait" : step->kind == SCN_STEP_SLEEP ? "sleep"
                         : step->fn ? step->fn->name : "?";
        printf("  %s:%d: #%lu %s", step->loc.file, step->loc.line, (unsigned long)(s + 1), fn);
        if (so->called)
            printf(" -> %s%s%s%s (%s)", jet_code_describe(so->actual, code, sizeof code), so->branch ? " [" : "",
                   so->branch ? so->branch : "", so->branch ? "]" : "", so->status ? so->status : "?");
        else if (so->message)
            printf(": not called: %s", so->message);
        else if (!so->began)
            printf(": not reached");
        printf("\n");
    }
}

void report_progress(const scenario_outcome *o, int verbose)
{
    const scn_scenario *sc = o->scenario;
    if (o->status == SCN_RESULT_SKIP)
        printf("SKIP %s %s\n", sc->name, o->detail);
    else if (sc->racy_reason)
        printf("RACY %s %s (%.2fs)\n", sc->name, o->status == SCN_RESULT_PASS ? "pass" : "fail", o->seconds);
    else
        printf("%s %s (%.2fs)\n", o->status == SCN_RESULT_PASS ? "PASS" : "FAIL", sc->name, o->seconds);
    if (verbose)
        report_steps(o);
    if (o->failure_text && (o->status == SCN_RESULT_FAIL || verbose))
        fputs(o->failure_text, stdout);
    fflush(stdout);
}

void report_summary(const scenario_outcome *outcomes, size_t n, int *passed, int *failed, int *skipped, int *racy)
{
    *passed = *failed = *skipped = *racy = 0;
    for (size_t i = 0; i < n; i++) {
        /* A racy scenario passes when every step took an outcome some interleaving allows
         * (counted apart); an outcome outside all of them is a failure like any other. */
        if (outcomes[i].status == SCN_RESULT_SKIP)
            (*skipped)++;
        else if (outcomes[i].scenario->racy_reason && outcomes[i].status == SCN_RESULT_PASS)
            (*racy)++;
        else if (outcomes[i].status == SCN_RESULT_PASS)
            (*passed)++;
        else
            (*failed)++;
    }
    printf("%d passed, %d failed, %d skipped", *passed, *failed, *skipped);
    if (*racy)
        printf(", %d racy", *racy);
    printf("\n");
    fflush(stdout);
}

static const char *status_name(const scenario_outcome *o)
{
    if (o->status == SCN_RESULT_SKIP)
        return "skip";
    if (o->scenario->racy_reason)
        return o->status == SCN_RESULT_PASS ? "racy-pass" : "racy-fail";
    return o->status == SCN_RESULT_PASS ? "pass" : "fail";
}

int report_results_file(const char *path, const run_target *target, const scenario_outcome *outcomes, size_t n,
                        const char *started)
{
    wchar_t *wide = utf8_to_wide(path);
    FILE *out = wide ? _wfopen(wide, L"wb") : NULL;
    free(wide);
    if (!out) {
        fprintf(stderr, "esent-harness: cannot write %s\n", path);
        return -1;
    }
    char version[48], build[16], ubr[16], jetversion[24];
    snprintf(version, sizeof version, "%lu.%lu.%lu", (unsigned long)target->host.major,
             (unsigned long)target->host.minor, (unsigned long)target->host.build);
    snprintf(build, sizeof build, "%lu", (unsigned long)target->host.build);
    snprintf(ubr, sizeof ubr, "%lu", (unsigned long)target->host.ubr);
    snprintf(jetversion, sizeof jetversion, "0x%lx", target->jetversion);
    res_kv facts[] = {
        {"host", "os", (char *)target->host.os_name},
        {"host", "version", version},
        {"host", "build", build},
        {"host", "ubr", ubr},
        {"host", "product", target->host.is_server ? "server" : "workstation"},
        {"host", "arch", (char *)target->host.arch},
        {"host", "wine", target->host.wine[0] ? (char *)target->host.wine : "-"},
        {"esent", "path", (char *)target->dll.path},
        {"esent", "version", target->dll.version[0] ? (char *)target->dll.version : "-"},
        {"esent", "kind", (char *)target->dll.kind},
        {"esent", "jetversion", target->have_jetversion ? jetversion : "-"},
        {"harness", "version", ESH_VERSION},
        {"harness", "shim", target->shim[0] ? (char *)target->shim : "-"},
        {"harness", "started", (char *)started},
    };
    res_write_header(out, facts, sizeof facts / sizeof facts[0]);
    for (size_t i = 0; i < n; i++) {
        const scenario_outcome *o = &outcomes[i];
        const scn_scenario *sc = o->scenario;
        char where[600];
        snprintf(where, sizeof where, "%s:%d", sc->loc.file, sc->loc.line);
        res_scenario record = {(char *)sc->name, (char *)status_name(o), where, o->seconds,
                               o->detail[0] ? (char *)o->detail : NULL};
        res_write_scenario(out, &record);
        for (size_t s = 0; s < sc->nsteps && o->steps; s++) {
            const step_outcome *so = &o->steps[s];
            if (!so->called)
                continue; /* wait, sleep, or a call that could not be made: no code */
            snprintf(where, sizeof where, "%s:%d", sc->steps[s].loc.file, sc->steps[s].loc.line);
            res_step step = {(char *)sc->name, (int)s + 1, where, (char *)sc->steps[s].fn->name, so->actual,
                             so->branch ? (char *)so->branch : "-", (char *)so->status};
            res_write_step(out, &step);
        }
    }
    int passed = 0, failed = 0, skipped = 0, racy = 0;
    for (size_t i = 0; i < n; i++) {
        const char *status = status_name(&outcomes[i]);
        passed += strcmp(status, "pass") == 0;
        failed += strcmp(status, "fail") == 0 || strcmp(status, "racy-fail") == 0;
        skipped += strcmp(status, "skip") == 0;
        racy += strcmp(status, "racy-pass") == 0;
    }
    res_write_summary(out, passed, failed, skipped, racy);
    int bad = ferror(out);
    if (fclose(out) != 0 || bad) {
        fprintf(stderr, "esent-harness: error writing %s\n", path);
        return -1;
    }
    return 0;
}
