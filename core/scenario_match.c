/* Version selectors: the release table and whether an expectation accepts a host's code. */
#include <string.h>

#include "scenario.h"

/* Oldest first, so a range `win7..win10` is an index range. */
static const char *const releases[] = {
    "xp", "ws2003", "vista", "ws2008", "win7", "ws2008r2", "win8", "ws2012",
    "win81", "ws2012r2", "win10", "ws2016", "ws2019", "ws2022", "win11", "ws2025",
};

int scn_release_count(void)
{
    return (int)(sizeof releases / sizeof releases[0]);
}

int scn_release_index(const char *name)
{
    for (int i = 0; name && i < scn_release_count(); i++)
        if (strcmp(releases[i], name) == 0)
            return i;
    return -1;
}

const char *scn_release_name(int index)
{
    return index >= 0 && index < scn_release_count() ? releases[index] : NULL;
}

static int version_applies(const scn_version *v, int release, uint32_t build)
{
    switch (v->kind) {
    case SCN_VER_RELEASE:
    case SCN_VER_RANGE:
        /* An unknown release (-1) is in no release list. */
        return release >= 0 && release >= v->release_lo && release <= v->release_hi;
    case SCN_VER_BUILD_GE:
        return build >= v->build;
    case SCN_VER_BUILD_LT:
        return build < v->build;
    }
    return 0;
}

static int alternative_applies(const scn_alternative *alt, int release, uint32_t build)
{
    if (alt->nversions == 0)
        return 1;
    for (size_t i = 0; i < alt->nversions; i++)
        if (version_applies(&alt->versions[i], release, build))
            return 1;
    return 0;
}

int scn_expect_matches(const scn_expect *expect, int release, uint32_t build, jet_err code,
                       const scn_alternative **matched)
{
    const scn_alternative *any = NULL;
    if (matched)
        *matched = NULL;
    for (size_t i = 0; i < expect->nalts; i++) {
        const scn_alternative *alt = &expect->alts[i];
        if (!alternative_applies(alt, release, build))
            continue;
        /* A literal code names the branch better than `any`, wherever it is written. */
        if (alt->any) {
            if (!any)
                any = alt;
            continue;
        }
        if (alt->code == code) {
            if (matched)
                *matched = alt;
            return 1;
        }
    }
    if (any && matched)
        *matched = any;
    return any != NULL;
}
