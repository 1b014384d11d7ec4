/* The trace file: where it goes (ESENTSHIM_TRACE), its header, and appending records so
 * that records of different threads never interleave and everything written survives the
 * process dying. */
#ifndef ESH_SHIM_TRACE_FILE_H
#define ESH_SHIM_TRACE_FILE_H

#include <stddef.h>

#include <windows.h>

/* Nonzero while recording (set by trace_open, cleared for good on a write failure). */
extern volatile LONG trace_recording;

/* Decides the path, creates the file and writes the header. Call once, after the target
 * was loaded (the header names it). Warns once and leaves recording off on failure. */
void trace_open(void);
/* Appends one whole record (copied into the mapped file at a range reserved with one
 * interlocked add; no lock unless a new chunk must be mapped); on failure (disk full,
 * ESENTSHIM_TRACE_MAX_BYTES reached) warns once and stops recording. */
void trace_append(const char *line, size_t length);
/* Seconds since recording started. */
double trace_seconds(void);
/* Writes the closing `end` line once (a normal process exit or unload), unmaps the file,
 * truncates it to the bytes used and closes it. UNLOADING: freed by FreeLibrary rather
 * than the process ending (when threads killed by the exit may have held the lock). */
void trace_close(int unloading);

#endif
