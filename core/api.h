/* The ESENT API table: every export of ESENT.dll with its parameters' type tags.
 * Generated rows live in generated/api_table.inc and generated/api_params.inc;
 * this header gives them C types. The shim, the harness and the model all read it. */
#ifndef ESH_API_H
#define ESH_API_H

#include <stddef.h>
#include <stdint.h>

typedef enum api_kind {
    API_KIND_INSTANCE, /* JET_INSTANCE */
    API_KIND_SESID,    /* JET_SESID */
    API_KIND_DBID,     /* JET_DBID */
    API_KIND_TABLEID,  /* JET_TABLEID */
    API_KIND_HANDLE,   /* JET_HANDLE: a backup file handle */
    API_KIND_COLUMNID, /* JET_COLUMNID */
    API_KIND_OSSNAPID, /* JET_OSSNAPID */
    API_KIND_GRBIT,    /* JET_GRBIT, printed with its family's flag names */
    API_KIND_PARAMID,  /* a JET_param* id */
    API_KIND_ULONG,    /* unsigned long */
    API_KIND_LONG,     /* long */
    API_KIND_U64,      /* unsigned __int64 or an 8-byte value (two x86 stack slots) */
    API_KIND_I64,      /* __int64 */
    API_KIND_API_PTR,  /* JET_API_PTR or another pointer-sized value */
    API_KIND_STR_A,    /* a NUL-terminated narrow string */
    API_KIND_STR_W,    /* a NUL-terminated wide string */
    API_KIND_BUF,      /* a buffer sized by another parameter */
    API_KIND_STRUCT,   /* a pointer to a JET_* structure */
    API_KIND_CALLBACK, /* a function pointer */
    API_KIND_PTR,      /* any other pointer, recorded as null or non-null */
    API_KIND_COUNT
} api_kind;

typedef enum api_dir { API_DIR_IN, API_DIR_OUT, API_DIR_INOUT } api_dir;

/* The kinds by what a slot holds: a handle or a number (by value when passed in, else a
 * pointer to one), or always an address (strings, buffers, structures, callbacks). */
static inline int api_kind_is_handle(api_kind kind) { return kind <= API_KIND_OSSNAPID; }
static inline int api_kind_is_number(api_kind kind) { return kind >= API_KIND_GRBIT && kind <= API_KIND_API_PTR; }
static inline int api_param_is_pointer(api_kind kind, api_dir dir)
{
    return (!api_kind_is_handle(kind) && !api_kind_is_number(kind)) || dir != API_DIR_IN;
}

typedef struct api_param {
    const char *name;
    api_kind kind;
    api_dir dir;
    signed char size_index;   /* BUF: the parameter holding its size; -1 if none */
    signed char actual_index; /* BUF: the parameter receiving the bytes written; -1 if none */
    unsigned char optional;   /* SAL _opt_: may be null */
    const char *ctype;        /* the C type as the header spells it */
    signed char grbit_family; /* GRBIT: index into the grbit families; -1 if none */
} api_param;

typedef struct api_function {
    const char *name;
    int target;               /* the api_id this export is (itself, or the A function it aliases) */
    unsigned short x86_bytes; /* stdcall stack bytes on x86 */
    unsigned char x86_twin;   /* the x86 DLL also exports Name@x86_bytes */
    unsigned char x64_slots;  /* argument slots on x64 (one per parameter) */
    unsigned short jet_version; /* JET_VERSION that introduced it (0 when unknown) */
    unsigned char is_public;
    unsigned char has_proto;  /* a prototype is known; without one the call is forwarded unrecorded */
    short first_param;        /* index into api_params (of the target for an alias) */
    unsigned char nparams;
    unsigned short computed_x86_bytes; /* x86 bytes summed from the parameter types */
} api_function;

typedef enum api_id {
#define API(name, target, x86, twin, slots, ver, pub, proto, first, n, computed, slots86, is_alias) API_ID_##name,
#include "generated/api_table.inc"
#undef API
    API_COUNT
} api_id;

extern const api_function api_functions[API_COUNT];
extern const api_param api_params[];
extern const size_t api_param_count;

const api_function *api_find(const char *name);           /* NULL if not an export */
const api_param *api_params_of(const api_function *fn);    /* parameters of the function (or its target) */
const char *api_kind_name(api_kind kind);                  /* "INSTANCE" ... */
/* Argument slots one call takes: a pointer-sized slot per parameter on x64; on x86 the
 * stack bytes / 4 (a by-value 64-bit parameter takes two). */
unsigned api_slot_count(const api_function *fn);
/* Slots the given parameter takes in this build. */
unsigned api_param_slots(const api_param *p);
/* The same for a process whose pointers are POINTER_BYTES long (decoding another arch's trace). */
unsigned api_slot_count_for(const api_function *fn, unsigned pointer_bytes);
unsigned api_param_slots_for(const api_param *p, unsigned pointer_bytes);
/* Bytes of a value of this kind in memory (what an output pointer of the kind points to):
 * 4 for 32-bit ids and integers, 8 for 64-bit ones, else pointer-sized (JET_API_PTR handles). */
size_t api_value_size(api_kind kind);

/* What a call means for the files an instance finds (docs/recording.md "State"): the shim
 * captures them before an INIT (the instance's folders) or an ATTACH (the database it
 * names), asks the target about an instance only between its NEW_INSTANCE and its
 * END_INSTANCE, and a CREATE makes the process's own file. By the function's family in the
 * table: JetInit*, JetAttachDatabase*, JetCreateDatabase*, JetCreateInstance*, JetTerm*. */
typedef enum api_state_role {
    API_STATE_NONE,
    API_STATE_INIT,
    API_STATE_ATTACH,
    API_STATE_CREATE,
    API_STATE_NEW_INSTANCE,
    API_STATE_END_INSTANCE
} api_state_role;
api_state_role api_state_role_of(const api_function *fn);
/* The index of FN's first string parameter (a database's file name), or -1. */
int api_first_string_param(const api_function *fn);

#endif
