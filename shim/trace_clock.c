/* See trace_clock.h. */
#include "trace_clock.h"

void trace_clock_pair(uint64_t *clock, uint64_t *counter)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    *clock = trace_clock_read();
    *counter = (uint64_t)now.QuadPart;
}
