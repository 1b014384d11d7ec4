/* One exported stub per ESENT function, generated from the API table, for the DLLs that
 * export the ESENT surface (the shim and the model). Each stub has the exact x86 stdcall
 * stack size of the real function and passes its raw argument slots to ESH_DISPATCH:
 *
 *     #define ESH_DISPATCH my_dispatch   // long my_dispatch(api_id id, const uintptr_t *slots)
 *     #include "export_stubs.h"
 *
 * The slots are the arguments as the caller pushed them: one pointer-sized slot per
 * parameter (a by-value 64-bit parameter takes two on x86, low half first). The module-
 * definition files core/generated/exports-{x64,x86}.def export the stubs by the real names. */
#include <stdint.h>

#include "api.h"

#ifndef ESH_DISPATCH
#error define ESH_DISPATCH before including export_stubs.h
#endif

#if defined(_WIN32) && !defined(_WIN64)
#define ESH_STUB_CC __stdcall
#else
#define ESH_STUB_CC
#endif

#define ESH_P0 void
#define ESH_P1 uintptr_t a0
#define ESH_P2 ESH_P1, uintptr_t a1
#define ESH_P3 ESH_P2, uintptr_t a2
#define ESH_P4 ESH_P3, uintptr_t a3
#define ESH_P5 ESH_P4, uintptr_t a4
#define ESH_P6 ESH_P5, uintptr_t a5
#define ESH_P7 ESH_P6, uintptr_t a6
#define ESH_P8 ESH_P7, uintptr_t a7
#define ESH_P9 ESH_P8, uintptr_t a8
#define ESH_P10 ESH_P9, uintptr_t a9
#define ESH_A0
#define ESH_A1 a0,
#define ESH_A2 ESH_A1 a1,
#define ESH_A3 ESH_A2 a2,
#define ESH_A4 ESH_A3 a3,
#define ESH_A5 ESH_A4 a4,
#define ESH_A6 ESH_A5 a5,
#define ESH_A7 ESH_A6 a6,
#define ESH_A8 ESH_A7 a7,
#define ESH_A9 ESH_A8 a8,
#define ESH_A10 ESH_A9 a9,

#define ESH_STUB(name, nslots)                                                  \
    long ESH_STUB_CC name(ESH_P##nslots);                                       \
    long ESH_STUB_CC name(ESH_P##nslots)                                        \
    {                                                                           \
        const uintptr_t slots[nslots + 1] = {ESH_A##nslots 0};                  \
        return ESH_DISPATCH(API_ID_##name, slots);                              \
    }


#if defined(_WIN32) && !defined(_WIN64)
#define API(name, target, x86, twin, slots64, ver, pub, proto, first, n, computed, slots86, is_alias) \
    ESH_STUB_ALIAS_##is_alias(name, slots86)
#else
#define API(name, target, x86, twin, slots64, ver, pub, proto, first, n, computed, slots86, is_alias) \
    ESH_STUB_ALIAS_##is_alias(name, slots64)
#endif
#define ESH_STUB_ALIAS_0(name, nslots) ESH_STUB(name, nslots)
#define ESH_STUB_ALIAS_1(name, nslots)
#include "generated/api_table.inc"
#undef API
