/* An open-addressing table keyed by (kind, value) under one slim reader/writer lock: a
 * look-up is a few probes, held for no formatting and never across a call into ESENT.
 * Names are short ("tableid12345"), so an entry stores its name inline. The table grows
 * by doubling on the process heap; handles are reused by ESENT, so rebinding keeps its
 * size near the number of distinct values ever live at once. */
#include <windows.h>

#include <stdio.h>

#include <string.h>

#include "handle_names.h"

typedef struct handle_entry {
    uint64_t value;
    unsigned char kind; /* api_kind + 1; 0 = empty slot */
    char name[23];
} handle_entry;

static SRWLOCK table_lock = SRWLOCK_INIT;
static handle_entry *table;
static size_t table_size, table_used;
static volatile LONG counters[API_KIND_COUNT];

#define MAX_ENTRIES ((size_t)1 << 22) /* beyond this, new handles stay unnamed (numbers) */

const char *handle_name_prefix(api_kind kind)
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

void handle_name_new(api_kind kind, char *name, size_t size)
{
    const char *prefix = handle_name_prefix(kind);
    char text[40];
    LONG n = InterlockedIncrement(&counters[kind]);
    snprintf(text, sizeof text, "%s%ld", prefix != NULL ? prefix : "h", (long)n);
    lstrcpynA(name, text, (int)size);
}

static size_t slot_of(api_kind kind, uint64_t value, size_t size)
{
    uint64_t h = (value ^ ((uint64_t)kind << 56)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (size - 1);
}

/* Caller holds the lock exclusively. */
static handle_entry *probe(handle_entry *entries, size_t size, api_kind kind, uint64_t value)
{
    size_t i = slot_of(kind, value, size);
    while (entries[i].kind != 0 && !(entries[i].kind == kind + 1 && entries[i].value == value))
        i = (i + 1) & (size - 1);
    return &entries[i];
}

static int grow(void)
{
    size_t size = table_size ? table_size * 2 : 256;
    handle_entry *entries = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size * sizeof *entries);
    if (entries == NULL)
        return 0;
    for (size_t i = 0; i < table_size; i++)
        if (table[i].kind != 0)
            *probe(entries, size, (api_kind)(table[i].kind - 1), table[i].value) = table[i];
    if (table != NULL)
        HeapFree(GetProcessHeap(), 0, table);
    table = entries;
    table_size = size;
    return 1;
}

void handle_name_bind(api_kind kind, uint64_t value, const char *name)
{
    AcquireSRWLockExclusive(&table_lock);
    if ((table_used + 1) * 2 > table_size && table_used < MAX_ENTRIES)
        grow();
    if (table_size != 0 && (table_used + 1) * 2 <= table_size) {
        handle_entry *e = probe(table, table_size, kind, value);
        if (e->kind == 0)
            table_used++;
        e->kind = (unsigned char)(kind + 1);
        e->value = value;
        lstrcpynA(e->name, name, (int)sizeof e->name);
    }
    ReleaseSRWLockExclusive(&table_lock);
}

int handle_name_find(api_kind kind, uint64_t value, char *name, size_t size)
{
    int found = 0;
    AcquireSRWLockShared(&table_lock);
    if (table_size != 0) {
        size_t i = slot_of(kind, value, table_size);
        while (table[i].kind != 0) {
            if (table[i].kind == kind + 1 && table[i].value == value) {
                lstrcpynA(name, table[i].name, (int)size);
                found = 1;
                break;
            }
            i = (i + 1) & (table_size - 1);
        }
    }
    ReleaseSRWLockShared(&table_lock);
    return found;
}
