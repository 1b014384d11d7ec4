/* An open-addressing table keyed by (kind, value), grown by doubling. Names are short, so
 * an entry keeps its name inline. */
#include <stdio.h>
#include <string.h>

#include "trace_handles.h"
#include "xalloc.h"

typedef struct trace_handle_entry {
    uint64_t value;
    unsigned char kind; /* api_kind + 1; 0 = empty */
    char name[23];
} trace_handle_entry;

const char *trace_handle_prefix(api_kind kind)
{
    switch (kind) {
    case API_KIND_INSTANCE: return "inst";
    case API_KIND_SESID: return "sesid";
    case API_KIND_DBID: return "dbid";
    case API_KIND_TABLEID: return "tableid";
    case API_KIND_HANDLE: return "hf";
    case API_KIND_COLUMNID: return "colid";
    case API_KIND_OSSNAPID: return "snap";
    default: return NULL;
    }
}

void trace_handle_new(trace_handles *h, api_kind kind, char *name, size_t size)
{
    const char *prefix = trace_handle_prefix(kind);
    snprintf(name, size, "%s%lu", prefix ? prefix : "h", ++h->counters[(unsigned)kind % API_KIND_COUNT]);
}

static size_t slot_of(api_kind kind, uint64_t value, size_t size)
{
    uint64_t x = (value ^ ((uint64_t)kind << 56)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20) & (size - 1);
}

static trace_handle_entry *probe(trace_handle_entry *entries, size_t size, api_kind kind, uint64_t value)
{
    size_t i = slot_of(kind, value, size);
    while (entries[i].kind != 0 && !(entries[i].kind == kind + 1 && entries[i].value == value))
        i = (i + 1) & (size - 1);
    return &entries[i];
}

void trace_handle_bind(trace_handles *h, api_kind kind, uint64_t value, const char *name)
{
    if ((h->used + 1) * 2 > h->size) {
        size_t size = h->size ? h->size * 2 : 64;
        trace_handle_entry *entries = esh_xcalloc(size, sizeof *entries);
        for (size_t i = 0; i < h->size; i++)
            if (h->entries[i].kind != 0)
                *probe(entries, size, (api_kind)(h->entries[i].kind - 1), h->entries[i].value) = h->entries[i];
        free(h->entries);
        h->entries = entries;
        h->size = size;
    }
    trace_handle_entry *e = probe(h->entries, h->size, kind, value);
    if (e->kind == 0)
        h->used++;
    e->kind = (unsigned char)(kind + 1);
    e->value = value;
    snprintf(e->name, sizeof e->name, "%s", name);
}

int trace_handle_find(const trace_handles *h, api_kind kind, uint64_t value, char *name, size_t size)
{
    if (h->size == 0)
        return 0;
    const trace_handle_entry *e = probe(h->entries, h->size, kind, value);
    if (e->kind == 0)
        return 0;
    snprintf(name, size, "%s", e->name);
    return 1;
}

void trace_handles_free(trace_handles *h)
{
    free(h->entries);
    memset(h, 0, sizeof *h);
}
