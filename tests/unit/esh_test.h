/* What every cmocka test file includes first (cmocka needs these before cmocka.h). */
#ifndef ESH_TEST_H
#define ESH_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
