/* The JET code table (every JET_err / JET_wrn code, public and internal), the JET_bit
 * flags with the grbit families they print in, and the JET_param ids. Rows are generated
 * from the tables in core/tables; this header gives name <-> value look-ups over them. */
#ifndef ESH_JET_CODES_H
#define ESH_JET_CODES_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t jet_err; /* JET_ERR is a 32-bit long on Windows */

typedef struct jet_code {
    const char *name;
    jet_err value;
    unsigned char is_public; /* 0: an internal ESE code (errBackupAbortByCaller ...) */
    const char *meaning;
} jet_code;

typedef struct jet_named_value {
    const char *name;
    uint32_t value;
    unsigned char is_public;
} jet_named_value;

extern const jet_code jet_codes[];
extern const size_t jet_code_count;
extern const jet_named_value jet_bits[];
extern const size_t jet_bit_count;
extern const jet_named_value jet_params[];
extern const size_t jet_param_count;

const jet_code *jet_code_by_name(const char *name);
/* The code with this value; a public name is preferred where an internal one shares it. */
const jet_code *jet_code_by_value(jet_err value);
/* The name of a code, or its decimal number when the table does not know it. */
const char *jet_code_name(jet_err value, char *buf, size_t size);
/* "JET_errBackupAbortByServer (-801)", or "-12345 (unknown)". */
const char *jet_code_describe(jet_err value, char *buf, size_t size);

const jet_named_value *jet_bit_by_name(const char *name);
const jet_named_value *jet_param_by_name(const char *name);
const jet_named_value *jet_param_by_value(uint32_t value);

/* Any named constant a scenario may write: a code, a JET_bit flag or a JET_param id. */
int jet_constant_by_name(const char *name, int64_t *value);

/* Grbit families: which flag names a grbit argument of a function prints with. */
size_t jet_grbit_family_count(void);
const char *jet_grbit_family_name(int family);
/* Formats a grbit as "JET_bitA|JET_bitB|0x40" using the family's flags (family -1: hex). */
const char *jet_grbit_format(int family, uint32_t grbit, char *buf, size_t size);

#endif
