/* The trace file (core/trace_format.h, docs/recording.md): where it goes (ESENTSHIM_TRACE),
 * its header, and the regions each recording thread writes its records into. */
#ifndef ESH_SHIM_TRACE_FILE_H
#define ESH_SHIM_TRACE_FILE_H

#include <windows.h>

#include <stdint.h>

/* Nonzero while recording (set by trace_open, cleared for good on a write failure). */
extern volatile LONG trace_recording;

/* One recording thread's place in the trace: records go to AT, up to LIMIT, in its
 * WINDOW (a mapped region of the file). */
typedef struct trace_thread {
    unsigned char *at, *limit, *window;
    uint32_t window_bytes;
    uint64_t clock;   /* the clock at the thread's last record: records hold the step */
    uint32_t seq;     /* the next call's sequence number (per thread) */
    uint32_t serial;  /* unique per thread of the process (thread ids are reused) */
    uint32_t tid;
    uint32_t ordinal; /* regions this thread has had */
} trace_thread;

/* Decides the path, creates the file and writes the header. Call once, after the target
 * was loaded (the header names it). Warns once and leaves recording off on failure. */
void trace_open(void);
/* Gives T room: at its first record a window of its own (or one a thread that ended
 * left), later the same window again after copying it out to the next free region (one
 * interlocked increment and one WriteFile). Writes the region record. Returns 0 when the
 * trace is full or cannot grow: recording stops (one warning), calls are still forwarded. */
int trace_take_region(trace_thread *t);
/* A thread that ended hands back its window; the next new thread goes on writing there
 * (after its own region record). */
void trace_give_back(trace_thread *t);
/* Marks the header closed (a normal process exit or unload), unmaps the file, cuts it to
 * the regions used and closes it. UNLOADING: freed by FreeLibrary rather than the
 * process ending (when threads killed by the exit may have held the lock). */
void trace_close(int unloading);

#endif
