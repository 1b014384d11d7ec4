/* Parsing one call step: arguments by form, checked against the parameter they fill, and
 * the expectation with its labels and version selectors. */
#include "scenario_step.h"

#include <stdio.h>
#include <string.h>

#include "scenario_tree.h"
#include "xalloc.h"

/* Parameters passed by value that hold a number or a handle (everything before STR_A). */
static int is_scalar(api_kind kind)
{
    return kind < API_KIND_STR_A;
}

/* 32-bit parameters: a value is stored as the parameter holds it, so printing and parsing
 * again gives the same number (-1 for an unsigned long is 4294967295). */
static int is_u32(api_kind kind)
{
    return kind == API_KIND_ULONG || kind == API_KIND_GRBIT || kind == API_KIND_PARAMID ||
           kind == API_KIND_DBID || kind == API_KIND_COLUMNID;
}

static int fit_value(scn_cursor *c, int col, const api_param *p, int64_t *value)
{
    if (p->kind != API_KIND_LONG && !is_u32(p->kind))
        return 0;
    if (*value < INT32_MIN || *value > (int64_t)UINT32_MAX)
        return scn_lex_fail(c, col, "%lld does not fit the 32-bit parameter %s", (long long)*value, p->name);
    if (p->kind == API_KIND_LONG)
        *value = *value > INT32_MAX ? *value - ((int64_t)UINT32_MAX + 1) : *value;
    else
        *value = *value < 0 ? *value + (int64_t)UINT32_MAX + 1 : *value;
    return 0;
}

/* A number, a named constant, or several or'ed together. */
static int parse_bits(scn_cursor *c, int64_t *value)
{
    char found[40];
    uint64_t bits = 0;
    int terms = 0;
    for (;;) {
        int64_t term;
        scn_lex_skip_ws(c);
        if (c->p < c->end && (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))) {
            if (scn_lex_int(c, &term) != 0)
                return -1;
        } else if (c->p < c->end && scn_lex_is_ident_start(*c->p)) {
            const char *s;
            int col = scn_lex_col(c);
            size_t n = scn_lex_ident(c, &s);
            char name[128];
            int known = 0;
            if (n < sizeof name) {
                snprintf(name, sizeof name, "%.*s", (int)n, s);
                known = jet_constant_by_name(name, &term);
            }
            if (!known)
                return scn_lex_fail(c, col, "unknown constant '%.*s' (not a JET code, flag or parameter)", (int)(n > 80 ? 80 : n), s);
        } else {
            return scn_lex_fail(c, 0, "expected a number or a constant, found %s", scn_lex_found(c, found, sizeof found));
        }
        bits = terms++ ? bits | (uint64_t)term : (uint64_t)term;
        scn_lex_skip_ws(c);
        if (c->p >= c->end || *c->p != '|')
            break;
        c->p++;
    }
    *value = terms == 1 || bits <= (uint64_t)INT64_MAX ? (int64_t)bits : (int64_t)(bits - (uint64_t)INT64_MAX - 1) + INT64_MIN;
    return 0;
}

/* SIGIL then a name [A-Za-z_][A-Za-z0-9_]* into *NAME. */
static int parse_travel_name(scn_cursor *c, char sigil, char **name)
{
    char found[40];
    const char *s;
    size_t n;
    c->p++;
    if ((n = scn_lex_ident(c, &s)) == 0)
        return scn_lex_fail(c, 0, "expected a name after '%c', found %s", sigil, scn_lex_found(c, found, sizeof found));
    *name = esh_xstrndup(s, n);
    return 0;
}

/* [N] or ["BASE"] after $list: an entry of a captured path list (docs/replay.md). */
static int parse_entry(scn_cursor *c, scn_arg *arg)
{
    char found[40];
    arg->kind = SCN_ARG_ENTRY;
    arg->ref = arg->text;
    arg->text = NULL;
    c->p++; /* '[' */
    scn_lex_skip_ws(c);
    if (c->p < c->end && *c->p == '"') {
        if (scn_lex_string(c, &arg->text) != 0)
            return -1;
    } else {
        int col = scn_lex_col(c);
        if (scn_lex_int(c, &arg->value) != 0)
            return -1;
        if (arg->value < 0 || arg->value > 65535)
            return scn_lex_fail(c, col, "a list entry is 0..65535, found %lld", (long long)arg->value);
    }
    scn_lex_skip_ws(c);
    if (c->p >= c->end || *c->p != ']')
        return scn_lex_fail(c, 0, "expected ']' after $%s[..., found %s", arg->ref, scn_lex_found(c, found, sizeof found));
    c->p++;
    return 0;
}

/* buf(SIZE|$name[, page][, +N][, &name]) after the word buf. */
static int parse_buf(scn_cursor *c, scn_arg *arg)
{
    char found[40];
    int64_t size;
    scn_lex_skip_ws(c);
    c->p++; /* '(' */
    scn_lex_skip_ws(c);
    int col = scn_lex_col(c);
    if (c->p < c->end && *c->p == '$') {
        if (parse_travel_name(c, '$', &arg->ref) != 0)
            return -1;
    } else {
        if (scn_lex_int(c, &size) != 0)
            return -1;
        if (size < 0 || size > (int64_t)UINT32_MAX)
            return scn_lex_fail(c, col, "buffer size %lld out of range (0..4294967295)", (long long)size);
        arg->size = (uint32_t)size;
    }
    for (;;) {
        scn_lex_skip_ws(c);
        if (c->p < c->end && *c->p == ')') {
            c->p++;
            return 0;
        }
        if (c->p >= c->end || *c->p != ',')
            return scn_lex_fail(c, 0, "expected ',' or ')' in buf(...), found %s", scn_lex_found(c, found, sizeof found));
        c->p++;
        scn_lex_skip_ws(c);
        col = scn_lex_col(c);
        if (scn_lex_keyword(c, "page")) {
            if (arg->align_page)
                return scn_lex_fail(c, col, "page given twice in buf(...)");
            arg->align_page = 1;
        } else if (c->p < c->end && *c->p == '+') {
            int64_t off;
            c->p++;
            if (scn_lex_int(c, &off) != 0)
                return -1;
            if (arg->misalign || off <= 0 || off > 4095)
                return scn_lex_fail(c, col, "misalignment must be given once, +1..+4095");
            arg->misalign = (int)off;
        } else if (c->p < c->end && *c->p == '&') {
            if (arg->capture)
                return scn_lex_fail(c, col, "&name given twice in buf(...)");
            if (parse_travel_name(c, '&', &arg->capture) != 0)
                return -1;
        } else {
            return scn_lex_fail(c, 0, "expected page or +N in buf(...), found %s", scn_lex_found(c, found, sizeof found));
        }
    }
}

/* One argument, by its form alone. */
static int parse_arg(scn_cursor *c, scn_arg *arg)
{
    char found[40];
    const char *s;
    size_t n;
    arg->loc = scn_lex_loc(c);
    if (c->p >= c->end)
        return scn_lex_fail(c, 0, "expected an argument, found end of line (missing ')'?)");
    switch (*c->p) {
    case '"':
        arg->kind = SCN_ARG_STRING;
        return scn_lex_string(c, &arg->text);
    case '$':
    case '&':
        arg->kind = *c->p == '$' ? SCN_ARG_REF : SCN_ARG_OUT;
        c->p++;
        if ((n = scn_lex_ident(c, &s)) == 0)
            return scn_lex_fail(c, 0, "expected a name after '%c', found %s", arg->kind == SCN_ARG_REF ? '$' : '&',
                                scn_lex_found(c, found, sizeof found));
        arg->text = esh_xstrndup(s, n);
        if (arg->kind == SCN_ARG_REF && c->p < c->end && *c->p == '[')
            return parse_entry(c, arg);
        if (arg->kind == SCN_ARG_OUT && c->p < c->end && *c->p == '=') {
            c->p++;
            arg->has_value = 1;
            return parse_bits(c, &arg->value);
        }
        return 0;
    default:
        break;
    }
    if (scn_lex_is_ident_start(*c->p)) {
        scn_cursor at = *c;
        n = scn_lex_ident(&at, &s);
        scn_lex_skip_ws(&at);
        int call = at.p < at.end && *at.p == '(';
        if (at.p < at.end && *at.p == ':') { /* ROOT:"REST" */
            arg->kind = SCN_ARG_ROOTED;
            arg->ref = esh_xstrndup(s, n);
            c->p = at.p + 1;
            scn_lex_skip_ws(c);
            if (c->p >= c->end || *c->p != '"')
                return scn_lex_fail(c, 0, "expected a \"path\" after %s:, found %s", arg->ref, scn_lex_found(c, found, sizeof found));
            return scn_lex_string(c, &arg->text);
        }
        if (n == 4 && memcmp(s, "null", 4) == 0) {
            arg->kind = SCN_ARG_NULL;
            c->p = s + n;
            return 0;
        }
        if (n == 7 && memcmp(s, "invalid", 7) == 0) {
            arg->kind = SCN_ARG_INVALID;
            c->p = s + n;
            return 0;
        }
        if (n == 3 && memcmp(s, "buf", 3) == 0 && call) {
            arg->kind = SCN_ARG_BUF;
            c->p = s + n;
            return parse_buf(c, arg);
        }
        if (n == 6 && memcmp(s, "struct", 6) == 0 && call) {
            arg->kind = SCN_ARG_STRUCT;
            c->p = at.p + 1;
            scn_lex_skip_ws(c);
            if ((n = scn_lex_ident(c, &s)) == 0)
                return scn_lex_fail(c, 0, "expected a structure name in struct(...), found %s", scn_lex_found(c, found, sizeof found));
            arg->text = esh_xstrndup(s, n);
            scn_lex_skip_ws(c);
            if (c->p >= c->end || *c->p != ')')
                return scn_lex_fail(c, 0, "expected ')' after struct(%s, found %s", arg->text, scn_lex_found(c, found, sizeof found));
            c->p++;
            return 0;
        }
    }
    arg->kind = SCN_ARG_INT;
    return parse_bits(c, &arg->value);
}

static const char *arg_form(scn_arg_kind kind)
{
    switch (kind) {
    case SCN_ARG_INT: return "a number";
    case SCN_ARG_STRING: return "a string";
    case SCN_ARG_NULL: return "null";
    case SCN_ARG_REF: return "a $name";
    case SCN_ARG_OUT: return "an &name";
    case SCN_ARG_BUF: return "buf(...)";
    case SCN_ARG_STRUCT: return "struct(...)";
    case SCN_ARG_INVALID: return "invalid";
    case SCN_ARG_ROOTED: return "a ROOT:\"path\"";
    case SCN_ARG_ENTRY: return "a $list[entry]";
    }
    return "?";
}

/* The structure a STRUCT parameter points to, from its C type ("const JET_COLUMNDEF *"). */
static size_t struct_type_name(const char *ctype, const char **start)
{
    const char *s = ctype, *e;
    if (strncmp(s, "const ", 6) == 0)
        s += 6;
    e = s;
    while (scn_lex_is_ident_char(*e))
        e++;
    *start = s;
    return (size_t)(e - s);
}

/* Whether the argument's form suits the parameter it fills. */
static int check_arg(scn_cursor *c, const api_function *fn, size_t index, const api_param *p, scn_arg *arg)
{
    unsigned number = (unsigned)index + 1; /* as a person counts arguments */
    int out = p->dir != API_DIR_IN, pointer = out || !is_scalar(p->kind);
    const char *kind = api_kind_name(p->kind), *dir = out ? (p->dir == API_DIR_OUT ? "output" : "in-out") : "input";
    int col = arg->loc.col;
    switch (arg->kind) {
    case SCN_ARG_NULL:
        return 0;
    case SCN_ARG_OUT:
        if (!out || !is_scalar(p->kind))
            return scn_lex_fail(c, col, "&%s needs an output parameter, but argument %u (%s) of %s is an %s %s", arg->text,
                                number, p->name, fn->name, kind, dir);
        return arg->has_value ? fit_value(c, col, p, &arg->value) : 0;
    case SCN_ARG_STRING:
    case SCN_ARG_ROOTED:
    case SCN_ARG_ENTRY:
        if (p->kind != API_KIND_STR_A && p->kind != API_KIND_STR_W)
            return scn_lex_fail(c, col, "a string needs a STR_A or STR_W parameter, but argument %u (%s) of %s is %s %s",
                                number, p->name, fn->name, kind, dir);
        return 0;
    case SCN_ARG_INT:
    case SCN_ARG_REF:
        if (pointer)
            return scn_lex_fail(c, col, "argument %u (%s) of %s is a pointer (%s %s): write %s, null, buf(...) or invalid, not %s",
                                number, p->name, fn->name, kind, dir, out && is_scalar(p->kind) ? "&name" : "a string",
                                arg_form(arg->kind));
        return arg->kind == SCN_ARG_INT ? fit_value(c, col, p, &arg->value) : 0;
    case SCN_ARG_BUF:
    case SCN_ARG_INVALID:
        if (!pointer)
            return scn_lex_fail(c, col, "argument %u (%s) of %s is a value (%s), not a pointer: %s does not fit",
                                number, p->name, fn->name, kind, arg_form(arg->kind));
        return 0;
    case SCN_ARG_STRUCT:
        if (p->kind == API_KIND_STRUCT) {
            const char *s;
            size_t n = struct_type_name(p->ctype, &s);
            if (strlen(arg->text) != n || memcmp(arg->text, s, n) != 0)
                return scn_lex_fail(c, col, "argument %u (%s) of %s points to %.*s, not %s", number, p->name, fn->name,
                                    (int)n, s, arg->text);
            return 0;
        }
        if (p->kind != API_KIND_BUF && p->kind != API_KIND_PTR)
            return scn_lex_fail(c, col, "argument %u (%s) of %s is %s %s: struct(...) needs a structure or buffer parameter",
                                number, p->name, fn->name, kind, dir);
        return 0;
    }
    return 0;
}

static void free_args(scn_arg *args, size_t n)
{
    for (size_t i = 0; i < n; i++)
        scn_tree_free_arg(&args[i]);
    free(args);
}

int scn_parse_call(scn_cursor *c, scn_step *step)
{
    char found[40], name[128];
    const char *s;
    int fn_col = scn_lex_col(c);
    size_t n = scn_lex_ident(c, &s);
    const api_function *fn;
    const api_param *params;
    scn_arg *args = NULL;
    size_t nargs = 0;

    if (n == 0)
        return scn_lex_fail(c, 0, "expected a step FUNCTION(...) -> EXPECTATION, found %s", scn_lex_found(c, found, sizeof found));
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
    if (n >= sizeof name || (fn = api_find(name)) == NULL)
        return scn_lex_fail(c, fn_col, "unknown function '%.*s' (not an export of ESENT.dll)", (int)(n > 80 ? 80 : n), s);
    if (!fn->has_proto)
        return scn_lex_fail(c, fn_col, "%s has no known prototype, so it cannot be called from a scenario", fn->name);
    scn_lex_skip_ws(c);
    if (c->p >= c->end || *c->p != '(')
        return scn_lex_fail(c, 0, "expected '(' after %s, found %s", fn->name, scn_lex_found(c, found, sizeof found));
    c->p++;
    scn_lex_skip_ws(c);
    if (c->p < c->end && *c->p == ')') {
        c->p++;
    } else {
        for (;;) {
            scn_lex_skip_ws(c);
            ESH_APPEND(args, nargs);
            memset(&args[nargs], 0, sizeof args[nargs]);
            if (parse_arg(c, &args[nargs++]) != 0)
                goto fail;
            scn_lex_skip_ws(c);
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                continue;
            }
            if (c->p < c->end && *c->p == ')') {
                c->p++;
                break;
            }
            scn_lex_fail(c, 0, "expected ',' or ')' after argument %u of %s, found %s", (unsigned)nargs, fn->name,
                         scn_lex_found(c, found, sizeof found));
            goto fail;
        }
    }
    if (nargs != fn->nparams) {
        scn_lex_fail(c, fn_col, "%s takes %u argument%s, found %u", fn->name, (unsigned)fn->nparams,
                     fn->nparams == 1 ? "" : "s", (unsigned)nargs);
        goto fail;
    }
    params = api_params_of(fn);
    for (size_t i = 0; i < nargs; i++)
        if (check_arg(c, fn, i, &params[i], &args[i]) != 0)
            goto fail;
    scn_lex_skip_ws(c);
    if (c->end - c->p < 2 || c->p[0] != '-' || c->p[1] != '>') {
        scn_lex_fail(c, 0, "expected '->' and an expectation after the call, found %s", scn_lex_found(c, found, sizeof found));
        goto fail;
    }
    c->p += 2;
    step->kind = SCN_STEP_CALL;
    step->fn = fn;
    step->args = args;
    step->nargs = nargs;
    if (scn_parse_expect(c, &step->expect) != 0) {
        step->args = NULL;
        step->nargs = 0;
        goto fail;
    }
    step->comment = scn_lex_comment(c);
    return 0;
fail:
    free_args(args, nargs);
    return -1;
}

int scn_parse_code(scn_cursor *c, jet_err *value)
{
    char found[40];
    int col = scn_lex_col(c);
    int64_t v;
    if (c->p < c->end && (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))) {
        if (scn_lex_int(c, &v) != 0)
            return -1;
        if (v < INT32_MIN || v > INT32_MAX)
            return scn_lex_fail(c, col, "code %lld out of range (a JET_ERR is 32 bits)", (long long)v);
        *value = (jet_err)v;
        return 0;
    }
    if (c->p < c->end && scn_lex_is_ident_start(*c->p)) {
        const char *s;
        size_t n = scn_lex_ident(c, &s);
        char name[128];
        const jet_code *code = NULL;
        if (n < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)n, s);
            code = jet_code_by_name(name);
        }
        if (!code)
            return scn_lex_fail(c, col, "unknown code '%.*s' (not in the JET code table)", (int)(n > 80 ? 80 : n), s);
        *value = code->value;
        return 0;
    }
    return scn_lex_fail(c, 0, "expected a JET code (name or number), found %s", scn_lex_found(c, found, sizeof found));
}

static int parse_release(scn_cursor *c, int *index)
{
    char found[40], name[32];
    const char *s;
    int col = scn_lex_col(c);
    size_t n = 0;
    s = c->p;
    while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= '0' && *c->p <= '9')))
        c->p++, n++;
    if (n == 0)
        return scn_lex_fail(c, 0, "expected a release name, build>=N or build<N after '@', found %s",
                            scn_lex_found(c, found, sizeof found));
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
    if (n >= sizeof name || (*index = scn_release_index(name)) < 0)
        return scn_lex_fail(c, col, "unknown release '%.*s' (known: xp ws2003 vista ws2008 win7 ws2008r2 win8 ws2012 "
                            "win81 ws2012r2 win10 ws2016 ws2019 ws2022 win11 ws2025)", (int)(n > 40 ? 40 : n), s);
    return 0;
}

static int parse_version(scn_cursor *c, scn_version *v)
{
    char found[40];
    memset(v, 0, sizeof *v);
    if (scn_lex_keyword(c, "build")) {
        int64_t build;
        int col;
        scn_lex_skip_ws(c);
        if (c->end - c->p >= 2 && c->p[0] == '>' && c->p[1] == '=') {
            v->kind = SCN_VER_BUILD_GE;
            c->p += 2;
        } else if (c->p < c->end && c->p[0] == '<' && (c->p + 1 >= c->end || c->p[1] != '=')) {
            v->kind = SCN_VER_BUILD_LT;
            c->p += 1;
        } else {
            return scn_lex_fail(c, 0, "expected >= or < after build, found %s", scn_lex_found(c, found, sizeof found));
        }
        scn_lex_skip_ws(c);
        col = scn_lex_col(c);
        if (scn_lex_int(c, &build) != 0)
            return -1;
        if (build < 0 || build > (int64_t)UINT32_MAX)
            return scn_lex_fail(c, col, "build %lld out of range", (long long)build);
        v->build = (uint32_t)build;
        return 0;
    }
    int col = scn_lex_col(c);
    if (parse_release(c, &v->release_lo) != 0)
        return -1;
    v->kind = SCN_VER_RELEASE;
    v->release_hi = v->release_lo;
    if (c->end - c->p >= 2 && c->p[0] == '.' && c->p[1] == '.') {
        c->p += 2;
        if (parse_release(c, &v->release_hi) != 0)
            return -1;
        if (v->release_hi < v->release_lo)
            return scn_lex_fail(c, col, "empty range %s..%s (releases go oldest first)", scn_release_name(v->release_lo),
                                scn_release_name(v->release_hi));
        v->kind = SCN_VER_RANGE;
    }
    return 0;
}

static int parse_alternative(scn_cursor *c, scn_alternative *alt)
{
    char found[40];
    scn_lex_skip_ws(c);
    /* LABEL: — an identifier directly followed (after blanks) by ':'. */
    if (c->p < c->end && scn_lex_is_ident_start(*c->p)) {
        scn_cursor at = *c;
        const char *s;
        size_t n = scn_lex_ident(&at, &s);
        scn_lex_skip_ws(&at);
        if (at.p < at.end && *at.p == ':') {
            alt->label = esh_xstrndup(s, n);
            c->p = at.p + 1;
            scn_lex_skip_ws(c);
        }
    }
    if (scn_lex_keyword(c, "any")) {
        alt->any = 1;
    } else {
        int col = scn_lex_col(c);
        if (scn_parse_code(c, &alt->code) != 0)
            return -1;
        scn_lex_skip_ws(c);
        if (c->p < c->end && *c->p == '(') {
            int64_t number;
            int ncol;
            c->p++;
            scn_lex_skip_ws(c);
            ncol = scn_lex_col(c);
            if (scn_lex_int(c, &number) != 0)
                return -1;
            scn_lex_skip_ws(c);
            if (c->p >= c->end || *c->p != ')')
                return scn_lex_fail(c, 0, "expected ')' after the code's number, found %s", scn_lex_found(c, found, sizeof found));
            c->p++;
            if (number != alt->code) {
                char name[64];
                (void)col;
                return scn_lex_fail(c, ncol, "%s is %ld, not %lld", jet_code_name(alt->code, name, sizeof name),
                                    (long)alt->code, (long long)number);
            }
        }
    }
    scn_lex_skip_ws(c);
    if (c->p < c->end && *c->p == '@') {
        c->p++;
        for (;;) {
            scn_lex_skip_ws(c);
            ESH_APPEND(alt->versions, alt->nversions);
            if (parse_version(c, &alt->versions[alt->nversions]) != 0)
                return -1;
            alt->nversions++;
            scn_lex_skip_ws(c);
            if (c->p >= c->end || *c->p != ',')
                break;
            c->p++;
        }
    }
    return 0;
}

int scn_parse_expect(scn_cursor *c, scn_expect *expect)
{
    char found[40];
    memset(expect, 0, sizeof *expect);
    for (;;) {
        ESH_APPEND(expect->alts, expect->nalts);
        memset(&expect->alts[expect->nalts], 0, sizeof expect->alts[expect->nalts]);
        expect->nalts++;
        if (parse_alternative(c, &expect->alts[expect->nalts - 1]) != 0)
            goto fail;
        if (scn_lex_at_end(c))
            return 0;
        if (*c->p != '|') {
            scn_lex_fail(c, 0, "expected '|' or the end of the line after an expectation, found %s",
                         scn_lex_found(c, found, sizeof found));
            goto fail;
        }
        c->p++;
    }
fail:
    scn_tree_free_expect(expect);
    return -1;
}

/* ---- the forms that make a trace travel (docs/replay.md) ------------------------------ */

int scn_parse_root(scn_cursor *c, scn_scenario *sc)
{
    char found[40];
    const char *s;
    size_t n;
    scn_root root;
    memset(&root, 0, sizeof root);
    scn_lex_skip_ws(c);
    root.loc = scn_lex_loc(c);
    if ((n = scn_lex_ident(c, &s)) == 0)
        return scn_lex_fail(c, 0, "expected a root name [A-Za-z_][A-Za-z0-9_]* after root, found %s",
                            scn_lex_found(c, found, sizeof found));
    root.name = esh_xstrndup(s, n);
    if (scn_scenario_root(sc, root.name)) {
        const scn_root *first = scn_scenario_root(sc, root.name);
        scn_lex_fail(c, root.loc.col, "root %s given twice (first at line %d)", root.name, first->loc.line);
        free(root.name);
        return -1;
    }
    scn_lex_skip_ws(c);
    if (c->p >= c->end || *c->p != '"') {
        scn_lex_fail(c, 0, "expected the recorded folder as a \"PATH\" after root %s, found %s", root.name,
                     scn_lex_found(c, found, sizeof found));
        free(root.name);
        return -1;
    }
    if (scn_lex_string(c, &root.path) != 0 || !scn_lex_at_end(c)) {
        if (root.path)
            scn_lex_fail(c, 0, "unexpected %s after the root's path", scn_lex_found(c, found, sizeof found));
        free(root.name);
        free(root.path);
        return -1;
    }
    ESH_APPEND(sc->roots, sc->nroots);
    sc->roots[sc->nroots++] = root;
    return 0;
}

int scn_parse_state(scn_cursor *c, scn_scenario *sc)
{
    char found[40];
    scn_state state;
    int64_t size = -1;
    memset(&state, 0, sizeof state);
    scn_lex_skip_ws(c);
    state.loc = scn_lex_loc(c);
    if (c->p >= c->end || (*c->p != '"' && !scn_lex_is_ident_start(*c->p)))
        return scn_lex_fail(c, 0, "expected the file as \"PATH\" or ROOT:\"REST\" after state, found %s",
                            scn_lex_found(c, found, sizeof found));
    if (parse_arg(c, &state.path) != 0)
        goto fail;
    if (state.path.kind != SCN_ARG_STRING && state.path.kind != SCN_ARG_ROOTED) {
        scn_lex_fail(c, state.path.loc.col, "expected the file as \"PATH\" or ROOT:\"REST\" after state");
        goto fail;
    }
    scn_lex_skip_ws(c);
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') {
        scn_lex_fail(c, 0, "expected the file's size in bytes after its path, found %s",
                     scn_lex_found(c, found, sizeof found));
        goto fail;
    }
    if (scn_lex_int(c, &size) != 0)
        goto fail;
    state.size = (uint64_t)size;
    scn_lex_skip_ws(c);
    if (!scn_lex_keyword(c, "bytes")) {
        scn_lex_fail(c, 0, "expected bytes after the size, found %s", scn_lex_found(c, found, sizeof found));
        goto fail;
    }
    scn_lex_skip_ws(c);
    if (scn_lex_keyword(c, "from")) {
        scn_lex_skip_ws(c);
        if (c->p >= c->end || *c->p != '"') {
            scn_lex_fail(c, 0, "expected \"FILE\" after from, found %s", scn_lex_found(c, found, sizeof found));
            goto fail;
        }
        if (scn_lex_string(c, &state.from) != 0)
            goto fail;
    } else if (scn_lex_keyword(c, "not")) {
        scn_lex_skip_ws(c);
        if (!scn_lex_keyword(c, "captured") || (scn_lex_skip_ws(c), c->p >= c->end || *c->p != ':')) {
            scn_lex_fail(c, 0, "expected not captured: WHY, found %s", scn_lex_found(c, found, sizeof found));
            goto fail;
        }
        c->p++;
        state.missing = scn_lex_text(c);
        if (!state.missing[0]) {
            scn_lex_fail(c, 0, "expected the reason after not captured:");
            goto fail;
        }
    }
    if (!scn_lex_at_end(c)) {
        scn_lex_fail(c, 0, "expected from \"FILE\", not captured: WHY or the end of the line after bytes, found %s",
                     scn_lex_found(c, found, sizeof found));
        goto fail;
    }
    ESH_APPEND(sc->states, sc->nstates);
    sc->states[sc->nstates++] = state;
    return 0;
fail:
    scn_tree_free_arg(&state.path);
    free(state.from);
    free(state.missing);
    return -1;
}

const scn_root *scn_scenario_root(const scn_scenario *sc, const char *name)
{
    for (size_t i = 0; name && i < sc->nroots; i++)
        if (strcmp(sc->roots[i].name, name) == 0)
            return &sc->roots[i];
    return NULL;
}

const char *scn_arg_reference(const scn_arg *arg)
{
    switch (arg->kind) {
    case SCN_ARG_REF:
        return arg->text;
    case SCN_ARG_ENTRY:
    case SCN_ARG_BUF:
        return arg->ref;
    default:
        return NULL;
    }
}

const char *scn_arg_capture(const scn_arg *arg)
{
    if (arg->kind == SCN_ARG_OUT)
        return arg->text;
    if (arg->kind == SCN_ARG_BUF)
        return arg->capture;
    return NULL;
}
