/* The token readers of the scenario language (one line at a time). */
#include "scenario_lexer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

int scn_lex_col(const scn_cursor *c)
{
    return (int)(c->p - c->line_start) + 1;
}

scn_location scn_lex_loc(const scn_cursor *c)
{
    scn_location loc = {c->file, c->line, scn_lex_col(c)};
    return loc;
}

int scn_lex_fail(scn_cursor *c, int col, const char *fmt, ...)
{
    va_list ap;
    c->err->loc.file = c->file;
    c->err->loc.line = c->line;
    c->err->loc.col = col > 0 ? col : scn_lex_col(c);
    va_start(ap, fmt);
    vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

void scn_lex_skip_ws(scn_cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

int scn_lex_at_end(scn_cursor *c)
{
    scn_lex_skip_ws(c);
    return c->p == c->end || *c->p == '#';
}

int scn_lex_is_ident_start(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

int scn_lex_is_ident_char(char ch)
{
    return scn_lex_is_ident_start(ch) || (ch >= '0' && ch <= '9');
}

int scn_lex_is_name_char(char ch)
{
    return scn_lex_is_ident_char(ch) || ch == '.' || ch == '-';
}

const char *scn_lex_found(const scn_cursor *c, char *buf, size_t size)
{
    size_t n = 0;
    if (c->p >= c->end) {
        snprintf(buf, size, "end of line");
        return buf;
    }
    while (c->p + n < c->end && n < 24 && scn_lex_is_ident_char(c->p[n]))
        n++;
    if (n == 0)
        n = 1;
    if ((unsigned char)c->p[0] < 0x20 || (unsigned char)c->p[0] >= 0x7f)
        snprintf(buf, size, "byte 0x%02x", (unsigned)(unsigned char)c->p[0]);
    else
        snprintf(buf, size, "'%.*s'", (int)n, c->p);
    return buf;
}

size_t scn_lex_name(scn_cursor *c, const char **start)
{
    const char *s = c->p;
    while (c->p < c->end && scn_lex_is_name_char(*c->p))
        c->p++;
    *start = s;
    return (size_t)(c->p - s);
}

size_t scn_lex_ident(scn_cursor *c, const char **start)
{
    const char *s = c->p;
    if (c->p < c->end && scn_lex_is_ident_start(*c->p))
        while (c->p < c->end && scn_lex_is_ident_char(*c->p))
            c->p++;
    *start = s;
    return (size_t)(c->p - s);
}

int scn_lex_keyword(scn_cursor *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return 0;
    if (c->p + n < c->end && scn_lex_is_name_char(c->p[n]))
        return 0;
    c->p += n;
    return 1;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int scn_lex_int(scn_cursor *c, int64_t *value)
{
    int col = scn_lex_col(c), negative = 0, digits = 0;
    uint64_t v = 0, limit;
    char found[40];
    if (c->p < c->end && *c->p == '-') {
        negative = 1;
        c->p++;
    }
    if (c->end - c->p >= 2 && c->p[0] == '0' && (c->p[1] == 'x' || c->p[1] == 'X')) {
        c->p += 2;
        for (int d; c->p < c->end && (d = hex_digit(*c->p)) >= 0; c->p++, digits++) {
            if (v > (UINT64_MAX >> 4))
                return scn_lex_fail(c, col, "number out of range (more than 64 bits)");
            v = (v << 4) | (uint64_t)d;
        }
        if (digits == 0)
            return scn_lex_fail(c, 0, "expected hex digits after 0x, found %s", scn_lex_found(c, found, sizeof found));
        limit = negative ? (uint64_t)INT64_MAX + 1 : UINT64_MAX;
    } else {
        for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++, digits++) {
            unsigned d = (unsigned)(*c->p - '0');
            if (v > (UINT64_MAX - d) / 10)
                return scn_lex_fail(c, col, "number out of range (more than 64 bits)");
            v = v * 10 + d;
        }
        if (digits == 0)
            return scn_lex_fail(c, 0, "expected a number, found %s", scn_lex_found(c, found, sizeof found));
        limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    }
    if (c->p < c->end && scn_lex_is_ident_char(*c->p))
        return scn_lex_fail(c, 0, "unexpected '%c' in a number", *c->p);
    if (v > limit)
        return scn_lex_fail(c, col, "number out of range");
    /* Two's complement by hand: converting an out-of-range unsigned value is implementation-defined. */
    if (negative)
        *value = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *value = v > (uint64_t)INT64_MAX ? (int64_t)(v - (uint64_t)INT64_MAX - 1) + INT64_MIN : (int64_t)v;
    return 0;
}

int scn_lex_string(scn_cursor *c, char **text)
{
    int col = scn_lex_col(c);
    size_t n = 0;
    char *buf = esh_xrealloc(NULL, (size_t)(c->end - c->p) + 1);
    c->p++; /* the opening quote */
    for (;;) {
        char ch;
        if (c->p >= c->end) {
            free(buf);
            return scn_lex_fail(c, col, "unterminated string (no closing '\"' on this line)");
        }
        ch = *c->p;
        if (ch == '"') {
            c->p++;
            break;
        }
        if (ch != '\\') {
            buf[n++] = ch;
            c->p++;
            continue;
        }
        if (c->p + 1 >= c->end) {
            free(buf);
            return scn_lex_fail(c, col, "unterminated string (a '\\' ends the line)");
        }
        switch (c->p[1]) {
        case '\\': buf[n++] = '\\'; break;
        case '"': buf[n++] = '"'; break;
        case 'n': buf[n++] = '\n'; break;
        case 't': buf[n++] = '\t'; break;
        case 'r': buf[n++] = '\r'; break;
        case 'x': {
            int hi = c->p + 2 < c->end ? hex_digit(c->p[2]) : -1;
            int lo = c->p + 3 < c->end ? hex_digit(c->p[3]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(buf);
                return scn_lex_fail(c, 0, "\\x needs two hex digits, not 00");
            }
            buf[n++] = (char)(hi * 16 + lo);
            c->p += 2;
            break;
        }
        default:
            free(buf);
            return scn_lex_fail(c, 0, "unknown escape '\\%c' in a string (known: \\\\ \\\" \\n \\t \\r \\xHH)",
                                (unsigned char)c->p[1] >= 0x20 && (unsigned char)c->p[1] < 0x7f ? c->p[1] : '?');
        }
        c->p += 2;
    }
    buf[n] = '\0';
    *text = buf;
    return 0;
}

char *scn_lex_text(scn_cursor *c)
{
    const char *s, *e;
    scn_lex_skip_ws(c);
    s = c->p;
    while (c->p < c->end && *c->p != '#')
        c->p++;
    e = c->p;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return esh_xstrndup(s, (size_t)(e - s));
}

char *scn_lex_comment(scn_cursor *c)
{
    char *text;
    if (!scn_lex_at_end(c) || c->p == c->end)
        return NULL;
    c->p++; /* '#' */
    scn_lex_skip_ws(c);
    /* The comment runs to the end of the line, '#' included. */
    {
        const char *e = c->end;
        while (e > c->p && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        text = esh_xstrndup(c->p, (size_t)(e - c->p));
    }
    c->p = c->end;
    if (text[0] == '\0') {
        free(text);
        return NULL;
    }
    return text;
}
