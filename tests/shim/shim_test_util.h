/* What the shim's Windows tests share: paths beside the test executable, files read
 * whole, environment set for a child, and running a child with its output captured. */
#ifndef ESH_SHIM_TEST_UTIL_H
#define ESH_SHIM_TEST_UTIL_H

#include <windows.h>

#include <stddef.h>

/* OUT = the folder of the running test executable + "\" + NAME. */
void test_path(wchar_t *out, size_t size, const wchar_t *name);
/* Creates (or empties) the folder test_path(NAME) and returns it in OUT. */
void test_fresh_dir(wchar_t *out, size_t size, const wchar_t *name);
/* The whole file as a NUL-terminated string (malloc'ed), NULL if it cannot be read; a
 * binary trace as the text it decodes to. */
char *test_read_file(const wchar_t *path);
int test_file_exists(const wchar_t *path);
/* Sets (VALUE non-NULL) or removes an environment variable for the children to come. */
void test_setenv(const wchar_t *name, const wchar_t *value);
/* Runs "EXE ARGS" in DIR with stdout and stderr written to DIR\stdout.txt and
 * DIR\stderr.txt; returns the exit code (-1 if it could not start or timed out). */
int test_run(const wchar_t *dir, const wchar_t *exe, const wchar_t *args);
/* The same with the current directory CWD (NULL: DIR). */
int test_run_in(const wchar_t *dir, const wchar_t *exe, const wchar_t *args, const wchar_t *cwd);
/* Occurrences of NEEDLE in HAYSTACK. */
int test_count(const char *haystack, const char *needle);
/* Number of lines of TEXT starting (after blanks) with PREFIX. */
int test_count_lines(const char *text, const char *prefix);

#endif
