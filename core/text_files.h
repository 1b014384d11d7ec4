/* The file system seam of the portable core: reading a whole text file and listing a
 * folder's scenario files, with UTF-8 paths on every OS (UTF-16 underneath on Windows). */
#ifndef ESH_TEXT_FILES_H
#define ESH_TEXT_FILES_H

#include <stddef.h>

/* Reads PATH whole into a NUL-terminated heap buffer (*DATA, *LEN bytes without the NUL).
 * Returns 0, or -1 when the file cannot be opened or read. */
int esh_read_file(const char *path, char **data, size_t *len);

/* 1 when PATH names a folder, 0 when it names something else, -1 when it does not exist. */
int esh_is_directory(const char *path);

/* Every file under DIR (recursively) whose name ends in SUFFIX, skipping folders named
 * SKIP_FOLDER (NULL: skip none); paths are DIR/relative with '/' separators, sorted
 * byte-wise. The caller frees each path and the array. Returns 0, or -1 on failure. */
int esh_list_files(const char *dir, const char *suffix, const char *skip_folder, char ***paths, size_t *count);

#endif
