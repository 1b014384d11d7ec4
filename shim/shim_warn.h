/* Messages from the shim to whoever watches the host: stderr and the debugger. */
#ifndef ESH_SHIM_WARN_H
#define ESH_SHIM_WARN_H

/* Writes "esentshim: MESSAGE\n" to stderr and OutputDebugString. Safe in any context the
 * shim runs in (no CRT stdio, no allocation). */
void shim_warn(const char *message);
/* The same, with a wide-character detail appended (a path). */
void shim_warn_path(const char *message, const wchar_t *path);

#endif
