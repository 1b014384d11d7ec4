/* The version matrix as one HTML page: no network, no external script, style or font, so
 * the page opens the same from a CI artifact, a mail attachment or a disk. */
#include "results_html.h"

#include <stdlib.h>
#include <string.h>

#include "jet_codes.h"

static void put_escaped(FILE *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*p, out);
        }
    }
}

/* href for "FILE:LINE": LINK_BASE + FILE with forward slashes + "#LLINE". */
static void put_link(FILE *out, const char *link_base, const char *where)
{
    const char *colon = where ? strrchr(where, ':') : NULL;
    size_t file_len = colon ? (size_t)(colon - where) : (where ? strlen(where) : 0);
    fputs("<a href=\"", out);
    put_escaped(out, link_base);
    for (size_t i = 0; i < file_len; i++) {
        char c[2] = {where[i] == '\\' ? '/' : where[i], '\0'};
        put_escaped(out, c);
    }
    if (colon && colon[1])
        fprintf(out, "#L%s", colon + 1);
    fputs("\">", out);
    put_escaped(out, where ? where : "?");
    fputs("</a>", out);
}

static const res_scenario *find_scenario(const res_file *file, const char *name)
{
    for (size_t i = 0; i < file->nscenarios; i++)
        if (strcmp(file->scenarios[i].name, name) == 0)
            return &file->scenarios[i];
    return NULL;
}

/* The first host's record of a scenario, for its FILE:LINE. */
static const res_scenario *any_scenario(const rdiff *d, const char *name)
{
    for (size_t h = 0; h < d->nhosts; h++) {
        const res_scenario *sc = find_scenario(d->hosts[h].file, name);
        if (sc)
            return sc;
    }
    return NULL;
}

/* Which outcome of its row a cell has: cells with the same code and branch share a colour,
 * numbered in order of first appearance across the hosts. */
static int outcome_group(const rdiff_row *row, size_t host)
{
    int group = 0;
    for (size_t h = 0; h < host; h++) {
        if (!row->cells[h])
            continue;
        int earlier = 0;
        for (size_t k = 0; k < h; k++)
            if (row->cells[k] && rdiff_same_outcome(row->cells[k], row->cells[h]))
                earlier = 1;
        if (!earlier) {
            if (rdiff_same_outcome(row->cells[h], row->cells[host]))
                return group;
            group++;
        }
    }
    return group;
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}"
    "h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #c8c8c8;padding:.25em .5em;text-align:left;vertical-align:top}"
    "thead th{background:#eee;position:sticky;top:0}"
    "tr.scenario th,tr.scenario td{background:#f4f4f4;font-weight:600}"
    "td.agree{background:#d8f0d8}td.o0{background:#cfe2ff}td.o1{background:#ffd8a8}"
    "td.o2{background:#e5d0f5}td.o3{background:#ffc9c9}td.o4{background:#fff3a8}"
    "td.missing{background:#fff;color:#888;font-style:italic}"
    "tr.racy td.code{background-image:repeating-linear-gradient(45deg,transparent 0 6px,rgba(0,0,0,.07) 6px 8px)}"
    "td.status-pass{color:#1d6b1d}td.status-fail{color:#b00000}td.status-skip{color:#777}"
    "td.status-racy-pass,td.status-racy-fail{color:#8a6d00}"
    ".kind{font-weight:700;color:#b00000}.fail{font-weight:700;color:#b00000}"
    "body.only-differing tr.agrees{display:none}"
    ".legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #c8c8c8}";

/* Records script errors on the page itself, so a test reading the DOM sees them. */
static const char script_head[] =
    "document.documentElement.dataset.errors='0';"
    "window.addEventListener('error',function(e){var d=document.documentElement.dataset;"
    "d.errors=String(Number(d.errors)+1);d.lastError=String(e.message);});";

static const char script_tail[] =
    "(function(){var box=document.getElementById('only-differing');"
    "box.addEventListener('change',function(){document.body.classList.toggle('only-differing',box.checked);});"
    "document.documentElement.dataset.rows=String(document.querySelectorAll('#matrix tr.step').length);"
    "document.documentElement.dataset.ready='yes';})();";

static void write_hosts(FILE *out, const rdiff *d)
{
    char branches[256];
    fputs("<table id=\"hosts\"><thead><tr><th></th>", out);
    for (size_t h = 0; h < d->nhosts; h++)
        fprintf(out, "<th>[%lu]</th>", (unsigned long)(h + 1));
    fputs("</tr></thead><tbody><tr><th>host and DLL</th>", out);
    for (size_t h = 0; h < d->nhosts; h++) {
        const char *note = rdiff_kind_note(d->hosts[h].kind);
        fputs("<td class=\"host\">", out);
        put_escaped(out, d->hosts[h].label);
        if (note) {
            fputs("<br><span class=\"kind\">", out);
            put_escaped(out, note);
            fputs("</span>", out);
        }
        fputs("</td>", out);
    }
    fputs("</tr><tr><th>results file</th>", out);
    for (size_t h = 0; h < d->nhosts; h++) {
        fputs("<td>", out);
        put_escaped(out, d->hosts[h].file->path ? d->hosts[h].file->path : "?");
        fputs("</td>", out);
    }
    fputs("</tr><tr><th>scenarios</th>", out);
    for (size_t h = 0; h < d->nhosts; h++)
        fprintf(out, "<td class=\"counts\">%lu passed, %lu failed, %lu skipped, %lu racy</td>",
                (unsigned long)d->hosts[h].passed, (unsigned long)d->hosts[h].failed,
                (unsigned long)d->hosts[h].skipped, (unsigned long)d->hosts[h].racy);
    fputs("</tr><tr><th>branches followed</th>", out);
    for (size_t h = 0; h < d->nhosts; h++) {
        rdiff_branch_summary(d->hosts[h].file, branches, sizeof branches);
        fputs("<td class=\"branches\">", out);
        put_escaped(out, branches[0] ? branches : "-");
        fputs("</td>", out);
    }
    fputs("</tr></tbody></table>\n", out);
}

static void write_scenario_row(FILE *out, const rdiff *d, const char *name, const char *link_base)
{
    const res_scenario *any = any_scenario(d, name);
    fputs("<tr class=\"scenario\" data-scenario=\"", out);
    put_escaped(out, name);
    fputs("\"><th>", out);
    put_escaped(out, name);
    fputs("</th><td>", out);
    if (any)
        put_link(out, link_base, any->where);
    fputs("</td>", out);
    for (size_t h = 0; h < d->nhosts; h++) {
        const res_scenario *sc = find_scenario(d->hosts[h].file, name);
        fputs("<td class=\"status status-", out);
        put_escaped(out, sc ? sc->status : "none");
        fputs("\">", out);
        put_escaped(out, sc ? sc->status : "(not run)");
        if (sc && sc->detail) {
            fputs(": ", out);
            put_escaped(out, sc->detail);
        }
        fputs("</td>", out);
    }
    fputs("</tr>\n", out);
}

static void write_cell(FILE *out, const rdiff_row *row, size_t h)
{
    const res_step *step = row->cells[h];
    char name[96];
    if (!step) {
        fputs("<td class=\"code missing\">(not run)</td>", out);
        return;
    }
    if (row->differs)
        fprintf(out, "<td class=\"code o%d\"", outcome_group(row, h) % 5);
    else
        fputs("<td class=\"code agree\"", out);
    fprintf(out, " data-code=\"%ld\" data-branch=\"", (long)step->actual);
    put_escaped(out, step->branch);
    fputs("\" data-status=\"", out);
    put_escaped(out, step->status);
    fputs("\" title=\"", out);
    put_escaped(out, jet_code_describe(step->actual, name, sizeof name));
    fputs("\">", out);
    put_escaped(out, jet_code_name(step->actual, name, sizeof name));
    if (strcmp(step->branch, "-") != 0) {
        fputs(" <small>[", out);
        put_escaped(out, step->branch);
        fputs("]</small>", out);
    }
    if (strcmp(step->status, "fail") == 0)
        fputs(" <span class=\"fail\">FAIL</span>", out);
    fputs("</td>", out);
}

static int has_rows(const rdiff *d, const char *scenario)
{
    for (size_t r = 0; r < d->nrows; r++)
        if (strcmp(d->rows[r].scenario, scenario) == 0)
            return 1;
    return 0;
}

/* The scenario I of host H appeared earlier: in an earlier host, or earlier in its file. */
static int listed_before(const rdiff *d, size_t host, size_t index)
{
    const char *name = d->hosts[host].file->scenarios[index].name;
    for (size_t h = 0; h <= host; h++) {
        size_t end = h < host ? d->hosts[h].file->nscenarios : index;
        for (size_t i = 0; i < end; i++)
            if (strcmp(d->hosts[h].file->scenarios[i].name, name) == 0)
                return 1;
    }
    return 0;
}

void rdiff_write_html(FILE *out, const rdiff *d, const char *link_base)
{
    size_t differing = d->ndiffering - d->nracy;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>ESENT across hosts</title>\n<style>",
          out);
    fputs(style, out);
    fputs("</style>\n<script>", out);
    fputs(script_head, out);
    fputs("</script></head>\n<body>\n<h1>ESENT across hosts</h1>\n", out);
    fprintf(out, "<p id=\"verdict\">%lu step%s differ%s between hosts", (unsigned long)differing,
            differing == 1 ? "" : "s", differing == 1 ? "s" : "");
    if (d->nracy)
        fprintf(out, ", and %lu in racy scenarios (may differ from run to run)", (unsigned long)d->nracy);
    fprintf(out, "; %lu agree.", (unsigned long)d->identical);
    if (d->uncompared)
        fprintf(out, " %lu not run by every host, left out (--common).", (unsigned long)d->uncompared);
    fputs("</p>\n", out);
    write_hosts(out, d);
    fputs("<p class=\"legend\"><span class=\"agree\" style=\"background:#d8f0d8\">every host agrees</span>"
          "<span style=\"background:#cfe2ff\">differs: first outcome</span>"
          "<span style=\"background:#ffd8a8\">second</span><span style=\"background:#e5d0f5\">third</span>"
          "<span>(not run)</span> hatched: a racy scenario. A cell is the code the step returned and, in "
          "brackets, the expectation branch (docs / source) it matched.</p>\n"
          "<p><label><input type=\"checkbox\" id=\"only-differing\"> only the steps that differ</label></p>\n",
          out);
    fputs("<table id=\"matrix\"><thead><tr><th>scenario / step</th><th>file:line</th>", out);
    for (size_t h = 0; h < d->nhosts; h++) {
        fputs("<th title=\"", out);
        put_escaped(out, d->hosts[h].label);
        fprintf(out, "\">[%lu]</th>", (unsigned long)(h + 1));
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    const char *scenario = NULL;
    for (size_t r = 0; r < d->nrows; r++) {
        const rdiff_row *row = &d->rows[r];
        const res_step *step = rdiff_row_step(d, row);
        if (!scenario || strcmp(scenario, row->scenario) != 0) {
            scenario = row->scenario;
            write_scenario_row(out, d, scenario, link_base);
        }
        fprintf(out, "<tr class=\"step %s%s\" data-scenario=\"", row->differs ? "differs" : "agrees",
                row->racy ? " racy" : "");
        put_escaped(out, row->scenario);
        fprintf(out, "\" data-index=\"%d\"><th>#%d ", row->index, row->index);
        put_escaped(out, step ? step->function : "?");
        fputs("</th><td>", out);
        put_link(out, link_base, step ? step->where : NULL);
        fputs("</td>", out);
        for (size_t h = 0; h < d->nhosts; h++)
            write_cell(out, row, h);
        fputs("</tr>\n", out);
    }
    /* Scenarios no host ran a step of (skipped everywhere, or stopped before step 1) still
     * get their row, so the page lists every scenario of every file. */
    for (size_t h = 0; h < d->nhosts; h++)
        for (size_t i = 0; i < d->hosts[h].file->nscenarios; i++) {
            const char *name = d->hosts[h].file->scenarios[i].name;
            if (!has_rows(d, name) && !listed_before(d, h, i))
                write_scenario_row(out, d, name, link_base);
        }
    fputs("</tbody></table>\n<script>", out);
    fputs(script_tail, out);
    fputs("</script>\n</body></html>\n", out);
}
