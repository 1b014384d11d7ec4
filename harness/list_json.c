/* `esent-harness list --format json`: the suite as the parser read it, for the CI scripts
 * (coverage, scenario index, deviations, evidence check), so that they never read the
 * language themselves. One JSON object: every scenario and setup with its markers,
 * evidence and every step after `use` expansion, each step with its function, expected
 * alternatives (label, code, version gates) and evidence. */
#include <stdio.h>
#include <string.h>

#include "list_json.h"

static void json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_key(FILE *out, const char *key, int first)
{
    if (!first)
        fputc(',', out);
    json_string(out, key);
    fputc(':', out);
}

static void json_evidence(FILE *out, const scn_evidence *ev, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",{" : "{", out);
        json_key(out, "kind", 1);
        json_string(out, ev[i].kind);
        json_key(out, "where", 0);
        json_string(out, ev[i].where);
        json_key(out, "text", 0);
        json_string(out, ev[i].text);
        json_key(out, "file", 0);
        json_string(out, ev[i].loc.file);
        json_key(out, "line", 0);
        fprintf(out, "%d}", ev[i].loc.line);
    }
    fputc(']', out);
}

static void json_alternatives(FILE *out, const scn_expect *expect)
{
    char versions[256];
    fputc('[', out);
    for (size_t i = 0; i < expect->nalts; i++) {
        const scn_alternative *alt = &expect->alts[i];
        const jet_code *known = alt->any ? NULL : jet_code_by_value(alt->code);
        fputs(i ? ",{" : "{", out);
        json_key(out, "label", 1);
        json_string(out, alt->label);
        json_key(out, "any", 0);
        fputs(alt->any ? "true" : "false", out);
        json_key(out, "code", 0);
        if (alt->any)
            fputs("null", out);
        else
            fprintf(out, "%ld", (long)alt->code);
        json_key(out, "name", 0);
        json_string(out, known ? known->name : NULL);
        json_key(out, "versions", 0);
        scn_format_versions(versions, sizeof versions, alt);
        json_string(out, alt->nversions ? versions : NULL);
        fputc('}', out);
    }
    fputc(']', out);
}

static void json_step(FILE *out, const scn_step *step, size_t index)
{
    static const char *const kinds[] = {"call", "wait", "sleep"};
    char text[2048];
    fputc('{', out);
    json_key(out, "index", 1);
    fprintf(out, "%lu", (unsigned long)index);
    json_key(out, "file", 0);
    json_string(out, step->loc.file);
    json_key(out, "line", 0);
    fprintf(out, "%d", step->loc.line);
    json_key(out, "kind", 0);
    json_string(out, kinds[step->kind]);
    json_key(out, "thread", 0);
    json_string(out, step->thread);
    json_key(out, "function", 0);
    json_string(out, step->fn ? step->fn->name : NULL);
    json_key(out, "target", 0);
    json_string(out, step->fn ? api_functions[step->fn->target].name : NULL);
    json_key(out, "text", 0);
    scn_format_call(text, sizeof text, step);
    json_string(out, text);
    if (step->kind == SCN_STEP_CALL) {
        json_key(out, "expect", 0);
        scn_format_expect(text, sizeof text, &step->expect);
        json_string(out, text);
        json_key(out, "alternatives", 0);
        json_alternatives(out, &step->expect);
    }
    if (step->kind == SCN_STEP_SLEEP) {
        json_key(out, "ms", 0);
        fprintf(out, "%lu", (unsigned long)step->sleep_ms);
    }
    json_key(out, "evidence", 0);
    json_evidence(out, step->evidence, step->nevidence);
    fputc('}', out);
}

static void json_block(FILE *out, const scn_scenario *sc)
{
    static const char *const outcomes[] = {"normal", "crash", "hang"};
    fputc('{', out);
    json_key(out, "name", 1);
    json_string(out, sc->name);
    json_key(out, "file", 0);
    json_string(out, sc->loc.file);
    json_key(out, "line", 0);
    fprintf(out, "%d", sc->loc.line);
    json_key(out, "purpose", 0);
    json_string(out, sc->purpose);
    json_key(out, "skip", 0);
    json_string(out, sc->skip_reason);
    json_key(out, "racy", 0);
    json_string(out, sc->racy_reason);
    json_key(out, "expect", 0);
    json_string(out, outcomes[sc->outcome]);
    json_key(out, "covers", 0);
    fputc('[', out);
    for (size_t i = 0; i < sc->ncovers; i++) {
        /* kept as "FUNCTION NAME" by the parser */
        const char *space = strchr(sc->covers[i], ' ');
        char function[128];
        size_t n = space ? (size_t)(space - sc->covers[i]) : strlen(sc->covers[i]);
        if (n >= sizeof function)
            n = sizeof function - 1;
        memcpy(function, sc->covers[i], n);
        function[n] = '\0';
        fputs(i ? ",{" : "{", out);
        json_key(out, "function", 1);
        json_string(out, function);
        json_key(out, "code", 0);
        json_string(out, space ? space + 1 : "");
        fputc('}', out);
    }
    fputc(']', out);
    json_key(out, "evidence", 0);
    json_evidence(out, sc->evidence, sc->nevidence);
    json_key(out, "steps", 0);
    fputc('[', out);
    for (size_t i = 0; i < sc->nsteps; i++) {
        if (i)
            fputs(",\n", out);
        json_step(out, &sc->steps[i], i + 1);
    }
    fputs("]}", out);
}

void list_json(FILE *out, const scn_suite *suite)
{
    fputs("{\"format\":\"esent-harness-list\",\"version\":1,\n\"scenarios\":[\n", out);
    for (size_t i = 0; i < suite->nscenarios; i++) {
        if (i)
            fputs(",\n", out);
        json_block(out, &suite->scenarios[i]);
    }
    fputs("],\n\"setups\":[\n", out);
    for (size_t i = 0; i < suite->nsetups; i++) {
        if (i)
            fputs(",\n", out);
        json_block(out, &suite->setups[i]);
    }
    fputs("]}\n", out);
}
