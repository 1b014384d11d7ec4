/* What cmocka's XML output cannot say, added to the file it wrote (cmocka 1.1.5 and 2.0
 * alike): a skip's reason (cmocka writes a bare <skipped/>), and failures without the
 * "FILE:LINE: error: Failure!" line cmocka appends to every failed assertion's text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "run.h"
#include "text_files.h"
#include "win_text.h"

typedef struct buffer {
    char *data;
    size_t len, cap;
    int failed;
} buffer;

static void put(buffer *b, const char *bytes, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void put_attribute(buffer *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        const char *entity = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : NULL;
        if (entity)
            put(b, entity, strlen(entity));
        else if ((unsigned char)*p >= 0x20 || *p == '\t')
            put(b, p, 1);
        else
            put(b, " ", 1);
    }
}

/* The outcomes cmocka wrote as skipped, in order: skips, and racy scenarios that failed. */
static const scenario_outcome *next_skipped(const scenario_outcome *outcomes, size_t n, size_t *cursor)
{
    for (; *cursor < n; (*cursor)++) {
        const scenario_outcome *o = &outcomes[*cursor];
        if (o->status == SCN_RESULT_SKIP || (o->scenario->racy_reason && o->status != SCN_RESULT_PASS)) {
            (*cursor)++;
            return o;
        }
    }
    return NULL;
}

static void skip_reason(const scenario_outcome *o, char *buf, size_t size)
{
    if (o->status == SCN_RESULT_SKIP)
        snprintf(buf, size, "%s", o->detail[0] ? o->detail : "skipped");
    else
        snprintf(buf, size, "racy, failed this run (counted apart): %s", o->scenario->racy_reason);
}

/* What cmocka adds after a failure's text: "[   LINE   ] --- FILE:LINE: error: Failure!". */
static const char failure_trailer[] = ": error: Failure!";

static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

int junit_polish(const char *path, const scenario_outcome *outcomes, size_t n)
{
    char *text = NULL;
    size_t len = 0, cursor = 0;
    if (esh_read_file(path, &text, &len) != 0)
        return -1;
    buffer out = {0};
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl + 1 : end;
        size_t line_len = (size_t)(line_end - p);
        const char *skipped = find(p, line_len, "<skipped");
        const char *trailer = find(p, line_len, failure_trailer);
        if (trailer) {
            /* The trailer may share its line with the CDATA's end: keep what follows it. */
            const char *close = find(trailer, (size_t)(line_end - trailer), "]]>");
            if (close)
                put(&out, close, (size_t)(line_end - close));
        } else if (skipped) {
            const char *tag_end = memchr(skipped, '>', (size_t)(line_end - skipped));
            const scenario_outcome *o = next_skipped(outcomes, n, &cursor);
            char reason[512];
            if (!tag_end || !o) {
                put(&out, p, line_len);
            } else {
                skip_reason(o, reason, sizeof reason);
                put(&out, p, (size_t)(skipped - p));
                put(&out, "<skipped message=\"", 18);
                put_attribute(&out, reason);
                put(&out, "\"/>", 3);
                put(&out, tag_end + 1, (size_t)(line_end - tag_end - 1));
            }
        } else
            put(&out, p, line_len);
        p = line_end;
    }
    free(text);
    if (out.failed) {
        free(out.data);
        return -1;
    }
    wchar_t *wide = utf8_to_wide(path);
    FILE *f = wide ? _wfopen(wide, L"wb") : NULL;
    free(wide);
    int rc = f && fwrite(out.data, 1, out.len, f) == out.len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(out.data);
    return rc;
}
