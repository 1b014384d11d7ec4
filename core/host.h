/* Facts about the host and the ESENT DLL that answers: what every report is headed by.
 * Windows only (on other hosts every function reports "unknown"). */
#ifndef ESH_HOST_H
#define ESH_HOST_H

#include <stddef.h>
#include <stdint.h>

typedef struct host_facts {
    char os_name[128];    /* "Windows Server 2022 Datacenter" (registry ProductName) */
    uint32_t major, minor, build, ubr; /* RtlGetVersion, UBR from the registry */
    int is_server;        /* product type */
    char arch[8];         /* of this process: "x64", "x86", "arm64" */
    char wine[32];        /* Wine version, "" when not under Wine */
    int release;          /* scn_release index that matches, -1 if none */
} host_facts;

typedef struct dll_facts {
    char path[520];       /* full path of the loaded module (UTF-8) */
    char version[64];     /* file version "10.0.20348.2849", "" if none */
    char product[128];    /* ProductName of the version resource */
    char kind[8];         /* "system", "model", "other" */
} dll_facts;

void host_facts_get(host_facts *facts);
/* Facts of a loaded module (an HMODULE passed as void *). */
void dll_facts_get(void *module, dll_facts *facts);

/* The scn_release index of a Windows version (an OS's, or a system DLL's file version) and
 * product type; -1 when no release name matches. */
int host_release_of(uint32_t major, uint32_t minor, uint32_t build, int is_server);

#endif
