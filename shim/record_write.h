/* Writing one binary record (core/trace_format.h) into the calling thread's window: the
 * varints, the padding, and the publishing store of the first word, which comes last so
 * that a killed process leaves whole records or a zero word. Shared by the call records
 * and the state records. */
#ifndef ESH_SHIM_RECORD_WRITE_H
#define ESH_SHIM_RECORD_WRITE_H

#include <windows.h>

#include <stdint.h>

#include "cpu_arch.h"
#include "trace_file.h"
#include "trace_format.h"

#if defined(_MSC_VER)
#define COMPILER_BARRIER() _ReadWriteBarrier()
#else
#define COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")
#endif

/* Ends the run with a zero word after the record (the window holds older records past
 * it), then stores the record's first word after everything else (x86 and x64 keep
 * stores in order; other CPUs get a barrier). */
static inline void record_publish(trace_thread *t, unsigned char *r, uint32_t size, unsigned kind)
{
    if (r + size < t->limit)
        *(uint32_t *)(void *)(r + size) = 0;
#if ESH_CPU_STORES_RELEASE(ESH_CPU_THIS)
    COMPILER_BARRIER();
#else
    MemoryBarrier();
#endif
    *(volatile uint32_t *)r = TRACE_REC_WORD(size, kind);
}

static inline unsigned char *record_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* The record's size, padded (the padding is zero: the record is followed by a zero word,
 * and bytes past the last record of a reused window are never read). */
static inline uint32_t record_padded_size(unsigned char *r, unsigned char *p)
{
    uint32_t size = (uint32_t)(p - r);
    while (size % TRACE_REC_ALIGN != 0)
        r[size++] = 0;
    return size;
}

#endif
