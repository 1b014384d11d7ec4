/* The replay side of traces that travel (docs/replay.md), in the child: each root of the
 * scenario mapped to a folder of this host, ROOT:"REST" and $list[...] resolved to paths,
 * buf($size) sized by a capture, buf(..., &list) kept after the call. */
#ifndef ESH_HARNESS_STEP_TRAVEL_H
#define ESH_HARNESS_STEP_TRAVEL_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "scenario.h"

typedef struct var_store var_store;

/* A buffer whose content is kept after the call as path list NAME. */
typedef struct kept_list {
    const char *name;
    const api_param *param; /* its type says narrow or wide */
    const void *data;
    uint32_t size;
} kept_list;

/* The folder root ROOT of SC maps to: the TO of a MAPS entry "FROM=TO" whose FROM is the
 * root's name or recorded path, else the root's name inside the working directory (the
 * current directory). A malloc'ed absolute path, or NULL with ERR. */
char *travel_root_folder(const scn_scenario *sc, const scn_root *root, char **maps, size_t nmaps, char *err,
                         size_t errsize);

/* Maps every root of SC into VARS, creates its folder and the folders its path arguments
 * name under it, and lays down SC's `state` files. Returns 0, or -1 with ERR. */
int travel_prepare(const scn_scenario *sc, char **maps, size_t nmaps, var_store *vars, char *err, size_t errsize);

/* The file a `state ... from "FILE"` line copies: FILE, or FILE in the folder of the
 * scenario's file when relative (malloc'ed). */
char *travel_state_from(const scn_scenario *sc, const scn_state *st);

/* The UTF-8 path a ROOTED or ENTRY argument means on this host (malloc'ed), or NULL with ERR. */
char *travel_resolve_path(const scn_arg *arg, var_store *vars, char *err, size_t errsize);

/* buf($name): the size NAME holds. Returns 0, or -1 with ERR. */
int travel_buffer_size(const scn_arg *arg, var_store *vars, uint32_t *size, char *err, size_t errsize);

/* Keeps the multi-string in LIST's buffer as the path list LIST->name. Returns 0 or -1. */
int travel_keep_list(const kept_list *list, var_store *vars);

/* Whether FROM (a --map's left side) names a root of SC. */
int travel_map_matches(const scn_root *root, const char *map);

#endif
