/* Calling an ESENT function (or a stand-in) through its raw argument slots, as the export
 * stubs receive them and as the harness builds them. Windows only. */
#ifndef ESH_SLOT_CALL_H
#define ESH_SLOT_CALL_H

#include <stdint.h>

/* The most argument slots any function of the API table takes (x64 and x86 alike). */
#define ESH_MAX_SLOTS 10

/* Calls FN (a WINAPI function returning a 32-bit code) with NSLOTS pointer-sized slots and
 * stores its result in *RESULT. The callee type matches the slot count exactly: on x86 a
 * stdcall callee pops what the caller pushed. Returns 0 when NSLOTS > ESH_MAX_SLOTS. */
int esh_call_with_slots(void (*fn)(void), unsigned nslots, const uintptr_t *slots, long *result);

#endif
