/* The file system seam: whole-file reads and folder listings with UTF-8 paths. Windows
 * gets the CRT's wide-character calls (so non-ASCII paths survive); elsewhere POSIX. */
#include "text_files.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef _WIN32
#include <io.h>
#include <wchar.h>
#else
#include <dirent.h>
#endif

#ifdef _WIN32
/* UTF-8 -> UTF-16 by hand (the core stays free of Windows API calls); a malformed byte
 * becomes U+FFFD. Returns a heap string or NULL when out of memory. */
static wchar_t *utf8_to_wide(const char *s)
{
    size_t n = strlen(s), out = 0;
    wchar_t *w = malloc((n + 1) * 2 * sizeof *w);
    if (!w)
        return NULL;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = 0xFFFD;
        size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
        if (extra == 0) {
            cp = c;
        } else if (extra < 4 && i + extra < n + 1) {
            cp = c & (0x3F >> extra);
            for (size_t k = 1; k <= extra; k++) {
                unsigned char cc = (unsigned char)s[i + k];
                if ((cc & 0xC0) != 0x80) {
                    cp = 0xFFFD;
                    extra = k - 1;
                    break;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
        } else {
            extra = 0;
        }
        i += extra + 1;
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            cp -= 0x10000;
            w[out++] = (wchar_t)(0xD800 + (cp >> 10));
            w[out++] = (wchar_t)(0xDC00 + (cp & 0x3FF));
        } else {
            w[out++] = (wchar_t)(cp > 0x10FFFF ? 0xFFFD : cp);
        }
    }
    w[out] = 0;
    return w;
}

static char *wide_to_utf8(const wchar_t *w)
{
    size_t n = wcslen(w), out = 0;
    char *s = malloc(n * 4 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = (uint16_t)w[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n && (uint16_t)w[i + 1] >= 0xDC00 && (uint16_t)w[i + 1] < 0xE000)
            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint16_t)w[++i] - 0xDC00);
        if (cp < 0x80) {
            s[out++] = (char)cp;
        } else if (cp < 0x800) {
            s[out++] = (char)(0xC0 | (cp >> 6));
            s[out++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s[out++] = (char)(0xE0 | (cp >> 12));
            s[out++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[out++] = (char)(0x80 | (cp & 0x3F));
        } else {
            s[out++] = (char)(0xF0 | (cp >> 18));
            s[out++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            s[out++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[out++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    s[out] = '\0';
    return s;
}
#endif

static FILE *open_for_reading(const char *path)
{
#ifdef _WIN32
    wchar_t *w = utf8_to_wide(path);
    FILE *f = w ? _wfopen(w, L"rb") : NULL;
    free(w);
    return f;
#else
    return fopen(path, "rb");
#endif
}

int esh_read_file(const char *path, char **data, size_t *len)
{
    FILE *f = open_for_reading(path);
    size_t used = 0, cap = 4096;
    char *buf;
    *data = NULL;
    *len = 0;
    if (!f)
        return -1;
    buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + used, 1, cap - used - 1, f);
        used += got;
        if (got == 0)
            break;
        if (cap - used - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf || ferror(f)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return 0;
}

int esh_is_directory(const char *path)
{
#ifdef _WIN32
    struct _stat64 st;
    wchar_t *w = utf8_to_wide(path);
    int rc = w ? _wstat64(w, &st) : -1;
    free(w);
    if (rc != 0)
        return -1;
    return (st.st_mode & _S_IFDIR) != 0;
#else
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
#endif
}

typedef struct path_list {
    char **paths;
    size_t count, cap;
} path_list;

static int push_path(path_list *list, char *path)
{
    if (!path)
        return -1;
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 32;
        char **bigger = realloc(list->paths, cap * sizeof *bigger);
        if (!bigger) {
            free(path);
            return -1;
        }
        list->paths = bigger;
        list->cap = cap;
    }
    list->paths[list->count++] = path;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + b + 2);
    if (!s)
        return NULL;
    memcpy(s, dir, a);
    if (a > 0 && dir[a - 1] != '/' && dir[a - 1] != '\\')
        s[a++] = '/';
    memcpy(s + a, name, b + 1);
    return s;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Visits one folder: files with the suffix go to FILES, sub-folders are walked. */
static int walk(const char *dir, const char *suffix, const char *skip, path_list *files, int depth)
{
    path_list names = {0};
    int rc = 0;
    if (depth > 64) /* a link loop, most likely */
        return -1;
#ifdef _WIN32
    {
        char *pattern = join(dir, "*");
        wchar_t *w = pattern ? utf8_to_wide(pattern) : NULL;
        struct _wfinddata64_t found;
        intptr_t h = w ? _wfindfirst64(w, &found) : -1;
        free(pattern);
        free(w);
        if (h == -1)
            return -1;
        do {
            if (push_path(&names, wide_to_utf8(found.name)) != 0)
                rc = -1;
        } while (rc == 0 && _wfindnext64(h, &found) == 0);
        _findclose(h);
    }
#else
    {
        DIR *d = opendir(dir);
        struct dirent *e;
        if (!d)
            return -1;
        while (rc == 0 && (e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name) + 1;
            char *copy = malloc(n);
            if (copy)
                memcpy(copy, e->d_name, n);
            if (push_path(&names, copy) != 0)
                rc = -1;
        }
        closedir(d);
    }
#endif
    for (size_t i = 0; rc == 0 && i < names.count; i++) {
        const char *name = names.paths[i];
        char *full;
        int is_dir;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if ((full = join(dir, name)) == NULL) {
            rc = -1;
            break;
        }
        is_dir = esh_is_directory(full);
        if (is_dir == 1) {
            if (!skip || strcmp(name, skip) != 0)
                rc = walk(full, suffix, skip, files, depth + 1);
            free(full);
        } else if (is_dir == 0 && ends_with(name, suffix)) {
            rc = push_path(files, full);
        } else {
            free(full);
        }
    }
    for (size_t i = 0; i < names.count; i++)
        free(names.paths[i]);
    free(names.paths);
    return rc;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int esh_list_files(const char *dir, const char *suffix, const char *skip_folder, char ***paths, size_t *count)
{
    path_list files = {0};
    int rc = walk(dir, suffix, skip_folder, &files, 0);
    if (rc != 0) {
        for (size_t i = 0; i < files.count; i++)
            free(files.paths[i]);
        free(files.paths);
        *paths = NULL;
        *count = 0;
        return -1;
    }
    if (files.count > 1)
        qsort(files.paths, files.count, sizeof *files.paths, compare_paths);
    *paths = files.paths;
    *count = files.count;
    return 0;
}
