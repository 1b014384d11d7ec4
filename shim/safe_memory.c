/* A pointer is read only after VirtualQuery says every byte of the range lies in
 * committed, readable, non-guard pages. MinGW has no __try, and ReadProcessMemory on the
 * own process, though exception-free, is a round trip to the wineserver under Wine
 * (about 0.1 ms per read). The one gap, another thread freeing the memory between the
 * query and the copy, would be a use-after-free in the host itself, during its own call. */
#include <windows.h>

#include <stdint.h>
#include <string.h>

#include "safe_memory.h"

#define READABLE (PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | \
                  PAGE_EXECUTE_WRITECOPY)

/* Bytes readable from P onwards within its region (0 if P is not readable). A pointer
 * into the calling thread's own committed stack (where most output variables live) needs
 * no system call: the TIB's StackLimit..StackBase is committed and readable (the guard
 * page lies below StackLimit). VirtualQuery costs ~0.4 us under Wine. */
static const NT_TIB *current_tib(void)
{
    /* GCC's own NtCurrentTeb trips its -Warray-bounds (a read at a constant segment
     * offset); the same read, written out. */
#if defined(__GNUC__) && defined(__x86_64__)
    const NT_TIB *tib;
    __asm__("movq %%gs:0x30, %0" : "=r"(tib));
    return tib;
#elif defined(__GNUC__) && defined(__i386__)
    const NT_TIB *tib;
    __asm__("movl %%fs:0x18, %0" : "=r"(tib));
    return tib;
#else
    return (const NT_TIB *)NtCurrentTeb();
#endif
}

static size_t readable_run(const void *p)
{
    const NT_TIB *tib = current_tib();
    if ((const char *)p >= (const char *)tib->StackLimit && (const char *)p < (const char *)tib->StackBase)
        return (size_t)((const char *)tib->StackBase - (const char *)p);
    MEMORY_BASIC_INFORMATION info;
    if (VirtualQuery(p, &info, sizeof info) != sizeof info || info.State != MEM_COMMIT ||
        (info.Protect & READABLE) == 0 || (info.Protect & (PAGE_GUARD | PAGE_NOACCESS)) != 0)
        return 0;
    return (size_t)((const char *)info.BaseAddress + info.RegionSize - (const char *)p);
}

int safe_read(const void *src, void *dst, size_t size)
{
    size_t checked = 0;
    if (src == NULL)
        return 0;
    while (checked < size) {
        size_t run = readable_run((const char *)src + checked);
        if (run == 0)
            return 0;
        checked += run;
    }
    if (size <= 16) { /* a value (the common case): a call into Wine's msvcrt costs more */
        for (size_t i = 0; i < size; i++)
            ((unsigned char *)dst)[i] = ((const unsigned char *)src)[i];
    } else {
        memcpy(dst, src, size);
    }
    return 1;
}

long safe_read_units(const unsigned char *src, unsigned char *dst, size_t unit, size_t max, int *cut)
{
    size_t done = 0, run = 0; /* units; bytes left in the current readable run */
    *cut = 0;
    if (src == NULL)
        return -1;
    while (done < max) {
        while (run < unit) {
            size_t more = readable_run(src + done * unit + run);
            if (more == 0)
                return -1;
            run += more;
        }
        for (size_t k = 0; k < unit; k++) /* a byte or two: a loop, not a call into msvcrt */
            dst[done * unit + k] = src[done * unit + k];
        run -= unit;
        int zero = 1;
        for (size_t k = 0; k < unit; k++)
            if (dst[done * unit + k] != 0)
                zero = 0;
        if (zero)
            return (long)done;
        done++;
    }
    *cut = 1;
    return (long)max;
}

int safe_read_string_w(const wchar_t *src, char *out, size_t size)
{
    wchar_t wide[1024];
    int cut;
    long n = safe_read_units((const unsigned char *)src, (unsigned char *)wide, sizeof(wchar_t),
                        sizeof wide / sizeof wide[0] - 1, &cut);
    if (size == 0 || n < 0)
        return 0;
    int m = n == 0 ? 0 : WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, out, (int)size - 1, NULL, NULL);
    if (n > 0 && m == 0) {
        /* The UTF-8 text does not fit: keep as many characters as do. */
        long keep = n;
        while (keep > 0 && (m = WideCharToMultiByte(CP_UTF8, 0, wide, (int)keep, out, (int)size - 1, NULL, NULL)) == 0)
            keep /= 2;
        cut = 1;
    }
    out[m] = '\0';
    return cut ? 2 : 1;
}

int safe_read_string_a(const char *src, char *out, size_t size)
{
    char narrow[1024];
    wchar_t wide[1024];
    int cut;
    long n = safe_read_units((const unsigned char *)src, (unsigned char *)narrow, 1, sizeof narrow - 1, &cut);
    if (size == 0 || n < 0)
        return 0;
    /* The A functions take the ANSI code page; the trace is UTF-8. */
    int w = n == 0 ? 0 : MultiByteToWideChar(CP_ACP, 0, narrow, (int)n, wide, (int)(sizeof wide / sizeof wide[0]) - 1);
    int m = w == 0 ? 0 : WideCharToMultiByte(CP_UTF8, 0, wide, w, out, (int)size - 1, NULL, NULL);
    if (w > 0 && m == 0)
        cut = 1;
    out[m] = '\0';
    return cut ? 2 : 1;
}
