/* `esent-harness diff`: line up the steps of several hosts' results and keep the ones
 * whose codes (or expectation branches) differ. */
#include "results_diff.h"

#include <stdlib.h>
#include <string.h>

static const char *fact(const res_file *file, const char *section, const char *key)
{
    /* Looked up here rather than with res_fact so the diff depends on the structure only. */
    for (size_t i = 0; i < file->nfacts; i++)
        if (strcmp(file->facts[i].section, section) == 0 && strcmp(file->facts[i].key, key) == 0)
            return file->facts[i].value;
    return NULL;
}

static const char *fact_or(const res_file *file, const char *section, const char *key, const char *fallback)
{
    const char *value = fact(file, section, key);
    return value && *value && strcmp(value, "-") != 0 ? value : fallback;
}

rdiff_kind rdiff_host_kind(const res_file *file)
{
    const char *kind = fact(file, "esent", "kind");
    if (!kind)
        return RDIFF_UNKNOWN;
    if (strcmp(kind, "system") == 0)
        return RDIFF_SYSTEM;
    if (strcmp(kind, "model") == 0)
        return RDIFF_MODEL;
    if (strcmp(kind, "other") == 0)
        return RDIFF_OTHER;
    return RDIFF_UNKNOWN;
}

static const char *base_name(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            base = p + 1;
    return base;
}

void rdiff_host_label(const res_file *file, char *buf, size_t size)
{
    const char *os = fact_or(file, "host", "os", "unknown OS");
    const char *build = fact_or(file, "host", "build", "?");
    const char *ubr = fact_or(file, "host", "ubr", "?");
    const char *arch = fact_or(file, "host", "arch", "?");
    const char *version = fact_or(file, "esent", "version", "unknown version");
    const char *path = fact_or(file, "esent", "path", "?");
    const char *wine = fact_or(file, "host", "wine", NULL);
    const char *shim = fact_or(file, "harness", "shim", NULL);
    char under[96] = "";
    /* A run through the shim says so: its calls went through the recorder first. */
    snprintf(under, sizeof under, "%s%s%s", wine ? " under Wine " : "", wine ? wine : "",
             shim ? ", through esentshim.dll" : "");
    switch (rdiff_host_kind(file)) {
    case RDIFF_MODEL:
        /* Never named like a Windows host: the model is not a Windows result. */
        snprintf(buf, size, "reference model %s %s, %s%s", base_name(path), version, arch, under);
        break;
    case RDIFF_OTHER:
        snprintf(buf, size, "%s %s.%s %s, non-system DLL %s %s%s", os, build, ubr, arch, path, version, under);
        break;
    case RDIFF_SYSTEM:
        snprintf(buf, size, "%s %s.%s %s, %s %s%s", os, build, ubr, arch, base_name(path), version, under);
        break;
    default:
        snprintf(buf, size, "%s %s.%s %s, DLL of unknown kind %s %s%s", os, build, ubr, arch, path, version, under);
        break;
    }
}

/* One step of one host, with the position of its scenario in the combined scenario order. */
typedef struct entry {
    size_t scenario_order;
    int index;
    size_t host;
    const res_step *step;
} entry;

static int entry_compare(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->scenario_order != y->scenario_order)
        return x->scenario_order < y->scenario_order ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    if (x->host != y->host)
        return x->host < y->host ? -1 : 1;
    return 0;
}

int rdiff_same_outcome(const res_step *a, const res_step *b)
{
    return a->actual == b->actual && strcmp(a->function, b->function) == 0 && strcmp(a->branch, b->branch) == 0;
}

/* A racy scenario (racy-pass, racy-fail) may take another path on every run. */
static int scenario_is_racy(const res_file *file, const char *name)
{
    for (size_t i = 0; i < file->nscenarios; i++)
        if (strcmp(file->scenarios[i].name, name) == 0 && strncmp(file->scenarios[i].status, "racy", 4) == 0)
            return 1;
    return 0;
}

static void count_scenarios(rdiff_host *host)
{
    for (size_t i = 0; i < host->file->nscenarios; i++) {
        const char *status = host->file->scenarios[i].status;
        if (strncmp(status, "racy", 4) == 0)
            host->racy++;
        else if (strcmp(status, "pass") == 0)
            host->passed++;
        else if (strcmp(status, "skip") == 0)
            host->skipped++;
        else
            host->failed++;
    }
}

int rdiff_build(rdiff *d, const res_file *files, size_t nfiles)
{
    return rdiff_build_flags(d, files, nfiles, 0);
}

int rdiff_build_flags(rdiff *d, const res_file *files, size_t nfiles, unsigned flags)
{
    size_t total = 0, nnames = 0, n = 0;
    const char **names = NULL;
    entry *entries = NULL;
    memset(d, 0, sizeof *d);
    d->nhosts = nfiles;
    d->hosts = calloc(nfiles ? nfiles : 1, sizeof *d->hosts);
    if (!d->hosts)
        return -1;
    for (size_t h = 0; h < nfiles; h++) {
        d->hosts[h].file = &files[h];
        rdiff_host_label(&files[h], d->hosts[h].label, sizeof d->hosts[h].label);
        d->hosts[h].kind = rdiff_host_kind(&files[h]);
        count_scenarios(&d->hosts[h]);
        total += files[h].nsteps;
    }
    names = calloc(total ? total : 1, sizeof *names);
    entries = calloc(total ? total : 1, sizeof *entries);
    /* At most one row per distinct step; allocated for the worst case. */
    d->rows = calloc(total ? total : 1, sizeof *d->rows);
    if (!names || !entries || !d->rows)
        goto out_of_memory;

    /* Scenarios keep the order in which they first appear (first file first). */
    for (size_t h = 0; h < nfiles; h++) {
        for (size_t s = 0; s < files[h].nsteps; s++) {
            const res_step *step = &files[h].steps[s];
            size_t order = 0;
            while (order < nnames && strcmp(names[order], step->scenario) != 0)
                order++;
            if (order == nnames)
                names[nnames++] = step->scenario;
            entries[n].scenario_order = order;
            entries[n].index = step->index;
            entries[n].host = h;
            entries[n].step = step;
            n++;
        }
    }
    qsort(entries, n, sizeof *entries, entry_compare);

    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && entries[j].scenario_order == entries[i].scenario_order && entries[j].index == entries[i].index)
            j++;
        const res_step **cells = calloc(nfiles, sizeof *cells);
        if (!cells)
            goto out_of_memory;
        /* A step a file lists twice keeps its first record. */
        for (size_t k = i; k < j; k++)
            if (!cells[entries[k].host])
                cells[entries[k].host] = entries[k].step;
        /* Every host must have run the step, with the outcome of the first host (whose
         * record exists: the group holds at least one entry, but not necessarily host 0). */
        const res_step *first = entries[i].step;
        int differs = 0, everywhere = 1;
        for (size_t h = 0; h < nfiles; h++) {
            if (!cells[h])
                everywhere = 0;
            if (!cells[h] || !rdiff_same_outcome(cells[h], first))
                differs = 1;
        }
        if (!everywhere && (flags & RDIFF_COMMON_ONLY)) {
            d->uncompared++;
            free(cells);
        } else if (differs || (flags & RDIFF_ALL_ROWS)) {
            rdiff_row *row = &d->rows[d->nrows++];
            row->scenario = entries[i].step->scenario;
            row->index = entries[i].index;
            row->cells = cells;
            row->differs = differs;
            for (size_t h = 0; h < nfiles; h++)
                if (scenario_is_racy(&files[h], row->scenario))
                    row->racy = 1;
            if (differs)
                d->ndiffering++;
            else
                d->identical++;
            if (differs && row->racy)
                d->nracy++;
        } else {
            d->identical++;
            free(cells);
        }
        i = j;
    }
    free(names);
    free(entries);
    return 0;

out_of_memory:
    free(names);
    free(entries);
    rdiff_free(d);
    return -1;
}

void rdiff_free(rdiff *d)
{
    if (d->rows)
        for (size_t r = 0; r < d->nrows; r++)
            free((void *)d->rows[r].cells);
    free(d->rows);
    free(d->hosts);
    memset(d, 0, sizeof *d);
}

int rdiff_hosts_differ(const rdiff *d)
{
    return d->ndiffering > d->nracy;
}

const char *rdiff_cell_text(const res_step *step, char *buf, size_t size)
{
    char number[24];
    if (!step) {
        snprintf(buf, size, "(not run)");
        return buf;
    }
    snprintf(buf, size, "%s%s%s%s%s", jet_code_name(step->actual, number, sizeof number), strcmp(step->branch, "-") != 0 ? " [" : "",
             strcmp(step->branch, "-") != 0 ? step->branch : "", strcmp(step->branch, "-") != 0 ? "]" : "",
             strcmp(step->status, "fail") == 0 ? " FAIL" : "");
    return buf;
}

/* The step a row stands for, as it appears in the first host that ran it. */
const res_step *rdiff_row_step(const rdiff *d, const rdiff_row *row)
{
    for (size_t h = 0; h < d->nhosts; h++)
        if (row->cells[h])
            return row->cells[h];
    return NULL;
}

const char *rdiff_kind_note(rdiff_kind kind)
{
    switch (kind) {
    case RDIFF_MODEL: return "REFERENCE MODEL, not a Windows result";
    case RDIFF_OTHER: return "NON-SYSTEM DLL, not System32's esent.dll";
    case RDIFF_UNKNOWN: return "DLL kind unknown";
    default: return NULL;
    }
}

/* "2 steps differ", plus the rows of racy scenarios, which are not host differences. */
static const char *heading(const rdiff *d, char *buf, size_t size)
{
    size_t n = d->ndiffering - d->nracy;
    int used = snprintf(buf, size, "%lu step%s", (unsigned long)n, n == 1 ? " differs" : "s differ");
    if (d->nracy && used > 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, ", and %lu in racy scenarios (may differ from run to run)",
                 (unsigned long)d->nracy);
    return buf;
}

/* "SCENARIO #INDEX FUNCTION", marked when the scenario is racy. */
static const char *row_title(const rdiff *d, const rdiff_row *row, char *buf, size_t size)
{
    const res_step *step = rdiff_row_step(d, row);
    snprintf(buf, size, "%s #%d %s%s", row->scenario, row->index, step ? step->function : "?",
             row->racy ? " (racy)" : "");
    return buf;
}

/* Branch labels each host followed, "docs 2, source 3", or "" when none. */
void rdiff_branch_summary(const res_file *file, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < file->nsteps; s++) {
        const char *label = file->steps[s].branch;
        int seen = 0, count = 0;
        if (strcmp(label, "-") == 0)
            continue;
        for (size_t t = 0; t < s; t++)
            if (strcmp(file->steps[t].branch, label) == 0)
                seen = 1;
        if (seen)
            continue;
        for (size_t t = s; t < file->nsteps; t++)
            if (strcmp(file->steps[t].branch, label) == 0)
                count++;
        if (used < size) {
            int wrote = snprintf(buf + used, size - used, "%s%s %d", used ? ", " : "", label, count);
            if (wrote > 0)
                used += (size_t)wrote;
        }
    }
}

void rdiff_write_text(FILE *out, const rdiff *d)
{
    char cell[160], branches[256], title[160];
    fprintf(out, "hosts:\n");
    for (size_t h = 0; h < d->nhosts; h++) {
        const rdiff_host *host = &d->hosts[h];
        const char *note = rdiff_kind_note(host->kind);
        fprintf(out, "  [%lu] %s%s%s%s\n", (unsigned long)(h + 1), host->label, note ? "  ** " : "", note ? note : "", note ? " **" : "");
        fprintf(out, "      %s: scenarios %lu passed, %lu failed, %lu skipped, %lu racy\n",
                host->file->path ? host->file->path : "?", (unsigned long)host->passed, (unsigned long)host->failed,
                (unsigned long)host->skipped, (unsigned long)host->racy);
        rdiff_branch_summary(host->file, branches, sizeof branches);
        if (branches[0])
            fprintf(out, "      branches followed: %s\n", branches);
    }
    if (d->uncompared)
        fprintf(out, "\n%lu step%s not run by every host, not compared (--common)\n", (unsigned long)d->uncompared,
                d->uncompared == 1 ? "" : "s");
    if (d->nrows == 0) {
        fprintf(out, "\nall %lu steps agree on every host\n", (unsigned long)d->identical);
        return;
    }

    /* Column widths: the step column, then one per host. */
    size_t *width = calloc(d->nhosts + 1, sizeof *width);
    if (!width)
        return;
    width[0] = strlen("step");
    for (size_t h = 0; h < d->nhosts; h++)
        width[h + 1] = 4;
    for (size_t r = 0; r < d->nrows; r++) {
        size_t len = strlen(row_title(d, &d->rows[r], cell, sizeof cell));
        if (len > width[0])
            width[0] = len;
        for (size_t h = 0; h < d->nhosts; h++) {
            size_t cl = strlen(rdiff_cell_text(d->rows[r].cells[h], cell, sizeof cell));
            if (cl > width[h + 1])
                width[h + 1] = cl;
        }
    }
    fprintf(out, "\n%s:\n\n%-*s", heading(d, title, sizeof title), (int)width[0], "step");
    for (size_t h = 0; h < d->nhosts; h++) {
        snprintf(cell, sizeof cell, "[%lu]", (unsigned long)(h + 1));
        fprintf(out, "  %-*s", h + 1 < d->nhosts ? (int)width[h + 1] : 0, cell);
    }
    fprintf(out, "\n");
    for (size_t r = 0; r < d->nrows; r++) {
        fprintf(out, "%-*s", (int)width[0], row_title(d, &d->rows[r], cell, sizeof cell));
        for (size_t h = 0; h < d->nhosts; h++)
            fprintf(out, "  %-*s", h + 1 < d->nhosts ? (int)width[h + 1] : 0,
                    rdiff_cell_text(d->rows[r].cells[h], cell, sizeof cell));
        fprintf(out, "\n");
    }
    fprintf(out, "\n%lu identical step%s not shown\n", (unsigned long)d->identical, d->identical == 1 ? "" : "s");
    free(width);
}

/* Markdown table cells cannot hold a raw '|' or a line break. */
static void md_put(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            fputs("\\|", out);
        else if (*p == '\n' || *p == '\r')
            fputc(' ', out);
        else
            fputc(*p, out);
    }
}

void rdiff_write_markdown(FILE *out, const rdiff *d)
{
    char cell[160], branches[256], title[160];
    fprintf(out, "### ESENT across hosts\n\n| # | host | scenarios | branches followed |\n|---|---|---|---|\n");
    for (size_t h = 0; h < d->nhosts; h++) {
        const rdiff_host *host = &d->hosts[h];
        const char *note = rdiff_kind_note(host->kind);
        fprintf(out, "| %lu | ", (unsigned long)(h + 1));
        md_put(out, host->label);
        if (note) {
            fputs(" **(", out);
            md_put(out, note);
            fputs(")**", out);
        }
        rdiff_branch_summary(host->file, branches, sizeof branches);
        fprintf(out, " | %lu passed, %lu failed, %lu skipped, %lu racy | ", (unsigned long)host->passed,
                (unsigned long)host->failed, (unsigned long)host->skipped, (unsigned long)host->racy);
        md_put(out, branches[0] ? branches : "-");
        fputs(" |\n", out);
    }
    if (d->uncompared)
        fprintf(out, "\n%lu step%s not run by every host, not compared (--common).\n", (unsigned long)d->uncompared,
                d->uncompared == 1 ? "" : "s");
    if (d->nrows == 0) {
        fprintf(out, "\nAll %lu steps agree on every host.\n", (unsigned long)d->identical);
        return;
    }
    fprintf(out, "\n%s (%lu identical not shown):\n\n| step | function |", heading(d, title, sizeof title),
            (unsigned long)d->identical);
    for (size_t h = 0; h < d->nhosts; h++)
        fprintf(out, " [%lu] |", (unsigned long)(h + 1));
    fputs("\n|---|---|", out);
    for (size_t h = 0; h < d->nhosts; h++)
        fputs("---|", out);
    fputs("\n", out);
    for (size_t r = 0; r < d->nrows; r++) {
        const res_step *step = rdiff_row_step(d, &d->rows[r]);
        fputs("| ", out);
        md_put(out, d->rows[r].scenario);
        fprintf(out, " #%d%s | ", d->rows[r].index, d->rows[r].racy ? " (racy)" : "");
        md_put(out, step ? step->function : "?");
        fputs(" |", out);
        for (size_t h = 0; h < d->nhosts; h++) {
            fputs(" ", out);
            md_put(out, rdiff_cell_text(d->rows[r].cells[h], cell, sizeof cell));
            fputs(" |", out);
        }
        fputs("\n", out);
    }
}
