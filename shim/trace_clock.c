/* On x86 and x64 the clock is the CPU's time-stamp counter (one instruction; invariant on
 * every CPU Windows 10 supports), converted with a rate measured against
 * QueryPerformanceCounter: first over about a millisecond at start, then over the whole
 * time since start, re-measured by one thread at most every ~50 ms, so the rate only gets
 * more exact. Elsewhere (ARM64, where QueryPerformanceCounter reads a user-mode counter
 * anyway) it is QueryPerformanceCounter itself. */
#include <windows.h>

#include <stdint.h>

#include "trace_clock.h"

#if defined(_M_X64) || defined(_M_IX86) || defined(__x86_64__) || defined(__i386__)
#define USE_TSC 1
#include <intrin.h>
#else
#define USE_TSC 0
#endif

static LARGE_INTEGER start_counter, counter_frequency;

#if USE_TSC
static uint64_t start_tsc;
static volatile double seconds_per_tick; /* an aligned double: loads and stores are whole */
static volatile LONG64 next_calibration;  /* TSC value after which the rate is re-measured */
static volatile LONG calibrating;

/* Rate over the time since start; TSC and QueryPerformanceCounter read back to back. */
static void calibrate(uint64_t tsc)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    uint64_t ticks = tsc - start_tsc;
    double seconds = (double)(now.QuadPart - start_counter.QuadPart) / (double)counter_frequency.QuadPart;
    if (ticks > 0 && seconds > 0)
        seconds_per_tick = seconds / (double)ticks;
    /* Next time: when as many ticks again have passed, at least ~50 ms' worth. */
    double interval = 0.05 / seconds_per_tick;
    next_calibration = (LONG64)(tsc + (uint64_t)(ticks > interval ? (double)ticks : interval));
}
#endif

void trace_clock_start(void)
{
    QueryPerformanceFrequency(&counter_frequency);
    QueryPerformanceCounter(&start_counter);
#if USE_TSC
    start_tsc = __rdtsc();
    /* A first rate over >= 1 ms (once, at the first call into the shim). */
    LARGE_INTEGER now;
    do
        QueryPerformanceCounter(&now);
    while ((double)(now.QuadPart - start_counter.QuadPart) < (double)counter_frequency.QuadPart / 1000.0);
    seconds_per_tick = 1e-9;
    calibrate(__rdtsc());
#endif
}

double trace_clock_seconds(void)
{
#if USE_TSC
    uint64_t tsc = __rdtsc();
    if ((LONG64)tsc > next_calibration && InterlockedCompareExchange(&calibrating, 1, 0) == 0) {
        calibrate(tsc);
        InterlockedExchange(&calibrating, 0);
    }
    return tsc > start_tsc ? (double)(tsc - start_tsc) * seconds_per_tick : 0.0;
#else
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    if (counter_frequency.QuadPart == 0)
        return 0.0;
    return (double)(now.QuadPart - start_counter.QuadPart) / (double)counter_frequency.QuadPart;
#endif
}
