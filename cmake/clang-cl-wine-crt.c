/* The few pieces of MSVC's static CRT that the project's binaries need and that Wine does not
 * ship, for the clang-cl builds linked against Wine's libraries (docs/windows-builds.md).
 * A real MSVC build takes them from vcruntime/libcmt and never compiles this file.
 *
 * _fltused: referenced by every object that uses floating point; only its presence matters.
 * TLS: __declspec(thread) variables (harness/run_child.c, cmocka) are placed between the
 * .tls and .tls$ZZZ sections; the linker points the image's TLS directory at _tls_used,
 * and the loader stores the module's TLS slot in _tls_index. On x86 compiled code also finds
 * the thread's TLS array through the absolute symbol _tls_array: its offset in the TEB (0x2c). */
#include <windows.h>

int _fltused = 1;

ULONG _tls_index = 0;

#ifdef _M_IX86
__asm__(".globl __tls_array\n.set __tls_array, 0x2c");
#endif

#pragma data_seg(".tls")
char _tls_start = 0;
#pragma data_seg(".tls$ZZZ")
char _tls_end = 0;
#pragma data_seg()

/* An empty, null-terminated TLS callback list (.CRT$XLA .. .CRT$XLZ). */
#pragma section(".CRT$XLA", long, read)
#pragma section(".CRT$XLZ", long, read)
__declspec(allocate(".CRT$XLA")) PIMAGE_TLS_CALLBACK esh_tls_callbacks_begin = 0;
__declspec(allocate(".CRT$XLZ")) PIMAGE_TLS_CALLBACK esh_tls_callbacks_end = 0;

#pragma section(".rdata$T", long, read)
__declspec(allocate(".rdata$T")) const IMAGE_TLS_DIRECTORY _tls_used = {
    (ULONG_PTR)&_tls_start, (ULONG_PTR)&_tls_end, (ULONG_PTR)&_tls_index,
    (ULONG_PTR)(&esh_tls_callbacks_begin + 1), 0, 0,
};
