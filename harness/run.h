/* `esent-harness run`: what the parent (scheduler, reporters) and the child (one scenario's
 * steps) share: the options, the child protocol and each scenario's outcome. */
#ifndef ESH_HARNESS_RUN_H
#define ESH_HARNESS_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "host.h"
#include "jet_codes.h"
#include "scenario.h"

/* The hidden subcommands the parent starts itself with. */
#define RUN_CHILD_COMMAND "__child"
#define RUN_FACTS_COMMAND "__facts"

/* The child reports on its stdout, one line per event, each written whole and at once
 * (so the parent knows the step reached even when the child dies next):
 *   begin <index>                 step <index> (1-based) starts
 *   step <index> <code>           a call returned <code>
 *   nocall <index> <message>      the step could not be called (bad argument ...)
 *   absent <index> <message>      the DLL does not export the step's function
 *   crash <index> 0x<exception>   an unhandled exception during step <index> (0: between steps)
 *   done                          every step ran
 * Fields are tab separated. */

typedef struct run_options {
    const char *esent;        /* --esent PATH (absolute, UTF-8); NULL: System32's esent.dll */
    int shim;                 /* --shim */
    const char *traces;       /* --traces DIR */
    const char *junit;        /* --junit FILE */
    const char *results;      /* --results FILE */
    const char *workdir_root; /* --workdir ROOT; NULL: %TEMP% */
    double timeout;           /* --timeout SECONDS */
    int jobs;                 /* --jobs N */
    int keep_workdirs;        /* --keep-workdirs */
    int verbose;              /* -v: each step's function, FILE:LINE and code */
    char **maps;              /* --map FROM=TO (docs/replay.md), nmaps of them */
    size_t nmaps;
} run_options;

/* What happened to one step, as the parent saw it. */
typedef struct step_outcome {
    int began, called;
    jet_err actual;
    const char *branch;       /* label of the matched alternative, NULL if none */
    const char *status;       /* "pass", "fail", "after-failure"; NULL: never ran */
    char *message;            /* nocall: why (owned) */
} step_outcome;

typedef enum scenario_status { SCN_RESULT_PASS, SCN_RESULT_FAIL, SCN_RESULT_SKIP } scenario_status;

typedef struct scenario_outcome {
    const scn_scenario *scenario;
    scenario_status status;
    double seconds;
    step_outcome *steps;      /* scenario->nsteps entries */
    char detail[256];         /* crash / hang / skip reason, "" if none */
    char *failure_text;       /* the console failure lines (owned), NULL when passed */
    char workdir[300];        /* -v: the working directory, "" otherwise */
} scenario_outcome;

/* Which host the expectations are matched against (named by the DLL that answers). */
typedef struct run_target {
    char path[520];           /* absolute path of the DLL under test (UTF-8) */
    char shim[520];           /* --shim: the esentshim.dll every call goes through; "" without */
    dll_facts dll;
    int have_jetversion;
    unsigned long jetversion;
    host_facts host;
    int release;              /* scn_release index, -1 unknown */
    uint32_t build;
} run_target;

/* run_process.c: runs one scenario in a child process and fills OUT (steps matched). */
void run_scenario_process(const run_options *options, const run_target *target, const scn_scenario *scenario,
                          int sequence, scenario_outcome *out);
void scenario_outcome_free(scenario_outcome *out);
/* run_process.c: asks a child for the target DLL's facts (the DLL may crash the caller).
 * Returns 0, or -1 with a message in ERR. */
int run_query_target(const run_options *options, run_target *target, char *err, size_t errsize);

/* run_report.c */
void report_header(const run_target *target);
/* "PATH VERSION (reference model|system DLL|other DLL)": how every report names the DLL. */
const char *report_target_name(const run_target *target, char *buf, size_t size);
void report_progress(const scenario_outcome *outcome, int verbose);
void report_summary(const scenario_outcome *outcomes, size_t n, int *passed, int *failed, int *skipped,
                    int *racy);
int report_results_file(const char *path, const run_target *target, const scenario_outcome *outcomes, size_t n,
                        const char *started);
/* run_junit.c: JUnit XML through cmocka's XML output. Returns 0 or -1. */
int report_junit(const char *path, const run_target *target, const scenario_outcome *outcomes, size_t n);

/* run_preflight.c: checks before the first scenario; each returns 0, or -1 with a message
 * naming the path and what was expected in ERR. */
int preflight_exports(const char *dll_path, char *err, size_t errsize);
int preflight_file(const char *option, const char *path, char *err, size_t errsize);
/* A folder the run writes into: created when absent if CREATE, else it must exist already. */
int preflight_folder(const char *option, const char *path, int create, char *err, size_t errsize);
/* The UTF-8 path of FILE beside the exe, else in the build tree's BUILD_DIR (may be NULL). */
int preflight_find_beside(const wchar_t *file, const wchar_t *build_dir, char *out, size_t size);

/* jet_version_probe.c: JetGetVersion through an instance and a session of MODULE, in a
 * throw-away folder. Returns 0 with VERSION, or -1. */
int probe_jet_version(void *module, unsigned long *version);

/* junit_polish.c: adds each skip's reason to the XML cmocka wrote and drops cmocka's
 * "error: Failure!" trailers. Returns 0 or -1. */
int junit_polish(const char *path, const scenario_outcome *outcomes, size_t n);

/* suite_load.c: parses PATHS (none: the bundled scenarios folder) into SUITE; on bad input
 * prints FILE:LINE:COL: error: ... to stderr and returns -1. */
int suite_load(scn_suite *suite, int npaths, char **paths);

/* run_travel.c: makes every trace of SUITE travel (core/trace_travel.h); when PRINT, prints
 * its notes and each root's folder. -1 (message printed) when a --map names no root. */
int suite_travel(scn_suite *suite, char **maps, size_t nmaps, int print);

/* run_child.c: the hidden subcommands. */
int cmd_run_child(int argc, char **argv);
int cmd_run_facts(int argc, char **argv);

#endif
