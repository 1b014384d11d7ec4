/* Resolving the forms a travelled trace is written in, on the replay host (step_travel.h). */
#include "step_travel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "step_call.h"
#include "trace_travel.h"
#include "win_text.h"

/* Variables of the travel forms live beside $names under keys no $name can spell. */
static void key_of(char *key, size_t size, const char *kind, const char *name)
{
    snprintf(key, size, "%s %s", kind, name);
}

static int is_sep(char ch)
{
    return ch == '\\' || ch == '/';
}

int travel_map_matches(const scn_root *root, const char *map)
{
    const char *eq = strchr(map, '=');
    size_t n = eq ? (size_t)(eq - map) : strlen(map);
    char from[1024];
    if (n >= sizeof from)
        return 0;
    memcpy(from, map, n);
    from[n] = '\0';
    while (n > 1 && is_sep(from[n - 1]))
        from[--n] = '\0';
    return strcmp(from, root->name) == 0 || trace_path_same(from, root->path);
}

static char *full_path(const char *utf8)
{
    wchar_t *wide = utf8_to_wide(utf8), full[MAX_PATH];
    DWORD n = wide ? GetFullPathNameW(wide, MAX_PATH, full, NULL) : 0;
    free(wide);
    if (n == 0 || n >= MAX_PATH)
        return NULL;
    return wide_to_utf8(full);
}

char *travel_root_folder(const scn_scenario *sc, const scn_root *root, char **maps, size_t nmaps, char *err,
                         size_t errsize)
{
    char relative[1400];
    const char *to = NULL;
    const scn_root *cwd = scn_scenario_root(sc, TRACE_ROOT_CWD);
    size_t in_cwd = cwd && cwd != root ? trace_path_under(root->path, cwd->path) : 0;
    for (size_t i = 0; i < nmaps; i++)
        if (travel_map_matches(root, maps[i]))
            to = strchr(maps[i], '=') + 1;
    if (!to && in_cwd > 0) {
        /* A folder in the recording's current folder keeps its place under it (where the
         * current folder's relative paths reach it). */
        char *base = travel_root_folder(sc, cwd, maps, nmaps, err, errsize);
        if (!base)
            return NULL;
        snprintf(relative, sizeof relative, "%s%s", base, root->path + in_cwd);
        free(base);
        to = relative;
    } else if (!to) {
        /* The recording's current folder is the working directory itself, where the
         * scenario runs and its relative paths resolve; any other root a folder in it. */
        snprintf(relative, sizeof relative, strcmp(root->name, TRACE_ROOT_CWD) == 0 ? "." : ".\\%s", root->name);
        to = relative;
    }
    char *full = full_path(to);
    if (!full)
        snprintf(err, errsize, "root %s: cannot make a full path of %s", root->name, to);
    return full;
}

/* Creates FOLDER (UTF-8, absolute) and every folder above it that is missing. */
static int make_folders(const char *folder)
{
    wchar_t *wide = utf8_to_wide(folder);
    int ok = wide != NULL;
    for (wchar_t *p = wide; ok && *p; p++) {
        if ((*p == L'\\' || *p == L'/') && p > wide && p[-1] != L':' && p[-1] != L'\\' && p[-1] != L'/') {
            wchar_t keep = *p;
            *p = L'\0';
            CreateDirectoryW(wide, NULL);
            *p = keep;
        }
    }
    if (ok && !CreateDirectoryW(wide, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        ok = 0;
    free(wide);
    return ok ? 0 : -1;
}

/* Creates the folder PATH (UTF-8) is in, and the folders above it; PATH is left as it was. */
static void make_parent_folders(char *path)
{
    size_t n = strlen(path);
    while (n > 0 && !is_sep(path[n - 1]))
        n--;
    while (n > 0 && is_sep(path[n - 1]))
        n--;
    if (n == 0)
        return;
    char keep = path[n];
    path[n] = '\0';
    make_folders(path);
    path[n] = keep;
}

/* Copies BYTES at offset AT of IN to OUT (both positioned by the caller for OUT). */
static int copy_range(HANDLE in, uint64_t at, HANDLE out, uint64_t bytes)
{
    static unsigned char buffer[65536];
    LARGE_INTEGER where;
    where.QuadPart = (LONGLONG)at;
    if (!SetFilePointerEx(in, where, NULL, FILE_BEGIN))
        return 0;
    while (bytes > 0) {
        DWORD want = bytes < sizeof buffer ? (DWORD)bytes : (DWORD)sizeof buffer, got = 0, put = 0;
        if (!ReadFile(in, buffer, want, &got, NULL) || got != want || !WriteFile(out, buffer, got, &put, NULL) ||
            put != got)
            return 0;
        bytes -= got;
    }
    return 1;
}

static HANDLE open_read(const char *utf8)
{
    wchar_t *wide = utf8_to_wide(utf8);
    HANDLE h = wide ? CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                                  FILE_FLAG_SEQUENTIAL_SCAN, NULL)
                    : INVALID_HANDLE_VALUE;
    free(wide);
    return h;
}

char *travel_state_from(const scn_scenario *sc, const scn_state *st)
{
    if (trace_path_is_absolute(st->from) || !sc->loc.file)
        return _strdup(st->from);
    size_t n = strlen(sc->loc.file);
    while (n > 0 && !is_sep(sc->loc.file[n - 1]))
        n--;
    char *path = malloc(n + strlen(st->from) + 1);
    if (path) {
        memcpy(path, sc->loc.file, n);
        strcpy(path + n, st->from);
    }
    return path;
}

/* Whether PATH, taken under a folder, stays inside it: no drive, no leading separator of a
 * relative path, no `..` component. */
static int stays_inside(const char *path, int rooted)
{
    if (!rooted && (is_sep(path[0]) || (path[0] && path[1] == ':')))
        return 0;
    for (const char *p = path; *p;) {
        const char *e = p;
        while (*e && !is_sep(*e))
            e++;
        if (e - p == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        if (memchr(p, ':', (size_t)(e - p)))
            return 0; /* a drive, or a file's alternate stream */
        p = *e ? e + 1 : e;
    }
    return 1;
}

/* Writes one captured file where its path maps to on this host, from the trace's pieces
 * or from its `from` file. Returns 0, or -1 with ERR. */
static int lay_down(const scn_scenario *sc, const scn_state *st, var_store *vars, char *err, size_t errsize)
{
    char shown[1100];
    scn_format_arg(shown, sizeof shown, &st->path);
    if (!st->path.text || !stays_inside(st->path.text, st->path.kind == SCN_ARG_ROOTED)) {
        snprintf(err, errsize, "line %d: state %s: refused: it would be written outside %s (a state path is "
                 "ROOT:\"REST\" or relative, without `..`)", st->loc.line, shown,
                 st->path.kind == SCN_ARG_ROOTED ? "its root's folder" : "the working directory");
        return -1;
    }
    char *dest = st->path.kind == SCN_ARG_ROOTED ? travel_resolve_path(&st->path, vars, err, errsize)
                                                   : _strdup(st->path.text);
    char *source = st->in_trace ? _strdup(sc->loc.file ? sc->loc.file : "") : st->from ? travel_state_from(sc, st) : NULL;
    int ok = 0;
    if (dest && source) {
        make_parent_folders(dest);
        HANDLE in = open_read(source), out = INVALID_HANDLE_VALUE;
        DWORD error = GetLastError();
        wchar_t *wide = in != INVALID_HANDLE_VALUE ? utf8_to_wide(dest) : NULL;
        if (wide)
            out = CreateFileW(wide, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (wide)
            error = GetLastError();
        free(wide);
        LARGE_INTEGER size = {0};
        if (in == INVALID_HANDLE_VALUE || out == INVALID_HANDLE_VALUE) {
            snprintf(err, errsize, "line %d: state %s: cannot %s %s (error %lu)", st->loc.line, shown,
                     in == INVALID_HANDLE_VALUE ? "read" : "write", in == INVALID_HANDLE_VALUE ? source : dest,
                     (unsigned long)error);
        } else if (st->in_trace) {
            ok = 1;
            for (size_t i = 0; ok && i < st->npieces; i++)
                ok = copy_range(in, st->pieces[i].at, out, st->pieces[i].bytes);
            if (!ok)
                snprintf(err, errsize, "line %d: state %s: cannot copy its bytes from %s to %s (error %lu)",
                         st->loc.line, shown, source, dest, (unsigned long)GetLastError());
        } else if (!GetFileSizeEx(in, &size) || (uint64_t)size.QuadPart != st->size) {
            snprintf(err, errsize, "line %d: state %s: from \"%s\" holds %llu bytes, the line says %llu",
                     st->loc.line, shown, source, (unsigned long long)size.QuadPart, (unsigned long long)st->size);
        } else if (!(ok = copy_range(in, 0, out, st->size))) {
            snprintf(err, errsize, "line %d: state %s: cannot copy %s to %s (error %lu)", st->loc.line, shown,
                     source, dest, (unsigned long)GetLastError());
        }
        if (in != INVALID_HANDLE_VALUE)
            CloseHandle(in);
        if (out != INVALID_HANDLE_VALUE)
            CloseHandle(out);
    } else if (dest) {
        snprintf(err, errsize, "line %d: state %s: the scenario holds no copy of its bytes", st->loc.line, shown);
    }
    free(dest);
    free(source);
    return ok ? 0 : -1;
}

int travel_prepare(const scn_scenario *sc, char **maps, size_t nmaps, var_store *vars, char *err, size_t errsize)
{
    char key[200];
    for (size_t r = 0; r < sc->nroots; r++) {
        char *folder = travel_root_folder(sc, &sc->roots[r], maps, nmaps, err, errsize);
        if (!folder)
            return -1;
        key_of(key, sizeof key, "root", sc->roots[r].name);
        int ok = make_folders(folder) == 0 && var_set_text(vars, key, folder);
        if (!ok)
            snprintf(err, errsize, "root %s: cannot create %s (error %lu)", sc->roots[r].name, folder,
                     (unsigned long)GetLastError());
        /* Relative paths follow the recording's current folder wherever --map puts it. */
        if (ok && strcmp(sc->roots[r].name, TRACE_ROOT_CWD) == 0) {
            wchar_t *wide = utf8_to_wide(folder);
            ok = wide && SetCurrentDirectoryW(wide);
            free(wide);
            if (!ok)
                snprintf(err, errsize, "root %s: cannot make %s the current folder (error %lu)", sc->roots[r].name,
                         folder, (unsigned long)GetLastError());
        }
        free(folder);
        if (!ok)
            return -1;
    }
    /* The folders the recorded paths name under a root existed when they were recorded. */
    for (size_t s = 0; s < sc->nsteps; s++)
        for (size_t a = 0; a < sc->steps[s].nargs; a++) {
            const scn_arg *arg = &sc->steps[s].args[a];
            if (arg->kind != SCN_ARG_ROOTED || !arg->text)
                continue;
            char *path = travel_resolve_path(arg, vars, err, errsize);
            if (!path)
                return -1;
            make_parent_folders(path);
            free(path);
        }
    /* The files the recording found, before the first call. */
    for (size_t i = 0; i < sc->nstates; i++)
        if (lay_down(sc, &sc->states[i], vars, err, errsize) != 0)
            return -1;
    return 0;
}

char *travel_resolve_path(const scn_arg *arg, var_store *vars, char *err, size_t errsize)
{
    char key[200];
    if (arg->kind == SCN_ARG_ROOTED) {
        key_of(key, sizeof key, "root", arg->ref);
        char *folder = var_get_text(vars, key);
        if (!folder) {
            snprintf(err, errsize, "%s:\"%s\": root %s is not mapped to a folder", arg->ref, arg->text, arg->ref);
            return NULL;
        }
        size_t n = strlen(folder), m = strlen(arg->text);
        char *path = malloc(n + m + 1);
        if (path) {
            memcpy(path, folder, n);
            memcpy(path + n, arg->text, m + 1);
        }
        free(folder);
        return path;
    }
    key_of(key, sizeof key, "list", arg->ref);
    char *list = var_get_text(vars, key);
    if (!list) {
        snprintf(err, errsize, "$%s: no list was kept (the call that returns it did not run or failed)", arg->ref);
        return NULL;
    }
    /* Entries are separated by newlines (no path holds one). */
    char *found = NULL;
    long index = 0;
    for (char *entry = list; entry && !found; index++) {
        char *next = strchr(entry, '\n');
        if (next)
            *next = '\0';
        if (*entry && (arg->text ? trace_path_same(trace_path_base(entry), arg->text) : index == (long)arg->value))
            found = _strdup(entry);
        entry = next ? next + 1 : NULL;
    }
    if (!found) {
        free(list); /* the search cut it at its newlines: read it again for the message */
        list = var_get_text(vars, key);
        for (char *p = list; p && *p; p++)
            if (*p == '\n')
                *p = ';';
        if (arg->text)
            snprintf(err, errsize, "$%s[\"%s\"]: this host's list has no entry of that name (it returned: %.300s)",
                     arg->ref, arg->text, list ? list : "");
        else
            snprintf(err, errsize, "$%s[%lld]: this host's list has no entry %lld (it returned: %.300s)", arg->ref,
                     (long long)arg->value, (long long)arg->value, list ? list : "");
    }
    free(list);
    return found;
}

int travel_buffer_size(const scn_arg *arg, var_store *vars, uint32_t *size, char *err, size_t errsize)
{
    int64_t value;
    if (!var_get(vars, arg->ref, &value)) {
        snprintf(err, errsize, "buf($%s): no earlier step captured &%s", arg->ref, arg->ref);
        return -1;
    }
    if (value < 0 || value > (int64_t)UINT32_MAX) {
        snprintf(err, errsize, "buf($%s): $%s is %lld, not a buffer size", arg->ref, arg->ref, (long long)value);
        return -1;
    }
    *size = (uint32_t)value;
    return 0;
}

int travel_keep_list(const kept_list *list, var_store *vars)
{
    int wide = list->param->ctype && strstr(list->param->ctype, "WSTR") != NULL;
    size_t unit = wide ? sizeof(wchar_t) : 1, count = list->size / unit, used = 0, capacity = 256;
    char *joined = malloc(capacity), key[200];
    if (!joined)
        return -1;
    joined[0] = '\0';
    for (size_t at = 0; at < count;) {
        size_t end = at;
        if (wide)
            while (end < count && ((const wchar_t *)list->data)[end])
                end++;
        else
            while (end < count && ((const char *)list->data)[end])
                end++;
        if (end == at || end == count)
            break; /* the empty string ends the list (and an unterminated tail is no entry) */
        char *utf8 = wide ? wide_to_utf8((const wchar_t *)list->data + at) : ansi_to_utf8((const char *)list->data + at);
        if (utf8) {
            size_t n = strlen(utf8);
            if (used + n + 2 > capacity) {
                while (used + n + 2 > capacity)
                    capacity *= 2;
                char *grown = realloc(joined, capacity);
                if (!grown) {
                    free(utf8);
                    free(joined);
                    return -1;
                }
                joined = grown;
            }
            if (used)
                joined[used++] = '\n';
            memcpy(joined + used, utf8, n + 1);
            used += n;
            free(utf8);
        }
        at = end + 1;
    }
    key_of(key, sizeof key, "list", list->name);
    int ok = var_set_text(vars, key, joined);
    free(joined);
    return ok ? 0 : -1;
}
