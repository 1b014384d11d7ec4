/* `esent-harness diff --html FILE`: the version matrix as one self-contained HTML page. */
#ifndef ESH_RESULTS_HTML_H
#define ESH_RESULTS_HTML_H

#include <stdio.h>

#include "results_diff.h"

/* Writes the page for D, which must have been built with RDIFF_ALL_ROWS: hosts as columns,
 * scenarios and their steps as rows, each cell the code by name, coloured by agreement.
 * Every row links to its FILE:LINE; LINK_BASE (may be NULL) is put before the file's path,
 * e.g. "https://github.com/OWNER/REPO/blob/COMMIT/". Nothing on the page is fetched: the
 * style and the one script are inline. */
void rdiff_write_html(FILE *out, const rdiff *d, const char *link_base);

#endif
