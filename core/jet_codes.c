/* Look-ups over the generated JET code, flag and parameter tables. */
#include "jet_codes.h"

#include <stdio.h>
#include <string.h>

const jet_code jet_codes[] = {
#define JET_CODE(name, value, pub, meaning) {#name, value, pub, meaning},
#include "generated/jet_codes.inc"
#undef JET_CODE
};
const size_t jet_code_count = sizeof jet_codes / sizeof jet_codes[0];

const jet_named_value jet_bits[] = {
#define JET_BIT(name, value, pub) {#name, (uint32_t)(value), pub},
#include "generated/jet_bits.inc"
#undef JET_BIT
};
const size_t jet_bit_count = sizeof jet_bits / sizeof jet_bits[0];

const jet_named_value jet_params[] = {
#define JET_PARAM(name, value) {#name, (uint32_t)(value), 1},
#include "generated/jet_params.inc"
#undef JET_PARAM
};
const size_t jet_param_count = sizeof jet_params / sizeof jet_params[0];

static const char *const grbit_family_names[] = {
#define GRBIT_FAMILY(index, name) name,
#define GRBIT_MEMBER(family, flag)
#include "generated/grbit_families.inc"
#undef GRBIT_FAMILY
#undef GRBIT_MEMBER
};

static const struct grbit_member {
    int family;
    const char *flag;
} grbit_members[] = {
#define GRBIT_FAMILY(index, name)
#define GRBIT_MEMBER(family, flag) {family, #flag},
#include "generated/grbit_families.inc"
#undef GRBIT_FAMILY
#undef GRBIT_MEMBER
};

const jet_code *jet_code_by_name(const char *name)
{
    for (size_t i = 0; i < jet_code_count; i++)
        if (strcmp(jet_codes[i].name, name) == 0)
            return &jet_codes[i];
    return NULL;
}

/* The last answer: the shim's recorder prints the same few codes over and over, and the
 * table is scanned in order. A pointer store is whole, so threads may share it. */
static const jet_code *volatile last_by_value;

const jet_code *jet_code_by_value(jet_err value)
{
    const jet_code *found = last_by_value;
    if (found && found->value == value)
        return found;
    found = NULL;
    for (size_t i = 0; i < jet_code_count; i++) {
        if (jet_codes[i].value != value)
            continue;
        if (jet_codes[i].is_public) {
            found = &jet_codes[i];
            break;
        }
        if (!found)
            found = &jet_codes[i];
    }
    if (found)
        last_by_value = found;
    return found;
}

const char *jet_code_name(jet_err value, char *buf, size_t size)
{
    const jet_code *code = jet_code_by_value(value);
    if (code)
        return code->name;
    snprintf(buf, size, "%ld", (long)value);
    return buf;
}

const char *jet_code_describe(jet_err value, char *buf, size_t size)
{
    const jet_code *code = jet_code_by_value(value);
    if (code)
        snprintf(buf, size, "%s (%ld)", code->name, (long)value);
    else
        snprintf(buf, size, "%ld (unknown)", (long)value);
    return buf;
}

static const jet_named_value *find_named(const jet_named_value *rows, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

const jet_named_value *jet_bit_by_name(const char *name)
{
    return find_named(jet_bits, jet_bit_count, name);
}

const jet_named_value *jet_param_by_name(const char *name)
{
    return find_named(jet_params, jet_param_count, name);
}

const jet_named_value *jet_param_by_value(uint32_t value)
{
    for (size_t i = 0; i < jet_param_count; i++)
        if (jet_params[i].value == value)
            return &jet_params[i];
    return NULL;
}

int jet_constant_by_name(const char *name, int64_t *value)
{
    const jet_code *code = jet_code_by_name(name);
    const jet_named_value *named;
    if (code) {
        *value = code->value;
        return 1;
    }
    if ((named = jet_bit_by_name(name)) != NULL || (named = jet_param_by_name(name)) != NULL) {
        *value = named->value;
        return 1;
    }
    return 0;
}

size_t jet_grbit_family_count(void)
{
    return sizeof grbit_family_names / sizeof grbit_family_names[0];
}

const char *jet_grbit_family_name(int family)
{
    return family >= 0 && (size_t)family < jet_grbit_family_count() ? grbit_family_names[family] : NULL;
}

const char *jet_grbit_format(int family, uint32_t grbit, char *buf, size_t size)
{
    size_t used = 0;
    uint32_t rest = grbit;
    buf[0] = '\0';
    for (size_t i = 0; family >= 0 && i < sizeof grbit_members / sizeof grbit_members[0]; i++) {
        const jet_named_value *bit;
        if (grbit_members[i].family != family || (bit = jet_bit_by_name(grbit_members[i].flag)) == NULL)
            continue;
        /* A zero-valued flag (JET_bitStopServiceAll) names a zero grbit and nothing else. */
        if (bit->value == 0 ? grbit != 0 : (rest & bit->value) != bit->value)
            continue;
        if (bit->value == 0 && used > 0)
            continue;
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? "|" : "", bit->name);
        rest &= ~bit->value;
        if (bit->value == 0)
            return buf;
    }
    if (rest != 0 || used == 0)
        snprintf(buf + used, used < size ? size - used : 0, used ? "|0x%lx" : (rest ? "0x%lx" : "%lu"),
                 (unsigned long)rest);
    return buf;
}
