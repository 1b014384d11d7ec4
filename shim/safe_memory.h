/* Reading the caller's memory without trusting it: a pointer that ESENT itself would
 * reject (unmapped, freed, guard page) must not crash the recorder. */
#ifndef ESH_SHIM_SAFE_MEMORY_H
#define ESH_SHIM_SAFE_MEMORY_H

#include <stddef.h>

/* Copies SIZE bytes from SRC; returns 0 if any of them cannot be read. */
int safe_read(const void *src, void *dst, size_t size);
/* Reads a NUL-terminated narrow (ANSI code page) or wide string as UTF-8 into OUT (at most
 * SIZE bytes with the NUL). Returns 1 when read whole, 2 when cut at the limit (OUT holds
 * the start), 0 when unreadable. */
int safe_read_string_a(const char *src, char *out, size_t size);
int safe_read_string_w(const wchar_t *src, char *out, size_t size);
/* Copies units of UNIT bytes from SRC up to the first zero unit or MAX units. Returns the
 * units copied without the terminator, or -1 if unreadable; *CUT is set when no terminator
 * was found within MAX. */
long safe_read_units(const unsigned char *src, unsigned char *dst, size_t unit, size_t max, int *cut);

#endif
