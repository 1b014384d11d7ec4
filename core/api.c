/* The ESENT API table as C data, expanded from the generated rows. */
#include "api.h"

#include <string.h>

const api_function api_functions[API_COUNT] = {
#define API(name, target, x86, twin, slots, ver, pub, proto, first, n, computed, slots86, is_alias) \
    {#name, API_ID_##target, x86, twin, slots, ver, pub, proto, first, n, computed},
#include "generated/api_table.inc"
#undef API
};

const api_param api_params[] = {
#define PARAM(fn, index, name, kind, dir, size, actual, opt, ctype, family) \
    {name, API_KIND_##kind, API_DIR_##dir, size, actual, opt, ctype, family},
#include "generated/api_params.inc"
#undef PARAM
};

const size_t api_param_count = sizeof api_params / sizeof api_params[0];

static int compare_name(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const api_function *)elem)->name);
}

const api_function *api_find(const char *name)
{
    /* The export list is sorted by name (ordinal order of the real module-definition file). */
    size_t lo = 0, hi = API_COUNT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_name(name, &api_functions[mid]);
        if (c == 0)
            return &api_functions[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const api_param *api_params_of(const api_function *fn)
{
    const api_function *target = &api_functions[fn->target];
    return target->first_param < 0 ? NULL : &api_params[target->first_param];
}

const char *api_kind_name(api_kind kind)
{
    static const char *const names[API_KIND_COUNT] = {
        "INSTANCE", "SESID", "DBID", "TABLEID", "HANDLE", "COLUMNID", "OSSNAPID", "GRBIT",
        "PARAMID", "ULONG", "LONG", "U64", "I64", "API_PTR", "STR_A", "STR_W", "BUF",
        "STRUCT", "CALLBACK", "PTR",
    };
    return (unsigned)kind < API_KIND_COUNT ? names[kind] : "?";
}

unsigned api_param_slots_for(const api_param *p, unsigned pointer_bytes)
{
    if (pointer_bytes == 4 && (p->kind == API_KIND_U64 || p->kind == API_KIND_I64) && p->dir == API_DIR_IN)
        return 2;
    return 1;
}

unsigned api_param_slots(const api_param *p)
{
    return api_param_slots_for(p, (unsigned)sizeof(void *));
}

unsigned api_slot_count_for(const api_function *fn, unsigned pointer_bytes)
{
    return pointer_bytes == 4 ? fn->x86_bytes / 4u : fn->x64_slots;
}

unsigned api_slot_count(const api_function *fn)
{
    return api_slot_count_for(fn, (unsigned)sizeof(void *));
}

size_t api_value_size(api_kind kind)
{
    switch (kind) {
    case API_KIND_DBID:
    case API_KIND_COLUMNID:
    case API_KIND_ULONG:
    case API_KIND_LONG:
    case API_KIND_GRBIT:
    case API_KIND_PARAMID:
        return 4;
    case API_KIND_U64:
    case API_KIND_I64:
        return 8;
    default:
        return sizeof(void *);
    }
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

api_state_role api_state_role_of(const api_function *fn)
{
    static const struct { const char *prefix; api_state_role role; } families[] = {
        {"JetInit", API_STATE_INIT},
        {"JetAttachDatabase", API_STATE_ATTACH},
        {"JetCreateDatabase", API_STATE_CREATE},
        {"JetCreateInstance", API_STATE_NEW_INSTANCE},
        {"JetTerm", API_STATE_END_INSTANCE},
    };
    const char *name = api_functions[fn->target].name;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (has_prefix(name, families[i].prefix))
            return families[i].role;
    return API_STATE_NONE;
}

int api_first_string_param(const api_function *fn)
{
    const api_param *params = api_params_of(fn);
    for (int i = 0; params && i < fn->nparams; i++)
        if (params[i].kind == API_KIND_STR_A || params[i].kind == API_KIND_STR_W)
            return i;
    return -1;
}
