/* One cast per slot count: C has no portable way to build a call of a run-time arity. */
#include "slot_call.h"

#include <windows.h>

typedef long(WINAPI *call0)(void);
typedef long(WINAPI *call1)(uintptr_t);
typedef long(WINAPI *call2)(uintptr_t, uintptr_t);
typedef long(WINAPI *call3)(uintptr_t, uintptr_t, uintptr_t);
typedef long(WINAPI *call4)(uintptr_t, uintptr_t, uintptr_t, uintptr_t);
typedef long(WINAPI *call5)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t);
typedef long(WINAPI *call6)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t);
typedef long(WINAPI *call7)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t);
typedef long(WINAPI *call8)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t,
                            uintptr_t);
typedef long(WINAPI *call9)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t,
                            uintptr_t, uintptr_t);
typedef long(WINAPI *call10)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t,
                             uintptr_t, uintptr_t, uintptr_t);

int esh_call_with_slots(void (*fn)(void), unsigned nslots, const uintptr_t *s, long *result)
{
    switch (nslots) {
    case 0: *result = ((call0)fn)(); return 1;
    case 1: *result = ((call1)fn)(s[0]); return 1;
    case 2: *result = ((call2)fn)(s[0], s[1]); return 1;
    case 3: *result = ((call3)fn)(s[0], s[1], s[2]); return 1;
    case 4: *result = ((call4)fn)(s[0], s[1], s[2], s[3]); return 1;
    case 5: *result = ((call5)fn)(s[0], s[1], s[2], s[3], s[4]); return 1;
    case 6: *result = ((call6)fn)(s[0], s[1], s[2], s[3], s[4], s[5]); return 1;
    case 7: *result = ((call7)fn)(s[0], s[1], s[2], s[3], s[4], s[5], s[6]); return 1;
    case 8: *result = ((call8)fn)(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]); return 1;
    case 9: *result = ((call9)fn)(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]); return 1;
    case 10: *result = ((call10)fn)(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]); return 1;
    default: return 0;
    }
}
