/* An open-addressing table keyed by (kind, value). Binding takes a slim reader/writer lock
 * exclusively; a look-up takes no lock (a shared acquire and release bounce the lock's
 * cache line between recording threads, and Wine's release wakes through a system call):
 * it reads under a sequence count that binding makes odd while it writes, and retries,
 * falling back to the shared lock, when the count moved. A table outgrown is therefore
 * never freed (a reader may still be probing it): at most as much memory again as the
 * current table.
 * Names are short ("tableid12345"), so an entry stores its name inline. The table grows
 * by doubling on the process heap; handles are reused by ESENT, so rebinding keeps its
 * size near the number of distinct values ever live at once. */
#include <windows.h>

#include <string.h>

#include "cpu_arch.h"
#include "handle_names.h"

typedef struct handle_entry {
    uint64_t value;
    unsigned char kind; /* api_kind + 1; 0 = empty slot */
    char name[23];
} handle_entry;

static SRWLOCK table_lock = SRWLOCK_INIT;
/* The table's entry [-1] holds its size (in .value), so a look-up reads one pointer and
 * never pairs a table with another table's size. */
static handle_entry *volatile table;
static size_t table_size;
static size_t table_used;
static volatile LONG table_sequence;

/* Keeps the compiler (and, on weakly ordered CPUs, the processor) from moving the reads
 * of the table across the reads of table_sequence. x86 and x64 keep loads in order. */
#if !ESH_CPU_LOADS_ACQUIRE(ESH_CPU_THIS)
#define READ_FENCE() MemoryBarrier()
#elif defined(_MSC_VER)
#define READ_FENCE() _ReadWriteBarrier()
#else
#define READ_FENCE() __asm__ __volatile__("" ::: "memory")
#endif
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

/* Copies TEXT into NAME (SIZE bytes, always NUL-terminated when SIZE > 0) by hand:
 * lstrcpynA and snprintf are calls into Wine's kernel32 and msvcrt on every record. */
static void copy_name(char *name, size_t size, const char *text)
{
    size_t i = 0;
    if (size == 0)
        return;
    for (; i + 1 < size && text[i] != '\0'; i++)
        name[i] = text[i];
    name[i] = '\0';
}

void handle_name_new(api_kind kind, char *name, size_t size)
{
    const char *prefix = handle_name_prefix(kind);
    char text[40], digits[12];
    size_t n = 0, d = 0;
    unsigned long number = (unsigned long)InterlockedIncrement(&counters[kind]);
    for (const char *p = prefix != NULL ? prefix : "h"; *p != '\0'; p++)
        text[n++] = *p;
    do {
        digits[d++] = (char)('0' + number % 10);
        number /= 10;
    } while (number != 0);
    while (d > 0)
        text[n++] = digits[--d];
    text[n] = '\0';
    copy_name(name, size, text);
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
    handle_entry *block = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (size + 1) * sizeof *block);
    if (block == NULL)
        return 0;
    handle_entry *entries = block + 1;
    block[0].value = size;
    for (size_t i = 0; i < table_size; i++)
        if (table[i].kind != 0)
            *probe(entries, size, (api_kind)(table[i].kind - 1), table[i].value) = table[i];
    /* Published whole (a full barrier); the old table is not freed: a look-up may be
     * reading it (see the top). */
    InterlockedExchangePointer((PVOID volatile *)&table, entries);
    table_size = size;
    return 1;
}

void handle_name_bind(api_kind kind, uint64_t value, const char *name)
{
    AcquireSRWLockExclusive(&table_lock);
    InterlockedIncrement(&table_sequence); /* odd: look-ups retry */
    if ((table_used + 1) * 2 > table_size && table_used < MAX_ENTRIES)
        grow();
    if (table_size != 0 && (table_used + 1) * 2 <= table_size) {
        handle_entry *e = probe(table, table_size, kind, value);
        if (e->kind == 0)
            table_used++;
        e->kind = (unsigned char)(kind + 1);
        e->value = value;
        copy_name(e->name, sizeof e->name, name);
    }
    InterlockedIncrement(&table_sequence);
    ReleaseSRWLockExclusive(&table_lock);
}

/* The probe itself; FOUND_NAME gets a copy of the entry's name (which the caller may use
 * only if the table did not change meanwhile). */
static int find_in(const handle_entry *entries, api_kind kind, uint64_t value, char *found_name)
{
    if (entries == NULL)
        return 0;
    size_t size = (size_t)entries[-1].value;
    if (size == 0)
        return 0;
    size_t i = slot_of(kind, value, size);
    for (size_t probes = 0; probes < size && entries[i].kind != 0; probes++) {
        if (entries[i].kind == kind + 1 && entries[i].value == value) {
            /* Up to the NUL only (a torn copy is discarded by the caller's check). */
            size_t k = 0;
            for (; k + 1 < sizeof entries[i].name && entries[i].name[k] != '\0'; k++)
                found_name[k] = entries[i].name[k];
            found_name[k] = '\0';
            return 1;
        }
        i = (i + 1) & (size - 1);
    }
    return 0;
}

int handle_name_find(api_kind kind, uint64_t value, char *name, size_t size)
{
    char found_name[sizeof table[0].name];
    int found;
    for (int attempt = 0; attempt < 4; attempt++) {
        LONG before = table_sequence;
        READ_FENCE();
        if (before & 1)
            continue;
        found = find_in(table, kind, value, found_name);
        READ_FENCE();
        if (table_sequence == before)
            goto done;
    }
    /* Binding kept changing the table: wait for it. */
    AcquireSRWLockShared(&table_lock);
    found = find_in(table, kind, value, found_name);
    ReleaseSRWLockShared(&table_lock);
done:
    if (found)
        copy_name(name, size, found_name);
    return found;
}
