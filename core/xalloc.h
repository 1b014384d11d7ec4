/* Allocation for the parsers of the core: running out of memory while reading a text file
 * is not a condition a caller can act on, so these stop the process with a message
 * instead of threading a failure through every helper. The recorder's hot path never
 * allocates (see scn_format_call). */
#ifndef ESH_XALLOC_H
#define ESH_XALLOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *esh_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("esent-harness: out of memory\n", stderr);
        abort();
    }
    return q;
}

static inline void *esh_xcalloc(size_t count, size_t size)
{
    void *q = calloc(count ? count : 1, size ? size : 1);
    if (!q) {
        fputs("esent-harness: out of memory\n", stderr);
        abort();
    }
    return q;
}

static inline char *esh_xstrndup(const char *s, size_t n)
{
    char *q = esh_xrealloc(NULL, n + 1);
    memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

static inline char *esh_xstrdup(const char *s)
{
    return s ? esh_xstrndup(s, strlen(s)) : NULL;
}

/* Capacity that an array of N elements built with ESH_APPEND has: the next power of two. */
static inline size_t esh_capacity_for(size_t n)
{
    size_t cap = 1;
    while (cap < n)
        cap *= 2;
    return cap;
}

/* Makes room for one more element of ARRAY (COUNT elements, capacity esh_capacity_for):
 * the array grows by doubling when COUNT reaches a power of two, so no capacity field. */
#define ESH_APPEND(array, count)                                                           \
    do {                                                                                   \
        if (((count) & ((count) - 1)) == 0)                                                \
            (array) = esh_xrealloc((array), ((count) ? (count) * 2 : 1) * sizeof *(array)); \
    } while (0)

#endif
