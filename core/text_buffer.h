/* A growable NUL-terminated text, built by appending: the decoder's scenario text, the
 * harness's command lines and captured child output. Out of memory stops the process with
 * a message (xalloc.h), as everywhere in the core. */
#ifndef ESH_TEXT_BUFFER_H
#define ESH_TEXT_BUFFER_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

typedef struct esh_text {
    char *p; /* NULL until the first append; then always NUL-terminated */
    size_t len, cap;
} esh_text;

/* Room for MORE bytes and the NUL after them. */
static inline void esh_text_reserve(esh_text *t, size_t more)
{
    if (t->len + more + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (t->len + more + 1 > cap)
            cap *= 2;
        t->p = esh_xrealloc(t->p, cap);
        t->cap = cap;
    }
}

static inline void esh_text_add(esh_text *t, const char *s, size_t n)
{
    esh_text_reserve(t, n);
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* printf-style; a line longer than 1,200 bytes is cut there. */
static inline void esh_text_addf(esh_text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static inline void esh_text_addf(esh_text *t, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        esh_text_add(t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

#endif
