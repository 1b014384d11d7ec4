/* The printer: the canonical text of a step. The shim's recorder calls it on its hot path,
 * so it never allocates; it writes what fits and returns the length it needed (snprintf). */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

typedef struct out {
    char *buf;
    size_t size, len; /* len counts what was needed, even past size */
} out;

/* Byte loops rather than memcpy and strlen: the pieces are a few bytes long, and under
 * Wine each msvcrt call costs more than copying them (the shim formats on its hot path). */
static void put(out *o, const char *s, size_t n)
{
    if (o->size > 0 && o->len < o->size - 1) {
        size_t room = o->size - 1 - o->len;
        char *dst = o->buf + o->len;
        for (size_t i = 0, m = n < room ? n : room; i < m; i++)
            dst[i] = s[i];
    }
    o->len += n;
}

/* One pass: copies while it fits, then only counts. */
static void put_str(out *o, const char *s)
{
    size_t room = o->size > 0 && o->len < o->size - 1 ? o->size - 1 - o->len : 0;
    size_t n = 0;
    if (room > 0) {
        char *dst = o->buf + o->len;
        for (; n < room && s[n] != '\0'; n++)
            dst[n] = s[n];
    }
    while (s[n] != '\0')
        n++;
    o->len += n;
}

static size_t finish(out *o)
{
    if (o->size > 0)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
    return o->len;
}

/* Numbers by hand: snprintf is most of a record's cost in the shim (~60 ns a number
 * under Wine's msvcrt). */
static void put_int(out *o, long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        tmp[--n] = '-';
    put(o, tmp + n, sizeof tmp - n);
}

static void put_hex(out *o, unsigned long long v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24];
    size_t n = sizeof tmp;
    do {
        tmp[--n] = digits[v & 15];
        v >>= 4;
    } while (v != 0);
    tmp[--n] = 'x';
    tmp[--n] = '0';
    put(o, tmp + n, sizeof tmp - n);
}

/* "text" with the escapes the parser reads; other control bytes as \xHH. */
static void put_quoted(out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(o, "\"", 1);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '\\': put(o, "\\\\", 2); break;
        case '"': put(o, "\\\"", 2); break;
        case '\n': put(o, "\\n", 2); break;
        case '\t': put(o, "\\t", 2); break;
        case '\r': put(o, "\\r", 2); break;
        default:
            if (ch < 0x20 || ch == 0x7f) {
                char esc[4] = {'\\', 'x', hex[ch >> 4], hex[ch & 15]};
                put(o, esc, 4);
            } else {
                put(o, (const char *)s, 1);
            }
        }
    }
    put(o, "\"", 1);
}

/* A number as the parameter reads best: grbits with their family's flag names, parameter
 * ids by JET_param name, handles in hex; PARAM may be NULL (plain decimal). */
static void put_value(out *o, const api_param *param, int64_t v)
{
    if (param && param->kind == API_KIND_GRBIT) {
        char tmp[1024];
        put_str(o, jet_grbit_format(param->grbit_family, (uint32_t)v, tmp, sizeof tmp));
        return;
    }
    if (param && param->kind == API_KIND_PARAMID) {
        const jet_named_value *named = v >= 0 && v <= (int64_t)UINT32_MAX ? jet_param_by_value((uint32_t)v) : NULL;
        if (named) {
            put_str(o, named->name);
            return;
        }
    }
    if (param && v > 0 &&
        (param->kind == API_KIND_INSTANCE || param->kind == API_KIND_SESID || param->kind == API_KIND_TABLEID ||
         param->kind == API_KIND_HANDLE || param->kind == API_KIND_OSSNAPID || param->kind == API_KIND_API_PTR)) {
        put_hex(o, (unsigned long long)v);
        return;
    }
    put_int(o, (long long)v);
}

static void put_arg(out *o, const api_param *param, const scn_arg *arg)
{
    switch (arg->kind) {
    case SCN_ARG_INT:
        put_value(o, param, arg->value);
        return;
    case SCN_ARG_STRING:
        put_quoted(o, arg->text);
        return;
    case SCN_ARG_NULL:
        put_str(o, "null");
        return;
    case SCN_ARG_REF:
        put(o, "$", 1);
        put_str(o, arg->text ? arg->text : "");
        return;
    case SCN_ARG_OUT:
        put(o, "&", 1);
        put_str(o, arg->text ? arg->text : "");
        if (arg->has_value) {
            put(o, "=", 1);
            put_value(o, param, arg->value);
        }
        return;
    case SCN_ARG_BUF:
        put_str(o, "buf(");
        if (arg->ref) {
            put(o, "$", 1);
            put_str(o, arg->ref);
        } else
            put_int(o, (long long)arg->size);
        if (arg->align_page)
            put_str(o, ", page");
        if (arg->misalign) {
            put_str(o, ", +");
            put_int(o, arg->misalign);
        }
        if (arg->capture) {
            put_str(o, ", &");
            put_str(o, arg->capture);
        }
        put(o, ")", 1);
        return;
    case SCN_ARG_ROOTED:
        put_str(o, arg->ref ? arg->ref : "");
        put(o, ":", 1);
        put_quoted(o, arg->text ? arg->text : "");
        return;
    case SCN_ARG_ENTRY:
        put(o, "$", 1);
        put_str(o, arg->ref ? arg->ref : "");
        put(o, "[", 1);
        if (arg->text)
            put_quoted(o, arg->text);
        else
            put_int(o, (long long)arg->value);
        put(o, "]", 1);
        return;
    case SCN_ARG_STRUCT:
        put_str(o, "struct(");
        put_str(o, arg->text ? arg->text : "");
        put(o, ")", 1);
        return;
    case SCN_ARG_INVALID:
        put_str(o, "invalid");
        return;
    }
}

static void put_code(out *o, jet_err code)
{
    const jet_code *known = jet_code_by_value(code);
    if (known) {
        put_str(o, known->name);
        put_str(o, " (");
        put_int(o, code);
        put(o, ")", 1);
    } else {
        put_int(o, code);
    }
}

static void put_version(out *o, const scn_version *v)
{
    const char *lo = scn_release_name(v->release_lo), *hi = scn_release_name(v->release_hi);
    switch (v->kind) {
    case SCN_VER_RELEASE:
        put_str(o, lo ? lo : "?");
        return;
    case SCN_VER_RANGE:
        put_str(o, lo ? lo : "?");
        put_str(o, "..");
        put_str(o, hi ? hi : "?");
        return;
    case SCN_VER_BUILD_GE:
        put_str(o, "build>=");
        put_int(o, v->build);
        return;
    case SCN_VER_BUILD_LT:
        put_str(o, "build<");
        put_int(o, v->build);
        return;
    }
}

static void put_expect(out *o, const scn_expect *expect)
{
    if (expect->nalts == 0) {
        put_str(o, "any");
        return;
    }
    for (size_t i = 0; i < expect->nalts; i++) {
        const scn_alternative *alt = &expect->alts[i];
        if (i)
            put_str(o, " | ");
        if (alt->label) {
            put_str(o, alt->label);
            put_str(o, ": ");
        }
        if (alt->any)
            put_str(o, "any");
        else
            put_code(o, alt->code);
        for (size_t k = 0; k < alt->nversions; k++) {
            put_str(o, k ? "," : " @");
            put_version(o, &alt->versions[k]);
        }
    }
}

size_t scn_format_arg(char *buf, size_t size, const scn_arg *arg)
{
    out o = {buf, size, 0};
    put_arg(&o, NULL, arg);
    return finish(&o);
}

size_t scn_format_expect(char *buf, size_t size, const scn_expect *expect)
{
    out o = {buf, size, 0};
    put_expect(&o, expect);
    return finish(&o);
}

size_t scn_format_versions(char *buf, size_t size, const scn_alternative *alt)
{
    out o = {buf, size, 0};
    for (size_t k = 0; k < alt->nversions; k++) {
        if (k)
            put_str(&o, ",");
        put_version(&o, &alt->versions[k]);
    }
    return finish(&o);
}

size_t scn_format_call(char *buf, size_t size, const scn_step *step)
{
    out o = {buf, size, 0};
    if (step->kind == SCN_STEP_WAIT) {
        put_str(&o, "wait ");
        put_str(&o, step->thread ? step->thread : "");
        return finish(&o);
    }
    if (step->kind == SCN_STEP_SLEEP) {
        put_str(&o, "sleep ");
        put_int(&o, step->sleep_ms);
        return finish(&o);
    }
    if (step->thread) {
        put_str(&o, step->thread);
        put_str(&o, ": ");
    }
    put_str(&o, step->fn ? step->fn->name : "?");
    put(&o, "(", 1);
    {
        const api_param *params = step->fn ? api_params_of(step->fn) : NULL;
        size_t nparams = step->fn ? step->fn->nparams : 0;
        for (size_t i = 0; i < step->nargs; i++) {
            if (i)
                put_str(&o, ", ");
            put_arg(&o, params && i < nparams ? &params[i] : NULL, &step->args[i]);
        }
    }
    put_str(&o, ") -> ");
    put_expect(&o, &step->expect);
    return finish(&o);
}

size_t scn_format_root(char *buf, size_t size, const scn_root *root)
{
    out o = {buf, size, 0};
    put_str(&o, "root ");
    put_str(&o, root->name);
    put(&o, " ", 1);
    put_quoted(&o, root->path);
    return finish(&o);
}

size_t scn_format_state(char *buf, size_t size, const scn_state *state)
{
    out o = {buf, size, 0};
    char number[32];
    put_str(&o, "state ");
    put_arg(&o, NULL, &state->path);
    snprintf(number, sizeof number, " %llu bytes", (unsigned long long)state->size);
    put_str(&o, number);
    if (state->from) {
        put_str(&o, " from ");
        put_quoted(&o, state->from);
    } else if (state->missing) {
        put_str(&o, " not captured: ");
        put_str(&o, state->missing);
    }
    return finish(&o);
}
