/* The scenario parser: files and folders, top-level directives, the lines of a scenario or
 * setup, then (once every file of the call is read) `use` expansion and the checks that
 * need the whole expanded scenario ($name captures, threads, duplicate names). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_lexer.h"
#include "scenario_step.h"
#include "scenario_tree.h"
#include "text_files.h"
#include "trace_decode.h"
#include "xalloc.h"

/* A `use NAME` waiting for expansion: it splices before step AT of its block. */
typedef struct pending_use {
    size_t at;
    char *name;
    scn_location loc;
    scn_evidence *evidence; /* evidence written just before the use: goes to the first spliced step */
    size_t nevidence;
} pending_use;

typedef struct block {
    scn_scenario sc;
    pending_use *uses;
    size_t nuses;
    size_t file;   /* index into parser.files */
    int expansion; /* 0: not expanded, 1: being expanded (a cycle if met again), 2: done */
} block;

typedef struct file_rec {
    const char *path;  /* owned by suite->files */
    int main_order;    /* -1: read only for its setups (include) */
    size_t *includes;  /* indices of the files it includes */
    size_t nincludes;
} file_rec;

typedef struct parser {
    scn_suite *suite;
    scn_error *err;
    file_rec *files;
    size_t nfiles;
    block *blocks;
    size_t nblocks;
    int next_main;
    int depth; /* include nesting, bounded */
} parser;

static int fail_at(parser *ps, scn_location loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail_at(parser *ps, scn_location loc, const char *fmt, ...)
{
    va_list ap;
    ps->err->loc = loc;
    va_start(ap, fmt);
    vsnprintf(ps->err->message, sizeof ps->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- paths ---------------------------------------------------------------------------- */

static int is_absolute(const char *p)
{
    return p[0] == '/' || (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':');
}

/* BASE's folder joined with REL (REL alone when absolute or BASE is NULL), with '/'
 * separators and "." / "x/.." folded away, so one file has one name (read once) and Wine
 * never sees "..". */
static char *resolve_path(const char *base, const char *rel)
{
    size_t nb = 0, nr = strlen(rel), n = 0;
    char *joined, *out;
    size_t *starts;
    size_t nparts = 0, i = 0, o = 0;
    if (base && !is_absolute(rel)) {
        const char *slash = NULL;
        for (const char *q = base; *q; q++)
            if (*q == '/' || *q == '\\')
                slash = q;
        nb = slash ? (size_t)(slash - base) + 1 : 0;
    }
    joined = esh_xrealloc(NULL, nb + nr + 1);
    if (nb)
        memcpy(joined, base, nb);
    memcpy(joined + nb, rel, nr + 1);
    n = nb + nr;
    for (size_t k = 0; k < n; k++)
        if (joined[k] == '\\')
            joined[k] = '/';
    out = esh_xrealloc(NULL, n + 2);
    starts = esh_xrealloc(NULL, (n + 1) * sizeof *starts);
    if (joined[0] == '/') {
        out[o++] = '/';
        i = 1;
        if (joined[1] == '/') { /* a UNC path (\\server\share) keeps both */
            out[o++] = '/';
            i = 2;
        }
    }
    while (i <= n) {
        size_t j = i;
        while (j < n && joined[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 0 || (len == 1 && joined[i] == '.')) {
            /* nothing */
        } else if (len == 2 && joined[i] == '.' && joined[i + 1] == '.' && nparts > 0 &&
                   !(o - starts[nparts - 1] == 2 && out[starts[nparts - 1]] == '.' && out[starts[nparts - 1] + 1] == '.') &&
                   out[o - 1] != ':') {
            o = starts[--nparts];
            if (o > 0 && out[o - 1] == '/' && !(o == 1 && out[0] == '/'))
                o--;
        } else {
            if (o > 0 && out[o - 1] != '/')
                out[o++] = '/';
            starts[nparts++] = o;
            memcpy(out + o, joined + i, len);
            o += len;
        }
        i = j + 1;
    }
    out[o] = '\0';
    free(joined);
    free(starts);
    return out;
}

/* ---- the suite's own arrays ------------------------------------------------------------ */

static size_t add_file(parser *ps, const char *path, int main_order)
{
    scn_suite *s = ps->suite;
    ESH_APPEND(s->files, s->nfiles);
    s->files[s->nfiles++] = esh_xstrdup(path);
    ESH_APPEND(ps->files, ps->nfiles);
    memset(&ps->files[ps->nfiles], 0, sizeof ps->files[ps->nfiles]);
    ps->files[ps->nfiles].path = s->files[s->nfiles - 1];
    ps->files[ps->nfiles].main_order = main_order;
    return ps->nfiles++;
}

static void add_warning(scn_suite *s, const char *text)
{
    ESH_APPEND(s->warnings, s->nwarnings);
    s->warnings[s->nwarnings++] = esh_xstrdup(text);
}

static void free_block(block *b)
{
    scn_tree_free_scenario(&b->sc);
    for (size_t i = 0; i < b->nuses; i++) {
        free(b->uses[i].name);
        scn_tree_free_evidence(b->uses[i].evidence, b->uses[i].nevidence);
    }
    free(b->uses);
    memset(b, 0, sizeof *b);
}

static void append_evidence(scn_evidence **to, size_t *n, scn_evidence *from, size_t nfrom)
{
    for (size_t i = 0; i < nfrom; i++) {
        ESH_APPEND(*to, *n);
        (*to)[(*n)++] = from[i];
    }
    free(from);
}

/* ---- one file --------------------------------------------------------------------------- */

static int parse_file_text(parser *ps, size_t fi, const char *text, size_t len);

static int read_and_parse(parser *ps, size_t fi, scn_location where)
{
    char *text;
    size_t len;
    int rc;
    if (esh_read_file(ps->files[fi].path, &text, &len) != 0)
        return fail_at(ps, where, "cannot read '%s'", ps->files[fi].path);
    rc = parse_file_text(ps, fi, text, len);
    free(text);
    return rc;
}

static long find_file(const parser *ps, const char *path)
{
    for (size_t i = 0; i < ps->nfiles; i++)
        if (strcmp(ps->files[i].path, path) == 0)
            return (long)i;
    return -1;
}

static int suite_has_file(const scn_suite *s, const char *path)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i], path) == 0)
            return 1;
    return 0;
}

static int parse_include(parser *ps, size_t fi, scn_cursor *c)
{
    char found[40];
    char *rel, *path;
    long known;
    scn_location loc;
    scn_lex_skip_ws(c);
    loc = scn_lex_loc(c);
    if (c->p < c->end && *c->p == '"') {
        if (scn_lex_string(c, &rel) != 0)
            return -1;
        if (!scn_lex_at_end(c)) {
            free(rel);
            return scn_lex_fail(c, 0, "unexpected %s after the include path", scn_lex_found(c, found, sizeof found));
        }
    } else {
        rel = scn_lex_text(c);
    }
    if (rel[0] == '\0') {
        free(rel);
        return scn_lex_fail(c, loc.col, "include needs a path");
    }
    path = resolve_path(ps->files[fi].path, rel);
    free(rel);
    known = find_file(ps, path);
    if (known < 0 && suite_has_file(ps->suite, path)) {
        free(path); /* read by an earlier call: its setups are in the suite already */
        return 0;
    }
    if (known < 0) {
        int rc;
        if (ps->depth >= 64) {
            free(path);
            return fail_at(ps, loc, "includes nested more than 64 deep");
        }
        known = (long)add_file(ps, path, -1);
        free(path);
        ESH_APPEND(ps->files[fi].includes, ps->files[fi].nincludes);
        ps->files[fi].includes[ps->files[fi].nincludes++] = (size_t)known;
        ps->depth++;
        rc = read_and_parse(ps, (size_t)known, loc);
        ps->depth--;
        return rc;
    }
    free(path);
    ESH_APPEND(ps->files[fi].includes, ps->files[fi].nincludes);
    ps->files[fi].includes[ps->files[fi].nincludes++] = (size_t)known;
    return 0;
}

/* State of the block being read. */
typedef struct block_state {
    block b;
    int open;
    int evidence_lines;
    size_t items;              /* steps and uses so far */
    scn_evidence *pending;     /* evidence waiting for the next step */
    size_t npending;
    int outcome_pending;       /* an `expect:` between steps waits to mark the next step */
    scn_location outcome_loc;
} block_state;

static int expect_line_end(scn_cursor *c, const char *after)
{
    char found[40];
    if (!scn_lex_at_end(c))
        return scn_lex_fail(c, 0, "unexpected %s after %s", scn_lex_found(c, found, sizeof found), after);
    return 0;
}

static int begin_block(scn_cursor *c, block_state *st, size_t fi, int is_setup)
{
    char found[40];
    const char *s;
    size_t n;
    scn_lex_skip_ws(c);
    memset(st, 0, sizeof *st);
    st->b.sc.loc = scn_lex_loc(c);
    if ((n = scn_lex_name(c, &s)) == 0)
        return scn_lex_fail(c, 0, "expected a %s name [A-Za-z0-9_.-]+, found %s", is_setup ? "setup" : "scenario",
                            scn_lex_found(c, found, sizeof found));
    if (expect_line_end(c, is_setup ? "the setup name" : "the scenario name") != 0)
        return -1;
    st->b.sc.name = esh_xstrndup(s, n);
    st->b.sc.is_setup = is_setup;
    st->b.file = fi;
    st->open = 1;
    return 0;
}

static int finish_block(parser *ps, block_state *st)
{
    scn_scenario *sc = &st->b.sc;
    /* Evidence after the last step supports the scenario as a whole. */
    append_evidence(&sc->evidence, &sc->nevidence, st->pending, st->npending);
    st->pending = NULL;
    st->npending = 0;
    if (st->outcome_pending)
        return fail_at(ps, st->outcome_loc, "expect: after the last step marks no step (write it before the step "
                       "that crashes or hangs, or before the first step for the last one)");
    if (!sc->is_setup && !sc->purpose)
        return fail_at(ps, sc->loc, "scenario '%s' has no purpose: line", sc->name);
    if (!sc->is_setup && st->evidence_lines == 0)
        return fail_at(ps, sc->loc, "scenario '%s' has no evidence: line (every scenario needs one)", sc->name);
    ESH_APPEND(ps->blocks, ps->nblocks);
    ps->blocks[ps->nblocks++] = st->b;
    memset(st, 0, sizeof *st);
    return 0;
}

static int parse_evidence(scn_cursor *c, scn_evidence *ev)
{
    char found[40];
    const char *s;
    size_t n;
    memset(ev, 0, sizeof *ev);
    scn_lex_skip_ws(c);
    ev->loc = scn_lex_loc(c);
    n = scn_lex_ident(c, &s);
    if (n == 5 && memcmp(s, "trace", 5) == 0) {
        ev->kind = esh_xstrdup("trace");
        ev->text = scn_lex_text(c);
        if (ev->text[0] == '\0')
            return scn_lex_fail(c, 0, "evidence: trace needs a text (host, DLL and version)");
        return 0;
    }
    if (!((n == 3 && memcmp(s, "doc", 3) == 0) || (n == 3 && memcmp(s, "src", 3) == 0))) {
        c->p = s; /* name the whole word found */
        return scn_lex_fail(c, ev->loc.col, "evidence kind must be doc, src or trace, found %s",
                            scn_lex_found(c, found, sizeof found));
    }
    ev->kind = esh_xstrndup(s, n);
    scn_lex_skip_ws(c);
    s = c->p;
    while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != '"' && *c->p != '#')
        c->p++;
    if (c->p == s)
        return scn_lex_fail(c, 0, "evidence: %s needs a %s before the quote", ev->kind,
                            ev->kind[0] == 'd' ? "file name" : "citation (dev/ese/src/ese/backup.cxx:2702-2709)");
    ev->where = esh_xstrndup(s, (size_t)(c->p - s));
    scn_lex_skip_ws(c);
    if (c->p >= c->end || *c->p != '"')
        return scn_lex_fail(c, 0, "evidence: %s needs a \"quoted\" %s, found %s", ev->kind,
                            ev->kind[0] == 'd' ? "sentence" : "summary", scn_lex_found(c, found, sizeof found));
    if (scn_lex_string(c, &ev->text) != 0)
        return -1;
    return expect_line_end(c, "the evidence quote");
}

static int parse_reason(scn_cursor *c, int col, const block_state *st, char **slot, const char *what)
{
    char *text;
    if (st->b.sc.is_setup)
        return scn_lex_fail(c, col, "%s: belongs in a scenario, not in setup '%s'", what, st->b.sc.name);
    if (*slot)
        return scn_lex_fail(c, col, "%s: given twice", what);
    text = scn_lex_text(c);
    if (text[0] == '\0') {
        free(text);
        return scn_lex_fail(c, 0, "%s: needs a text", what);
    }
    *slot = text;
    return 0;
}

static int parse_covers(scn_cursor *c, int directive_col, block_state *st)
{
    char found[40], buf[256], name[64];
    const char *s;
    size_t n;
    int col;
    jet_err code;
    const api_function *fn;
    scn_scenario *sc = &st->b.sc;
    if (sc->is_setup)
        return scn_lex_fail(c, directive_col, "covers: belongs in a scenario, not in setup '%s'", sc->name);
    scn_lex_skip_ws(c);
    col = scn_lex_col(c);
    n = scn_lex_ident(c, &s);
    if (n == 0)
        return scn_lex_fail(c, 0, "covers: expects FUNCTION CODE, found %s", scn_lex_found(c, found, sizeof found));
    snprintf(buf, sizeof buf, "%.*s", (int)(n < 128 ? n : 127), s);
    if (n >= 128 || (fn = api_find(buf)) == NULL)
        return scn_lex_fail(c, col, "covers: unknown function '%.*s'", (int)(n > 80 ? 80 : n), s);
    scn_lex_skip_ws(c);
    if (scn_parse_code(c, &code) != 0)
        return -1;
    if (expect_line_end(c, "covers: FUNCTION CODE") != 0)
        return -1;
    snprintf(buf, sizeof buf, "%s %s", fn->name, jet_code_name(code, name, sizeof name));
    ESH_APPEND(sc->covers, sc->ncovers);
    sc->covers[sc->ncovers++] = esh_xstrdup(buf);
    return 0;
}

/* Adds STEP to the block with the evidence waiting for it. */
static void add_step(block_state *st, scn_step *step)
{
    scn_scenario *sc = &st->b.sc;
    step->evidence = st->pending;
    step->nevidence = st->npending;
    st->pending = NULL;
    st->npending = 0;
    step->outcome_here = st->outcome_pending;
    st->outcome_pending = 0;
    ESH_APPEND(sc->steps, sc->nsteps);
    sc->steps[sc->nsteps++] = *step;
    st->items++;
}

static int is_directive(const char *s, size_t n)
{
    static const char *const words[] = {"purpose", "evidence", "skip", "racy", "expect", "covers"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return 1;
    return 0;
}

/* One line inside a scenario or setup. */
static int parse_block_line(scn_cursor *c, block_state *st, size_t *records)
{
    char found[40];
    scn_scenario *sc = &st->b.sc;
    scn_location line_loc = scn_lex_loc(c);
    const char *kind = sc->is_setup ? "setup" : "scenario";
    const char *s;
    size_t n;
    scn_step step;
    memset(&step, 0, sizeof step);
    step.loc = line_loc;

    if (scn_lex_keyword(c, "end"))
        return expect_line_end(c, "end") == 0 ? 1 : -1;
    if (scn_lex_keyword(c, "scenario") || scn_lex_keyword(c, "setup") || scn_lex_keyword(c, "include"))
        return scn_lex_fail(c, line_loc.col, "%.*s inside %s '%s' (missing end?)", (int)(c->p - (c->line_start + line_loc.col - 1)),
                            c->line_start + line_loc.col - 1, kind, sc->name);
    if (scn_lex_keyword(c, "root") && c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        return scn_parse_root(c, sc);
    c->p = c->line_start + line_loc.col - 1; /* `root:` is a thread prefix */
    if (scn_lex_keyword(c, "state") && c->p < c->end && (*c->p == ' ' || *c->p == '\t')) {
        if (sc->nsteps > 0)
            return scn_lex_fail(c, line_loc.col, "state after the first step (line %d): a recording's files are laid "
                                "down before the first call, so state lines come first", sc->steps[0].loc.line);
        return scn_parse_state(c, sc);
    }
    c->p = c->line_start + line_loc.col - 1; /* as is `state:` */
    if (scn_lex_keyword(c, "use")) {
        pending_use use;
        scn_lex_skip_ws(c);
        memset(&use, 0, sizeof use);
        use.loc = scn_lex_loc(c);
        if ((n = scn_lex_name(c, &s)) == 0)
            return scn_lex_fail(c, 0, "expected a setup name after use, found %s", scn_lex_found(c, found, sizeof found));
        if (expect_line_end(c, "the setup name") != 0)
            return -1;
        if (st->outcome_pending)
            return scn_lex_fail(c, line_loc.col, "expect: between steps marks the step that follows; a use cannot be marked "
                               "(mark the step after it, or write the setup's steps)");
        use.at = sc->nsteps;
        use.name = esh_xstrndup(s, n);
        use.evidence = st->pending;
        use.nevidence = st->npending;
        st->pending = NULL;
        st->npending = 0;
        ESH_APPEND(st->b.uses, st->b.nuses);
        st->b.uses[st->b.nuses++] = use;
        st->items++;
        return 0;
    }
    if (scn_lex_keyword(c, "wait")) {
        scn_lex_skip_ws(c);
        if ((n = scn_lex_ident(c, &s)) == 0)
            return scn_lex_fail(c, 0, "expected a thread name after wait, found %s", scn_lex_found(c, found, sizeof found));
        if (expect_line_end(c, "the thread name") != 0)
            return -1;
        step.kind = SCN_STEP_WAIT;
        step.thread = esh_xstrndup(s, n);
        step.comment = scn_lex_comment(c);
        add_step(st, &step);
        return 0;
    }
    if (scn_lex_keyword(c, "sleep")) {
        int64_t ms;
        int col;
        scn_lex_skip_ws(c);
        col = scn_lex_col(c);
        if (scn_lex_int(c, &ms) != 0)
            return -1;
        if (ms < 0 || ms > (int64_t)UINT32_MAX)
            return scn_lex_fail(c, col, "sleep takes milliseconds 0..4294967295, found %lld", (long long)ms);
        if (expect_line_end(c, "the milliseconds") != 0)
            return -1;
        step.kind = SCN_STEP_SLEEP;
        step.sleep_ms = (uint32_t)ms;
        step.comment = scn_lex_comment(c);
        add_step(st, &step);
        return 0;
    }

    /* WORD: is a directive or a thread prefix; anything else is a call. */
    {
        scn_cursor at = *c;
        n = scn_lex_ident(&at, &s);
        scn_lex_skip_ws(&at);
        if (n > 0 && at.p < at.end && *at.p == ':') {
            *c = at;
            c->p++;
            if (is_directive(s, n)) {
                if (n == 7 && memcmp(s, "purpose", 7) == 0) {
                    if (sc->purpose)
                        return scn_lex_fail(c, line_loc.col, "purpose: given twice");
                    sc->purpose = scn_lex_text(c);
                    if (sc->purpose[0] == '\0')
                        return scn_lex_fail(c, 0, "purpose: needs a text");
                    return 0;
                }
                if (n == 8 && memcmp(s, "evidence", 8) == 0) {
                    scn_evidence ev;
                    if (parse_evidence(c, &ev) != 0) {
                        free(ev.kind);
                        free(ev.where);
                        free(ev.text);
                        return -1;
                    }
                    st->evidence_lines++;
                    if (st->items == 0) {
                        ESH_APPEND(sc->evidence, sc->nevidence);
                        sc->evidence[sc->nevidence++] = ev;
                    } else {
                        ESH_APPEND(st->pending, st->npending);
                        st->pending[st->npending++] = ev;
                    }
                    return 0;
                }
                if (n == 4 && memcmp(s, "skip", 4) == 0)
                    return parse_reason(c, line_loc.col, st, &sc->skip_reason, "skip");
                if (n == 4 && memcmp(s, "racy", 4) == 0)
                    return parse_reason(c, line_loc.col, st, &sc->racy_reason, "racy");
                if (n == 6 && memcmp(s, "covers", 6) == 0)
                    return parse_covers(c, line_loc.col, st);
                /* expect: crash | hang */
                if (sc->is_setup)
                    return scn_lex_fail(c, line_loc.col, "expect: belongs in a scenario, not in setup '%s'", sc->name);
                if (sc->outcome != SCN_OUTCOME_NORMAL)
                    return scn_lex_fail(c, line_loc.col, "expect: given twice");
                scn_lex_skip_ws(c);
                if (scn_lex_keyword(c, "crash"))
                    sc->outcome = SCN_OUTCOME_CRASH;
                else if (scn_lex_keyword(c, "hang"))
                    sc->outcome = SCN_OUTCOME_HANG;
                else
                    return scn_lex_fail(c, 0, "expect: takes crash or hang, found %s", scn_lex_found(c, found, sizeof found));
                /* Between steps it marks the step that follows; before the first, the last step. */
                if (st->items > 0) {
                    st->outcome_pending = 1;
                    st->outcome_loc = line_loc;
                }
                return expect_line_end(c, "expect: crash/hang");
            }
            /* A thread prefix is followed by FUNCTION( ; anything else is a misspelt directive. */
            {
                scn_cursor call = *c;
                const char *fn;
                scn_lex_skip_ws(&call);
                size_t nfn = scn_lex_ident(&call, &fn);
                scn_lex_skip_ws(&call);
                if (nfn == 0 || call.p >= call.end || *call.p != '(')
                    return scn_lex_fail(c, line_loc.col,
                                        "unknown directive '%.*s:' (known: purpose evidence skip racy expect covers; "
                                        "a thread prefix is followed by a call)", (int)n, s);
            }
            step.thread = esh_xstrndup(s, n);
            scn_lex_skip_ws(c);
        }
    }
    if (scn_parse_call(c, &step) != 0) {
        free(step.thread);
        return -1;
    }
    add_step(st, &step);
    (*records)++;
    return 0;
}

/* A binary trace (esentshim.dll) is parsed as the text it decodes to; a cut trace's
 * warnings join the suite's. */
static int parse_binary_trace(parser *ps, size_t fi, const char *data, size_t len)
{
    trace_text decoded;
    if (trace_decode((const unsigned char *)data, len, ps->files[fi].path, &decoded, ps->err->message,
                     sizeof ps->err->message) != 0) {
        ps->err->loc.file = ps->files[fi].path;
        ps->err->loc.line = 0;
        ps->err->loc.col = 0;
        return -1;
    }
    for (size_t i = 0; i < decoded.nwarnings; i++)
        add_warning(ps->suite, decoded.warnings[i]);
    size_t before = ps->nblocks;
    int rc = parse_file_text(ps, fi, decoded.text, decoded.len);
    /* Its `state` lines, in the decoder's order, get the places of their bytes. */
    for (size_t s = before; rc == 0 && s < ps->nblocks; s++) {
        scn_scenario *sc = &ps->blocks[s].sc;
        for (size_t k = 0; k < sc->nstates && k < decoded.nstates; k++) {
            scn_state *st = &sc->states[k];
            trace_state_file *f = &decoded.states[k];
            if (st->missing || f->missing || st->path.kind != SCN_ARG_STRING || strcmp(st->path.text, f->path) != 0)
                continue;
            st->pieces = f->pieces;
            st->npieces = f->npieces;
            st->in_trace = 1;
            f->pieces = NULL;
            f->npieces = 0;
        }
    }
    trace_text_free(&decoded);
    return rc;
}

static int parse_file_text(parser *ps, size_t fi, const char *text, size_t len)
{
    const char *path = ps->files[fi].path;
    static const char trace_marker[] = "# esentshim trace";
    if (trace_is_binary(text, len))
        return parse_binary_trace(ps, fi, text, len);
    /* Editors on Windows may start a UTF-8 file with a byte order mark. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    int trace = len >= sizeof trace_marker - 1 && memcmp(text, trace_marker, sizeof trace_marker - 1) == 0;
    size_t usable = len, records = 0;
    int line = 0, cut = 0, rc = 0;
    block_state st;
    memset(&st, 0, sizeof st);

    /* A trace whose process died may end in half a line: drop it and say so. */
    if (trace && len > 0 && text[len - 1] != '\n') {
        while (usable > 0 && text[usable - 1] != '\n')
            usable--;
        cut = 1;
    }
    for (const char *ls = text, *end = text + usable; ls < end;) {
        const char *le = memchr(ls, '\n', (size_t)(end - ls));
        const char *next, *e, *nul;
        scn_cursor c;
        if (!le)
            le = end;
        next = le < end ? le + 1 : le;
        e = le;
        if (e > ls && e[-1] == '\r')
            e--;
        line++;
        c.p = ls;
        c.end = e;
        c.line_start = ls;
        c.file = path;
        c.line = line;
        c.err = ps->err;
        ls = next;
        if ((nul = memchr(c.p, '\0', (size_t)(e - c.p))) != NULL) {
            if (!trace) {
                c.p = nul;
                rc = scn_lex_fail(&c, 0, "NUL byte in the text");
                break;
            }
            /* A trace of a killed process: the shim writes through a file mapping, so a
             * record another thread had reserved but not finished is NUL bytes (after
             * the part it copied). Drop it up to its last NUL; what follows is whole. */
            const char *last = nul;
            while ((nul = memchr(last + 1, '\0', (size_t)(e - last - 1))) != NULL)
                last = nul;
            c.p = last + 1;
            c.line_start = c.p;
            cut = 1;
        }
        if (scn_lex_at_end(&c))
            continue;
        if (st.open) {
            int r = parse_block_line(&c, &st, &records);
            if (r < 0) {
                rc = -1;
                break;
            }
            if (r == 1 && finish_block(ps, &st) != 0) {
                rc = -1;
                break;
            }
            continue;
        }
        {
            char found[40];
            int col = scn_lex_col(&c);
            if (scn_lex_keyword(&c, "include")) {
                if ((rc = parse_include(ps, fi, &c)) != 0)
                    break;
            } else if (scn_lex_keyword(&c, "scenario")) {
                if ((rc = begin_block(&c, &st, fi, 0)) != 0)
                    break;
                st.b.sc.is_trace = trace;
            } else if (scn_lex_keyword(&c, "setup")) {
                if ((rc = begin_block(&c, &st, fi, 1)) != 0)
                    break;
            } else if (scn_lex_keyword(&c, "end")) {
                rc = scn_lex_fail(&c, col, "end without a scenario or setup to close");
                break;
            } else {
                rc = scn_lex_fail(&c, 0, "expected include, setup or scenario at the top level, found %s",
                                  scn_lex_found(&c, found, sizeof found));
                break;
            }
        }
    }
    if (rc == 0 && st.open) {
        if (!trace)
            rc = fail_at(ps, st.b.sc.loc, "%s '%s' has no end", st.b.sc.is_setup ? "setup" : "scenario", st.b.sc.name);
        else
            rc = finish_block(ps, &st); /* the traced process died before writing `end` */
    }
    if (rc == 0 && cut) {
        char warning[600];
        snprintf(warning, sizeof warning, "%s:%d:1: warning: trace cut after record %lu", path, line + 1, (unsigned long)records);
        add_warning(ps->suite, warning);
    }
    if (rc != 0) {
        free_block(&st.b);
        scn_tree_free_evidence(st.pending, st.npending);
    }
    return rc;
}

/* ---- use expansion and whole-scenario checks ---------------------------------------------- */

/* Whether file TO is FROM or reached from it by includes. */
static int file_reaches(const parser *ps, size_t from, size_t to, unsigned char *seen)
{
    if (from == to)
        return 1;
    if (seen[from])
        return 0;
    seen[from] = 1;
    for (size_t i = 0; i < ps->files[from].nincludes; i++)
        if (file_reaches(ps, ps->files[from].includes[i], to, seen))
            return 1;
    return 0;
}

static int expand_block(parser *ps, block *b, const char **chain, size_t depth);

/* The setup NAME as seen from block B's file: one of this call's (expanded on demand), or
 * one of an earlier call's. */
static int find_setup(parser *ps, const block *b, const pending_use *use, const char **chain, size_t depth,
                      const scn_scenario **found)
{
    for (size_t i = 0; i < ps->nblocks; i++) {
        block *s = &ps->blocks[i];
        unsigned char *seen;
        int visible;
        if (!s->sc.is_setup || strcmp(s->sc.name, use->name) != 0)
            continue;
        seen = esh_xcalloc(ps->nfiles, 1);
        visible = file_reaches(ps, b->file, s->file, seen);
        free(seen);
        if (!visible)
            return fail_at(ps, use->loc, "setup '%s' is defined in %s, which this file does not include", use->name,
                           ps->files[s->file].path);
        if (s->expansion == 1) {
            char text[400];
            size_t used = 0;
            for (size_t k = 0; k < depth && used < sizeof text; k++)
                used += (size_t)snprintf(text + used, sizeof text - used, "%s -> ", chain[k]);
            if (used < sizeof text)
                snprintf(text + used, sizeof text - used, "%s", use->name);
            return fail_at(ps, use->loc, "setup cycle: %s", text);
        }
        if (s->expansion == 0 && expand_block(ps, s, chain, depth) != 0)
            return -1;
        *found = &s->sc;
        return 0;
    }
    for (size_t i = 0; i < ps->suite->nsetups; i++)
        if (strcmp(ps->suite->setups[i].name, use->name) == 0) {
            *found = &ps->suite->setups[i];
            return 0;
        }
    return fail_at(ps, use->loc, "unknown setup '%s'", use->name);
}

static int expand_block(parser *ps, block *b, const char **chain, size_t depth)
{
    scn_step *steps = NULL;
    size_t nsteps = 0, u = 0;
    const char **next_chain;
    const scn_scenario **setups;
    if (b->expansion == 2)
        return 0;
    b->expansion = 1;
    next_chain = esh_xrealloc(NULL, (depth + 1) * sizeof *next_chain);
    if (depth)
        memcpy(next_chain, chain, depth * sizeof *chain);
    next_chain[depth] = b->sc.name;
    /* Resolve every use first (expanding the setups it names), so a failure leaves the
     * block as it was: nothing is spliced until all are found. */
    setups = esh_xcalloc(b->nuses, sizeof *setups);
    for (size_t k = 0; k < b->nuses; k++)
        if (find_setup(ps, b, &b->uses[k], next_chain, depth + 1, &setups[k]) != 0) {
            free(setups);
            free(next_chain);
            return -1;
        }
    for (size_t i = 0; i <= b->sc.nsteps; i++) {
        for (; u < b->nuses && b->uses[u].at == i; u++) {
            pending_use *use = &b->uses[u];
            const scn_scenario *setup = setups[u];
            for (size_t k = 0; k < setup->nsteps; k++) {
                ESH_APPEND(steps, nsteps);
                steps[nsteps] = scn_tree_copy_step(&setup->steps[k]);
                if (k == 0 && use->nevidence) {
                    scn_evidence *ev = use->evidence;
                    size_t nev = use->nevidence;
                    append_evidence(&ev, &nev, steps[nsteps].evidence, steps[nsteps].nevidence);
                    steps[nsteps].evidence = ev;
                    steps[nsteps].nevidence = nev;
                    use->evidence = NULL;
                    use->nevidence = 0;
                }
                nsteps++;
            }
            /* The setup's own evidence supports whatever uses it. */
            for (size_t k = 0; k < setup->nevidence; k++) {
                ESH_APPEND(b->sc.evidence, b->sc.nevidence);
                b->sc.evidence[b->sc.nevidence++] = scn_tree_copy_evidence(&setup->evidence[k]);
            }
            append_evidence(&b->sc.evidence, &b->sc.nevidence, use->evidence, use->nevidence);
            use->evidence = NULL;
            use->nevidence = 0;
        }
        if (i < b->sc.nsteps) {
            ESH_APPEND(steps, nsteps);
            steps[nsteps++] = b->sc.steps[i];
        }
    }
    free(setups);
    free(b->sc.steps);
    b->sc.steps = steps;
    b->sc.nsteps = nsteps;
    for (size_t k = 0; k < b->nuses; k++)
        free(b->uses[k].name);
    free(b->uses);
    b->uses = NULL;
    b->nuses = 0;
    b->expansion = 2;
    free(next_chain);
    return 0;
}

static int has_name(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Every $name refers to an earlier &name; every wait names a thread that ran a step. */
static int check_captures(parser *ps, const scn_scenario *sc)
{
    char **captured = NULL, **threads = NULL;
    size_t ncaptured = 0, nthreads = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sc->nstates; i++)
        if (sc->states[i].path.kind == SCN_ARG_ROOTED && !scn_scenario_root(sc, sc->states[i].path.ref))
            rc = fail_at(ps, sc->states[i].path.loc, "%s:\"...\": no `root %s \"PATH\"` line in scenario '%s'",
                         sc->states[i].path.ref, sc->states[i].path.ref, sc->name);
    for (size_t i = 0; rc == 0 && i < sc->nsteps; i++) {
        const scn_step *st = &sc->steps[i];
        if (st->kind == SCN_STEP_WAIT) {
            if (!has_name(threads, nthreads, st->thread))
                rc = fail_at(ps, st->loc, "wait %s: no earlier step runs on thread %s", st->thread, st->thread);
            continue;
        }
        if (st->kind != SCN_STEP_CALL)
            continue;
        for (size_t a = 0; rc == 0 && a < st->nargs; a++) {
            const char *ref = scn_arg_reference(&st->args[a]);
            if (ref && !has_name(captured, ncaptured, ref))
                rc = fail_at(ps, st->args[a].loc, "$%s was never captured (no &%s in an earlier step)", ref, ref);
            if (rc == 0 && st->args[a].kind == SCN_ARG_ROOTED && !scn_scenario_root(sc, st->args[a].ref))
                rc = fail_at(ps, st->args[a].loc, "%s:\"...\": no `root %s \"PATH\"` line in scenario '%s'",
                             st->args[a].ref, st->args[a].ref, sc->name);
        }
        for (size_t a = 0; a < st->nargs; a++) {
            const char *name = scn_arg_capture(&st->args[a]);
            if (name && !has_name(captured, ncaptured, name)) {
                ESH_APPEND(captured, ncaptured);
                captured[ncaptured++] = (char *)name;
            }
        }
        if (st->thread && !has_name(threads, nthreads, st->thread)) {
            ESH_APPEND(threads, nthreads);
            threads[nthreads++] = st->thread;
        }
    }
    free(captured);
    free(threads);
    return rc;
}

typedef struct named {
    const char *name;
    scn_location loc;
} named;

static int check_unique(parser *ps, named *names, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i].name, names[j].name) == 0)
                return fail_at(ps, names[i].loc, "duplicate name '%s' (first defined at %s:%d:%d)", names[i].name,
                               names[j].loc.file, names[j].loc.line, names[j].loc.col);
    return 0;
}

static int run_order(const parser *ps, const block *b)
{
    return ps->files[b->file].main_order;
}

/* The step an `expect: crash|hang` is about: the marked one, else the last (setups expanded). */
static void mark_outcome_step(scn_scenario *sc)
{
    sc->outcome_step = 0;
    if (sc->outcome == SCN_OUTCOME_NORMAL)
        return;
    sc->outcome_step = sc->nsteps;
    for (size_t i = 0; i < sc->nsteps; i++)
        if (sc->steps[i].outcome_here)
            sc->outcome_step = i + 1;
}

/* Expands, checks and moves this call's blocks into the suite. */
static int finish(parser *ps)
{
    scn_suite *s = ps->suite;
    named *names = NULL;
    size_t nnames = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ps->nblocks; i++)
        rc = expand_block(ps, &ps->blocks[i], NULL, 0);
    for (size_t i = 0; rc == 0 && i < ps->nblocks; i++)
        if (!ps->blocks[i].sc.is_setup) {
            rc = check_captures(ps, &ps->blocks[i].sc);
            mark_outcome_step(&ps->blocks[i].sc);
        }
    if (rc != 0)
        return -1;
    /* One namespace for setups and the scenarios that run (an included file's scenarios do not). */
    for (size_t i = 0; i < s->nsetups; i++) {
        ESH_APPEND(names, nnames);
        names[nnames].name = s->setups[i].name;
        names[nnames++].loc = s->setups[i].loc;
    }
    for (size_t i = 0; i < s->nscenarios; i++) {
        ESH_APPEND(names, nnames);
        names[nnames].name = s->scenarios[i].name;
        names[nnames++].loc = s->scenarios[i].loc;
    }
    for (size_t i = 0; i < ps->nblocks; i++) {
        const block *b = &ps->blocks[i];
        if (!b->sc.is_setup && run_order(ps, b) < 0)
            continue;
        ESH_APPEND(names, nnames);
        names[nnames].name = b->sc.name;
        names[nnames++].loc = b->sc.loc;
    }
    rc = check_unique(ps, names, nnames);
    free(names);
    if (rc != 0)
        return -1;
    for (size_t i = 0; i < ps->nblocks; i++) {
        block *b = &ps->blocks[i];
        if (b->sc.is_setup) {
            ESH_APPEND(s->setups, s->nsetups);
            s->setups[s->nsetups++] = b->sc;
            memset(&b->sc, 0, sizeof b->sc);
        }
    }
    /* Scenarios to run, in the order their files were asked for, then file order. */
    for (int order = 0; order < ps->next_main; order++)
        for (size_t i = 0; i < ps->nblocks; i++) {
            block *b = &ps->blocks[i];
            if (b->sc.name && !b->sc.is_setup && run_order(ps, b) == order) {
                ESH_APPEND(s->scenarios, s->nscenarios);
                s->scenarios[s->nscenarios++] = b->sc;
                memset(&b->sc, 0, sizeof b->sc);
            }
        }
    return 0;
}

static void parser_free(parser *ps)
{
    for (size_t i = 0; i < ps->nblocks; i++)
        free_block(&ps->blocks[i]);
    free(ps->blocks);
    for (size_t i = 0; i < ps->nfiles; i++)
        free(ps->files[i].includes);
    free(ps->files);
}

static scn_error *error_sink(scn_error *err, scn_error *spare)
{
    return err ? err : spare;
}

/* Reads PATH as a file whose scenarios run. */
static int parse_main_file(parser *ps, const char *path)
{
    scn_location nowhere = {NULL, 0, 0};
    long known = find_file(ps, path);
    size_t fi;
    if (known >= 0) {
        if (ps->files[known].main_order < 0)
            ps->files[known].main_order = ps->next_main++;
        return 0;
    }
    if (suite_has_file(ps->suite, path))
        return 0;
    fi = add_file(ps, path, ps->next_main++);
    nowhere.file = ps->files[fi].path;
    return read_and_parse(ps, fi, nowhere);
}

int scn_parse_path(scn_suite *suite, const char *path, scn_error *err)
{
    scn_error spare;
    parser ps;
    char *norm = resolve_path(NULL, path);
    int rc = 0, is_dir;
    memset(&ps, 0, sizeof ps);
    ps.suite = suite;
    ps.err = error_sink(err, &spare);
    memset(ps.err, 0, sizeof *ps.err);
    is_dir = esh_is_directory(norm);
    if (is_dir == 1) {
        char **paths;
        size_t count;
        if (esh_list_files(norm, ".scn", "setups", &paths, &count) != 0) {
            scn_location loc = {NULL, 0, 0};
            size_t fi = add_file(&ps, norm, -1);
            loc.file = ps.files[fi].path;
            rc = fail_at(&ps, loc, "cannot list the folder");
        } else {
            for (size_t i = 0; i < count; i++) {
                char *one = resolve_path(NULL, paths[i]);
                if (rc == 0)
                    rc = parse_main_file(&ps, one);
                free(one);
                free(paths[i]);
            }
            free(paths);
        }
    } else {
        rc = parse_main_file(&ps, norm);
    }
    free(norm);
    if (rc == 0)
        rc = finish(&ps);
    parser_free(&ps);
    return rc;
}

int scn_parse_text(scn_suite *suite, const char *name, const char *text, size_t len, scn_error *err)
{
    scn_error spare;
    parser ps;
    char *norm = resolve_path(NULL, name ? name : "<text>");
    size_t fi;
    int rc;
    memset(&ps, 0, sizeof ps);
    ps.suite = suite;
    ps.err = error_sink(err, &spare);
    memset(ps.err, 0, sizeof *ps.err);
    fi = add_file(&ps, norm, ps.next_main++);
    free(norm);
    rc = parse_file_text(&ps, fi, text ? text : "", text ? len : 0);
    if (rc == 0)
        rc = finish(&ps);
    parser_free(&ps);
    return rc;
}

void scn_suite_free(scn_suite *suite)
{
    if (!suite)
        return;
    for (size_t i = 0; i < suite->nscenarios; i++)
        scn_tree_free_scenario(&suite->scenarios[i]);
    free(suite->scenarios);
    for (size_t i = 0; i < suite->nsetups; i++)
        scn_tree_free_scenario(&suite->setups[i]);
    free(suite->setups);
    for (size_t i = 0; i < suite->nfiles; i++)
        free(suite->files[i]);
    free(suite->files);
    for (size_t i = 0; i < suite->nwarnings; i++)
        free(suite->warnings[i]);
    free(suite->warnings);
    memset(suite, 0, sizeof *suite);
}

void scn_error_format(const scn_error *err, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    if (err->loc.line > 0)
        snprintf(buf, size, "%s:%d:%d: error: %s", err->loc.file ? err->loc.file : "<text>", err->loc.line,
                 err->loc.col, err->message);
    else
        snprintf(buf, size, "%s: error: %s", err->loc.file ? err->loc.file : "<text>", err->message);
}
