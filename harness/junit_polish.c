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

/* The polished file is written beside the original, then moved over it: a failed write
 * leaves cmocka's file as it was. */
typedef struct output {
    FILE *file;
    int failed;
} output;

static void put(output *b, const char *bytes, size_t n)
{
    if (!b->failed && n && fwrite(bytes, 1, n, b->file) != n)
        b->failed = 1;
}

static void put_attribute(output *b, const char *text)
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
    size_t path_len = strlen(path);
    char *temp_path = malloc(path_len + 5);
    wchar_t *wide_temp = NULL, *wide = utf8_to_wide(path);
    if (temp_path) {
        memcpy(temp_path, path, path_len);
        memcpy(temp_path + path_len, ".tmp", 5);
        wide_temp = utf8_to_wide(temp_path);
    }
    output out = {wide_temp ? _wfopen(wide_temp, L"wb") : NULL, 0};
    out.failed = !out.file || !wide;
    for (const char *p = text, *end = text + len; p < end && !out.failed;) {
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
    if (out.file && fclose(out.file) != 0)
        out.failed = 1;
    int rc = !out.failed && MoveFileExW(wide_temp, wide, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
    if (rc != 0 && wide_temp)
        DeleteFileW(wide_temp);
    free(temp_path);
    free(wide_temp);
    free(wide);
    return rc;
}
