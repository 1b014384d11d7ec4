/* UTF-8 <-> UTF-16 conversions (win_text.h). */
#include "win_text.h"

#include <stdlib.h>
#include <windows.h>

wchar_t *utf8_to_wide(const char *text)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *out = malloc((size_t)n * sizeof *out);
    if (out && MultiByteToWideChar(CP_UTF8, 0, text, -1, out, n) != n) {
        free(out);
        return NULL;
    }
    return out;
}

static char *wide_to_codepage(UINT codepage, const wchar_t *text)
{
    int n = WideCharToMultiByte(codepage, 0, text, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *out = malloc((size_t)n);
    if (out && WideCharToMultiByte(codepage, 0, text, -1, out, n, NULL, NULL) != n) {
        free(out);
        return NULL;
    }
    return out;
}

char *wide_to_utf8(const wchar_t *text)
{
    return wide_to_codepage(CP_UTF8, text);
}

char *utf8_to_ansi(const char *text)
{
    wchar_t *wide = utf8_to_wide(text);
    if (!wide)
        return NULL;
    char *out = wide_to_codepage(CP_ACP, wide);
    free(wide);
    return out;
}

char *ansi_to_utf8(const char *text)
{
    int n = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *wide = malloc((size_t)n * sizeof *wide);
    char *out = NULL;
    if (wide && MultiByteToWideChar(CP_ACP, 0, text, -1, wide, n) == n)
        out = wide_to_utf8(wide);
    free(wide);
    return out;
}
