/* Narrow <-> wide strings for the A exports. ESE's A functions convert and call the W core
 * (dev/ese/src/ese/jetapi.cxx:17506-17544); a multi-string output that does not fit a non-zero narrow buffer is
 * JET_errBufferTooSmall (dev/ese/src/ese/jetapi.cxx:17517-17531; dev/ese/src/os/string.cxx:779-790). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

WCHAR *model_widen(const char *s)
{
    if (!s)
        return NULL;
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    WCHAR *w = malloc((size_t)n * sizeof(WCHAR));
    if (w)
        MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    return w;
}

JET_ERR model_multisz_to_a(const WCHAR *wsz, unsigned long cbw, char *buf, unsigned long cb_max,
                           unsigned long *pcb_actual)
{
    int cch = (int)(cbw / sizeof(WCHAR));
    int need = cch ? WideCharToMultiByte(CP_ACP, 0, wsz, cch, NULL, 0, NULL, NULL) : 0;
    if (pcb_actual)
        *pcb_actual = (unsigned long)need;
    if (!buf || cb_max == 0)
        return JET_errSuccess;
    if ((unsigned long)need > cb_max)
        return JET_errBufferTooSmall;
    if (need)
        WideCharToMultiByte(CP_ACP, 0, wsz, cch, buf, need, NULL, NULL);
    return JET_errSuccess;
}

void model_multisz_to_w(const WCHAR *wsz, unsigned long cbw, WCHAR *buf, unsigned long cb_max)
{
    if (buf && cb_max)
        /* a short buffer is not an error (dev/ese/src/ese/backup.cxx:2036-2044) */
        memcpy(buf, wsz, cbw < cb_max ? cbw : cb_max);
}
