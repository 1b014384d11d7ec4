/* The shim's module handle, for telling itself apart from its target. */
#ifndef ESH_SHIM_MAIN_H
#define ESH_SHIM_MAIN_H

#include <windows.h>

HMODULE shim_module(void);

#endif
