/* The results file (docs/results-format.md): tab-separated records, written a whole line
 * at a time and read back with every malformed line reported as FILE:LINE:COL. */
#include "results.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text_files.h"
#include "xalloc.h"

#define RESULTS_MARKER "esent-harness-results"
#define RESULTS_VERSION "1"

const char *res_fact(const res_file *file, const char *section, const char *key)
{
    for (size_t i = 0; i < file->nfacts; i++)
        if (strcmp(file->facts[i].section, section) == 0 && strcmp(file->facts[i].key, key) == 0)
            return file->facts[i].value;
    return NULL;
}

/* ---- writing --------------------------------------------------------------------------- */

typedef struct line_buf {
    char *text;
    size_t len;
    size_t cap;
} line_buf;

static void line_put(line_buf *b, const char *s, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        while (b->len + n + 2 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->text = esh_xrealloc(b->text, b->cap);
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
}

/* One field, tab-separated from the previous one; tabs, newlines and backslashes escaped
 * so a field never splits a record. */
static void line_field(line_buf *b, const char *value)
{
    if (b->len > 0)
        line_put(b, "\t", 1);
    for (const char *p = value ? value : "-"; *p; p++) {
        switch (*p) {
        case '\t': line_put(b, "\\t", 2); break;
        case '\n': line_put(b, "\\n", 2); break;
        case '\r': line_put(b, "\\r", 2); break;
        case '\\': line_put(b, "\\\\", 2); break;
        default: line_put(b, p, 1);
        }
    }
}

static void line_fieldf(line_buf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    line_field(b, tmp);
}

/* The whole line in one write, then flushed: a writer that dies leaves whole lines. */
static void line_emit(FILE *out, line_buf *b)
{
    line_put(b, "\n", 1);
    fwrite(b->text, 1, b->len, out);
    fflush(out);
    free(b->text);
    memset(b, 0, sizeof *b);
}

void res_write_header(FILE *out, const res_kv *facts, size_t nfacts)
{
    line_buf b = {0};
    line_field(&b, RESULTS_MARKER);
    line_field(&b, RESULTS_VERSION);
    line_emit(out, &b);
    for (size_t i = 0; i < nfacts; i++) {
        line_field(&b, facts[i].section);
        line_field(&b, facts[i].key);
        line_field(&b, facts[i].value);
        line_emit(out, &b);
    }
}

void res_write_scenario(FILE *out, const res_scenario *scenario)
{
    line_buf b = {0};
    line_field(&b, "scenario");
    line_field(&b, scenario->name);
    line_field(&b, scenario->status);
    line_field(&b, scenario->where);
    line_fieldf(&b, "%.3f", scenario->seconds);
    if (scenario->detail)
        line_field(&b, scenario->detail);
    line_emit(out, &b);
}

void res_write_step(FILE *out, const res_step *step)
{
    char name[64];
    line_buf b = {0};
    line_field(&b, "step");
    line_field(&b, step->scenario);
    line_fieldf(&b, "%d", step->index);
    line_field(&b, step->where);
    line_field(&b, step->function);
    line_field(&b, jet_code_name(step->actual, name, sizeof name));
    line_fieldf(&b, "%ld", (long)step->actual);
    line_field(&b, step->branch ? step->branch : "-");
    line_field(&b, step->status);
    line_emit(out, &b);
}

void res_write_summary(FILE *out, int passed, int failed, int skipped, int racy)
{
    line_buf b = {0};
    line_field(&b, "summary");
    line_field(&b, "passed");
    line_fieldf(&b, "%d", passed);
    line_field(&b, "failed");
    line_fieldf(&b, "%d", failed);
    line_field(&b, "skipped");
    line_fieldf(&b, "%d", skipped);
    line_field(&b, "racy");
    line_fieldf(&b, "%d", racy);
    line_emit(out, &b);
}

/* ---- reading --------------------------------------------------------------------------- */

typedef struct field {
    char *text; /* unescaped */
    int col;
} field;

typedef struct reader {
    const char *name;
    int line;
    char *err;
    size_t errsize;
} reader;

static int read_fail(reader *r, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int read_fail(reader *r, int col, const char *fmt, ...)
{
    char message[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (r->err && r->errsize)
        snprintf(r->err, r->errsize, "%s:%d:%d: error: %s", r->name, r->line, col, message);
    return -1;
}

static void free_fields(field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fields[i].text);
    free(fields);
}

/* Splits one line at tabs and undoes the writer's escapes. */
static int split_fields(reader *r, const char *s, size_t len, field **out, size_t *nout)
{
    field *fields = NULL;
    size_t n = 0;
    size_t i = 0;
    for (;;) {
        size_t start = i, o = 0;
        char *text = esh_xrealloc(NULL, len - start + 1);
        for (; i < len && s[i] != '\t'; i++) {
            if (s[i] == '\0') {
                free(text);
                free_fields(fields, n);
                return read_fail(r, (int)i + 1, "NUL byte in the line");
            }
            if (s[i] != '\\') {
                text[o++] = s[i];
                continue;
            }
            if (i + 1 >= len || s[i + 1] == '\t') {
                free(text);
                free_fields(fields, n);
                return read_fail(r, (int)i + 1, "a '\\' ends the field (escapes: \\t \\n \\r \\\\)");
            }
            switch (s[i + 1]) {
            case 't': text[o++] = '\t'; break;
            case 'n': text[o++] = '\n'; break;
            case 'r': text[o++] = '\r'; break;
            case '\\': text[o++] = '\\'; break;
            default:
                free(text);
                free_fields(fields, n);
                return read_fail(r, (int)i + 1, "unknown escape '\\%c' (escapes: \\t \\n \\r \\\\)",
                                 (unsigned char)s[i + 1] >= 0x20 && (unsigned char)s[i + 1] < 0x7f ? s[i + 1] : '?');
            }
            i++;
        }
        text[o] = '\0';
        ESH_APPEND(fields, n);
        fields[n].text = text;
        fields[n++].col = (int)start + 1;
        if (i >= len)
            break;
        i++; /* the tab */
    }
    *out = fields;
    *nout = n;
    return 0;
}

static int one_of(const char *value, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(value, *allowed) == 0)
            return 1;
    return 0;
}

/* A whole decimal integer within [lo, hi]. */
static int parse_long(const char *s, long long lo, long long hi, long long *value)
{
    char *end;
    long long v;
    if (s[0] == '\0' || s[0] == ' ' || s[0] == '+')
        return -1;
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    *value = v;
    return 0;
}

static int count_fields(reader *r, const field *f, size_t n, size_t lo, size_t hi, int line_end, const char *usage)
{
    if (n < lo)
        return read_fail(r, line_end, "%s record needs %u fields (%s), found %u", f[0].text, (unsigned)lo, usage, (unsigned)n);
    if (n > hi)
        return read_fail(r, f[hi].col, "%s record has %u fields, at most %u (%s)", f[0].text, (unsigned)n, (unsigned)hi, usage);
    return 0;
}

static char *take(field *f)
{
    char *text = f->text;
    f->text = NULL;
    return text;
}

static int read_fact(reader *r, res_file *file, field *f, size_t n, int line_end)
{
    if (count_fields(r, f, n, 3, 3, line_end, "SECTION KEY VALUE") != 0)
        return -1;
    if (f[1].text[0] == '\0')
        return read_fail(r, f[1].col, "empty key");
    ESH_APPEND(file->facts, file->nfacts);
    file->facts[file->nfacts].section = take(&f[0]);
    file->facts[file->nfacts].key = take(&f[1]);
    file->facts[file->nfacts++].value = take(&f[2]);
    return 0;
}

static int read_scenario(reader *r, res_file *file, field *f, size_t n, int line_end)
{
    static const char *const statuses[] = {"pass", "fail", "skip", "racy-pass", "racy-fail", NULL};
    res_scenario sc;
    char *end;
    if (count_fields(r, f, n, 5, 6, line_end, "scenario NAME STATUS FILE:LINE SECONDS [DETAIL]") != 0)
        return -1;
    if (f[1].text[0] == '\0')
        return read_fail(r, f[1].col, "empty scenario name");
    if (!one_of(f[2].text, statuses))
        return read_fail(r, f[2].col, "unknown scenario status '%s' (pass, fail, skip, racy-pass, racy-fail)", f[2].text);
    memset(&sc, 0, sizeof sc);
    sc.seconds = strtod(f[4].text, &end);
    if (f[4].text[0] == '\0' || *end != '\0' || !isfinite(sc.seconds) || sc.seconds < 0)
        return read_fail(r, f[4].col, "expected SECONDS (a number such as 0.041), found '%s'", f[4].text);
    sc.name = take(&f[1]);
    sc.status = take(&f[2]);
    sc.where = take(&f[3]);
    sc.detail = n > 5 ? take(&f[5]) : NULL;
    ESH_APPEND(file->scenarios, file->nscenarios);
    file->scenarios[file->nscenarios++] = sc;
    return 0;
}

static int read_step(reader *r, res_file *file, field *f, size_t n, int line_end)
{
    static const char *const statuses[] = {"pass", "fail", "after-failure", NULL};
    res_step st;
    long long index, actual;
    const jet_code *named;
    if (count_fields(r, f, n, 9, 9, line_end,
                     "step SCENARIO INDEX FILE:LINE FUNCTION ACTUAL_NAME ACTUAL_VALUE BRANCH STATUS") != 0)
        return -1;
    if (f[1].text[0] == '\0')
        return read_fail(r, f[1].col, "empty scenario name");
    if (parse_long(f[2].text, 1, 1000000000, &index) != 0)
        return read_fail(r, f[2].col, "expected a step INDEX (1, 2, ...), found '%s'", f[2].text);
    if (f[4].text[0] == '\0')
        return read_fail(r, f[4].col, "empty function name");
    if (parse_long(f[6].text, INT32_MIN, INT32_MAX, &actual) != 0)
        return read_fail(r, f[6].col, "expected ACTUAL_VALUE (a 32-bit code), found '%s'", f[6].text);
    named = jet_code_by_name(f[5].text);
    if (named && named->value != (jet_err)actual)
        return read_fail(r, f[5].col, "%s is %ld, but ACTUAL_VALUE is %lld", f[5].text, (long)named->value, actual);
    if (f[7].text[0] == '\0')
        return read_fail(r, f[7].col, "empty BRANCH (write - for none)");
    if (!one_of(f[8].text, statuses))
        return read_fail(r, f[8].col, "unknown step status '%s' (pass, fail, after-failure)", f[8].text);
    memset(&st, 0, sizeof st);
    st.scenario = take(&f[1]);
    st.index = (int)index;
    st.where = take(&f[3]);
    st.function = take(&f[4]);
    st.actual = (jet_err)actual;
    st.branch = take(&f[7]);
    st.status = take(&f[8]);
    ESH_APPEND(file->steps, file->nsteps);
    file->steps[file->nsteps++] = st;
    return 0;
}

/* summary KEY N KEY N ...: kept as facts of the section "summary". */
static int read_summary(reader *r, res_file *file, field *f, size_t n, int line_end)
{
    if (n < 3 || n % 2 == 0)
        return read_fail(r, n < 3 ? line_end : f[n - 1].col, "summary needs KEY COUNT pairs");
    for (size_t i = 1; i + 1 < n; i += 2) {
        long long count;
        if (f[i].text[0] == '\0')
            return read_fail(r, f[i].col, "empty summary key");
        if (parse_long(f[i + 1].text, 0, 1000000000, &count) != 0)
            return read_fail(r, f[i + 1].col, "expected a count after %s, found '%s'", f[i].text, f[i + 1].text);
        ESH_APPEND(file->facts, file->nfacts);
        file->facts[file->nfacts].section = esh_xstrdup("summary");
        file->facts[file->nfacts].key = take(&f[i]);
        file->facts[file->nfacts++].value = take(&f[i + 1]);
    }
    return 0;
}

static int read_line(reader *r, res_file *file, const char *s, size_t len, int is_first)
{
    field *f = NULL;
    size_t n = 0;
    int rc, line_end = (int)len + 1;
    if (split_fields(r, s, len, &f, &n) != 0)
        return -1;
    if (is_first) {
        if (strcmp(f[0].text, RESULTS_MARKER) != 0)
            rc = read_fail(r, 1, "not a results file: the first line that is not a comment must be '" RESULTS_MARKER "<TAB>" RESULTS_VERSION "'");
        else if (n != 2 || strcmp(f[1].text, RESULTS_VERSION) != 0)
            rc = read_fail(r, n > 1 ? f[1].col : line_end, "unsupported results format version '%s' (this reader knows %s)",
                           n > 1 ? f[1].text : "", RESULTS_VERSION);
        else
            rc = 0;
    } else if (strcmp(f[0].text, "host") == 0 || strcmp(f[0].text, "esent") == 0 || strcmp(f[0].text, "harness") == 0) {
        rc = read_fact(r, file, f, n, line_end);
    } else if (strcmp(f[0].text, "scenario") == 0) {
        rc = read_scenario(r, file, f, n, line_end);
    } else if (strcmp(f[0].text, "step") == 0) {
        rc = read_step(r, file, f, n, line_end);
    } else if (strcmp(f[0].text, "summary") == 0) {
        rc = read_summary(r, file, f, n, line_end);
    } else {
        rc = read_fail(r, 1, "unknown record type '%.40s' (host, esent, harness, scenario, step, summary)", f[0].text);
    }
    free_fields(f, n);
    return rc;
}

static int has_summary(const res_file *file)
{
    for (size_t i = 0; i < file->nfacts; i++)
        if (strcmp(file->facts[i].section, "summary") == 0)
            return 1;
    return 0;
}

int res_read_text(res_file *file, const char *name, const char *text, size_t len, char *err, size_t errsize)
{
    reader r = {name ? name : "<text>", 0, err, errsize};
    const char *end = text ? text + len : NULL;
    int seen_marker = 0;
    memset(file, 0, sizeof *file);
    file->path = esh_xstrdup(r.name);
    if (err && errsize)
        err[0] = '\0';
    /* Editors on Windows may start a UTF-8 file with a byte order mark. */
    if (text && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    for (const char *ls = text; ls && ls < end;) {
        const char *le = memchr(ls, '\n', (size_t)(end - ls));
        const char *e;
        if (!le)
            le = end;
        e = le;
        if (e > ls && e[-1] == '\r')
            e--;
        r.line++;
        /* Blank lines and comments may come anywhere, even before the marker line. */
        if (e > ls && ls[0] != '#') {
            if (read_line(&r, file, ls, (size_t)(e - ls), !seen_marker) != 0) {
                res_free(file);
                return -1;
            }
            seen_marker = 1;
        }
        ls = le < end ? le + 1 : le;
    }
    if (!seen_marker) {
        r.line++;
        read_fail(&r, 1, "empty file: expected the line '" RESULTS_MARKER "<TAB>" RESULTS_VERSION "'");
        res_free(file);
        return -1;
    }
    /* The writer ends every file with its summary: without one the file was cut short, and
     * the steps it lacks must not read as steps that never ran. */
    if (!has_summary(file)) {
        r.line++;
        read_fail(&r, 1, "no summary line: the file was cut short (expected a last record 'summary passed N ...')");
        res_free(file);
        return -1;
    }
    return 0;
}

int res_read(res_file *file, const char *path, char *err, size_t errsize)
{
    char *text;
    size_t len;
    int rc;
    if (esh_read_file(path, &text, &len) != 0) {
        memset(file, 0, sizeof *file);
        if (err && errsize)
            snprintf(err, errsize, "%s: error: cannot read the file", path);
        return -1;
    }
    rc = res_read_text(file, path, text, len, err, errsize);
    free(text);
    return rc;
}

void res_free(res_file *file)
{
    if (!file)
        return;
    free(file->path);
    for (size_t i = 0; i < file->nfacts; i++) {
        free(file->facts[i].section);
        free(file->facts[i].key);
        free(file->facts[i].value);
    }
    free(file->facts);
    for (size_t i = 0; i < file->nscenarios; i++) {
        free(file->scenarios[i].name);
        free(file->scenarios[i].status);
        free(file->scenarios[i].where);
        free(file->scenarios[i].detail);
    }
    free(file->scenarios);
    for (size_t i = 0; i < file->nsteps; i++) {
        free(file->steps[i].scenario);
        free(file->steps[i].where);
        free(file->steps[i].function);
        free(file->steps[i].branch);
        free(file->steps[i].status);
    }
    free(file->steps);
    memset(file, 0, sizeof *file);
}
