/* The prelude text of a trace (docs/scenario-language.md "Recordings"): the header
 * comments and the scenario's name, purpose and evidence lines. */
#ifndef ESH_SHIM_TRACE_HEADER_H
#define ESH_SHIM_TRACE_HEADER_H

#include <stddef.h>
#include <wchar.h>

/* Writes the prelude into HEADER (SIZE bytes, NUL-terminated, cut to fit); returns its
 * length. Call after the target was loaded (the text names it). */
size_t trace_header_text(char *header, size_t size);
/* The executable's file name ("backup.exe") inside PATH (filled with its full path). */
const wchar_t *trace_exe_name(wchar_t *path, unsigned long size);

#endif
