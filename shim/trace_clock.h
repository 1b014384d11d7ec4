/* The records' `t=` clock: seconds since recording started, cheap enough to read on every
 * call (QueryPerformanceCounter is a system call under Wine, ~120 ns). */
#ifndef ESH_SHIM_TRACE_CLOCK_H
#define ESH_SHIM_TRACE_CLOCK_H

/* Starts the clock (call once, before any trace_clock_seconds). */
void trace_clock_start(void);
/* Seconds since trace_clock_start. */
double trace_clock_seconds(void);

#endif
