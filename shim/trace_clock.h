/* The records' clock: one instruction on x86 and x64 (the CPU's time-stamp counter,
 * invariant on every CPU Windows 10 supports), QueryPerformanceCounter elsewhere (ARM64,
 * where it reads a user-mode counter). The decoder converts it to seconds with pairs of
 * (clock, QueryPerformanceCounter) the trace holds. */
#ifndef ESH_SHIM_TRACE_CLOCK_H
#define ESH_SHIM_TRACE_CLOCK_H

#include <windows.h>

#include <stdint.h>

#if defined(_M_X64) || defined(_M_IX86) || defined(__x86_64__) || defined(__i386__)
#include <intrin.h>
static inline uint64_t trace_clock_read(void)
{
    return __rdtsc();
}
#else
static inline uint64_t trace_clock_read(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    return (uint64_t)now.QuadPart;
}
#endif

/* The clock and QueryPerformanceCounter read back to back (a system call under Wine:
 * once per region, never per call). */
void trace_clock_pair(uint64_t *clock, uint64_t *counter);

#endif
