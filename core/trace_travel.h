/* Making a recorded trace replay on another host, in another folder (docs/replay.md): one
 * pass over a parsed trace scenario that rewrites what belongs to the recording host into
 * forms the replay resolves on its own host. The harness applies it to every trace it
 * replays; the trace decoder can apply it before printing. Portable C (unit-tested natively).
 *
 * What the pass does, each decision written as a note:
 *  - threads: each recorded thread id other than the first call's becomes a thread of the
 *    scenario (t2, t3 ... by first appearance), and each call waits for the calls that had
 *    completed before it started on the recording host (step->after);
 *  - sizes: a buffer whose size and size argument equal what the same function reported on
 *    the same thread just before (size query, then exact fit) becomes buf($NAME) with the
 *    size argument $NAME, NAME the earlier call's output;
 *  - lists: the buffer of a call returning a path list (an output buffer named szz/wszz)
 *    is kept as &listN, and a later file name passed to a function that opens a backup
 *    file (takes a name, returns a JET_HANDLE) becomes $listN["BASE"], the entry of this
 *    host's list with the same base name;
 *  - state: a `state` line the recording holds no copy of, or a database attached that the
 *    trace neither created nor holds as state, makes the scenario a counted skip ("state not
 *    captured: ..."); the rest is laid down by the replay before the first call;
 *  - roots: the folders of the absolute paths (arguments and `state` lines) that no given
 *    root (the recording's current folder, `root cwd`) holds become roots (nested folders
 *    fold into the outer one), and every absolute path under a root is written ROOT:"REST". */
#ifndef ESH_TRACE_TRAVEL_H
#define ESH_TRACE_TRAVEL_H

#include <stddef.h>

#include "scenario.h"

/* The root the shim writes for the recording's current folder (`root cwd "PATH"`): relative
 * paths were relative to it, and the replay maps it to the scenario's working directory
 * itself, where the replay runs. */
#define TRACE_ROOT_CWD "cwd"

typedef struct trace_notes {
    char **lines; /* "FILE:LINE: what was decided" */
    size_t count;
} trace_notes;

/* Rewrites SC (a trace scenario) in place, appending a note per decision to NOTES (may be
 * NULL). Applying it twice changes nothing more. Returns the number of rewrites made. */
size_t trace_travel(scn_scenario *sc, trace_notes *notes);

/* trace_travel on every scenario of SUITE read from a trace (scn_scenario.is_trace). */
size_t trace_travel_suite(scn_suite *suite, trace_notes *notes);

void trace_notes_free(trace_notes *notes);

/* Whether PATH is absolute on Windows (X:\, X:/, \\server) or POSIX (/). */
int trace_path_is_absolute(const char *path);
/* Whether A and B name one path as Windows compares them (case, either separator). */
int trace_path_same(const char *a, const char *b);
/* When PATH is FOLDER or under it, the length of FOLDER in PATH; else 0. */
size_t trace_path_under(const char *path, const char *folder);
/* The part of PATH after its last separator. */
const char *trace_path_base(const char *path);

#endif
