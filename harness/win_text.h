/* UTF-8 <-> UTF-16 (and the ANSI code page) for the Windows calls the harness makes. */
#ifndef ESH_HARNESS_WIN_TEXT_H
#define ESH_HARNESS_WIN_TEXT_H

#include <wchar.h>

/* Each returns a malloc'ed copy (free it), or NULL when the text cannot be converted. */
wchar_t *utf8_to_wide(const char *text);
char *wide_to_utf8(const wchar_t *text);
/* UTF-8 -> the process's ANSI code page, as the A functions of ESENT expect. */
char *utf8_to_ansi(const char *text);
char *ansi_to_utf8(const char *text);

#endif
