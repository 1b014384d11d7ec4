/* Comparing results files of several hosts (`esent-harness diff`): which scenario steps
 * returned different codes (or followed different expectation branches) where. Portable:
 * it only reads parsed res_file structures and writes text. */
#ifndef ESH_RESULTS_DIFF_H
#define ESH_RESULTS_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"

/* What answered on a host: only RDIFF_SYSTEM is a Windows result. */
typedef enum rdiff_kind { RDIFF_SYSTEM, RDIFF_MODEL, RDIFF_OTHER, RDIFF_UNKNOWN } rdiff_kind;

typedef struct rdiff_host {
    const res_file *file;
    char label[384];       /* "Windows Server 2022 Datacenter 20348.2849 x64, esent.dll 10.0.20348.2849" */
    rdiff_kind kind;
    size_t passed, failed, skipped; /* scenarios (racy-pass counts as passed, racy-fail as failed) */
} rdiff_host;

typedef struct rdiff_row {
    const char *scenario;
    int index;
    const res_step **cells; /* one per host; NULL where that host did not run the step */
    int racy;               /* its scenario is racy on some host: may differ run to run */
} rdiff_row;

typedef struct rdiff {
    size_t nhosts;
    rdiff_host *hosts;
    rdiff_row *rows;       /* only the steps that differ, in scenario order then step order */
    size_t nrows;
    size_t nracy;          /* of those, rows of racy scenarios: shown, but not a host difference */
    size_t identical;      /* steps every host ran with the same code and branch */
    size_t uncompared;     /* RDIFF_COMMON_ONLY: steps some host did not run, left out */
} rdiff;

/* Compare only the steps every host ran (a run compared with itself through the shim, where
 * a scenario that could not start on one side is no difference of the shim). */
#define RDIFF_COMMON_ONLY 1u

/* Names a host by its facts: OS release, build.UBR, arch and the DLL that answered. */
void rdiff_host_label(const res_file *file, char *buf, size_t size);
rdiff_kind rdiff_host_kind(const res_file *file);

/* Compares NFILES results files; 0 on success, -1 when out of memory. FILES must outlive D.
 * The hosts differ when nrows > nracy. */
int rdiff_build(rdiff *d, const res_file *files, size_t nfiles);
int rdiff_build_flags(rdiff *d, const res_file *files, size_t nfiles, unsigned flags);
void rdiff_free(rdiff *d);

/* The text of one cell: "JET_errBackupAbortByServer [source]", "(not run)". */
const char *rdiff_cell_text(const res_step *step, char *buf, size_t size);

/* The matrix for a console, and as Markdown (for a CI job summary). */
void rdiff_write_text(FILE *out, const rdiff *d);
void rdiff_write_markdown(FILE *out, const rdiff *d);

#endif
