/* Ownership of the scenario syntax tree: every string and array is the node's own. */
#include "scenario_tree.h"

#include <stdlib.h>

#include "xalloc.h"

void scn_tree_free_evidence(scn_evidence *evidence, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(evidence[i].kind);
        free(evidence[i].where);
        free(evidence[i].text);
    }
    free(evidence);
}

void scn_tree_free_expect(scn_expect *expect)
{
    for (size_t i = 0; i < expect->nalts; i++) {
        free(expect->alts[i].label);
        free(expect->alts[i].versions);
    }
    free(expect->alts);
    expect->alts = NULL;
    expect->nalts = 0;
}

void scn_tree_free_arg(scn_arg *arg)
{
    free(arg->text);
    free(arg->ref);
    free(arg->capture);
}

void scn_tree_free_step(scn_step *step)
{
    free(step->thread);
    for (size_t i = 0; i < step->nargs; i++)
        scn_tree_free_arg(&step->args[i]);
    free(step->args);
    free(step->after);
    scn_tree_free_expect(&step->expect);
    scn_tree_free_evidence(step->evidence, step->nevidence);
    free(step->comment);
}

void scn_tree_free_scenario(scn_scenario *scenario)
{
    free(scenario->name);
    free(scenario->purpose);
    free(scenario->skip_reason);
    free(scenario->racy_reason);
    scn_tree_free_evidence(scenario->evidence, scenario->nevidence);
    for (size_t i = 0; i < scenario->ncovers; i++)
        free(scenario->covers[i]);
    free(scenario->covers);
    for (size_t i = 0; i < scenario->nsteps; i++)
        scn_tree_free_step(&scenario->steps[i]);
    free(scenario->steps);
    for (size_t i = 0; i < scenario->nroots; i++) {
        free(scenario->roots[i].name);
        free(scenario->roots[i].path);
    }
    free(scenario->roots);
    for (size_t i = 0; i < scenario->nstates; i++) {
        scn_tree_free_arg(&scenario->states[i].path);
        free(scenario->states[i].missing);
        free(scenario->states[i].from);
        free(scenario->states[i].pieces);
    }
    free(scenario->states);
}

scn_evidence scn_tree_copy_evidence(const scn_evidence *evidence)
{
    scn_evidence copy = *evidence;
    copy.kind = esh_xstrdup(evidence->kind);
    copy.where = esh_xstrdup(evidence->where);
    copy.text = esh_xstrdup(evidence->text);
    return copy;
}

scn_step scn_tree_copy_step(const scn_step *step)
{
    scn_step copy = *step;
    copy.thread = esh_xstrdup(step->thread);
    copy.comment = esh_xstrdup(step->comment);
    copy.args = NULL;
    if (step->nargs) {
        copy.args = esh_xrealloc(NULL, esh_capacity_for(step->nargs) * sizeof *copy.args);
        for (size_t i = 0; i < step->nargs; i++) {
            copy.args[i] = step->args[i];
            copy.args[i].text = esh_xstrdup(step->args[i].text);
            copy.args[i].ref = esh_xstrdup(step->args[i].ref);
            copy.args[i].capture = esh_xstrdup(step->args[i].capture);
        }
    }
    copy.after = NULL;
    if (step->nafter) {
        copy.after = esh_xrealloc(NULL, esh_capacity_for(step->nafter) * sizeof *copy.after);
        memcpy(copy.after, step->after, step->nafter * sizeof *copy.after);
    }
    copy.expect.alts = NULL;
    if (step->expect.nalts) {
        copy.expect.alts = esh_xrealloc(NULL, esh_capacity_for(step->expect.nalts) * sizeof *copy.expect.alts);
        for (size_t i = 0; i < step->expect.nalts; i++) {
            const scn_alternative *alt = &step->expect.alts[i];
            scn_alternative *to = &copy.expect.alts[i];
            *to = *alt;
            to->label = esh_xstrdup(alt->label);
            to->versions = NULL;
            if (alt->nversions) {
                to->versions = esh_xrealloc(NULL, esh_capacity_for(alt->nversions) * sizeof *to->versions);
                memcpy(to->versions, alt->versions, alt->nversions * sizeof *to->versions);
            }
        }
    }
    copy.evidence = NULL;
    if (step->nevidence) {
        copy.evidence = esh_xrealloc(NULL, esh_capacity_for(step->nevidence) * sizeof *copy.evidence);
        for (size_t i = 0; i < step->nevidence; i++)
            copy.evidence[i] = scn_tree_copy_evidence(&step->evidence[i]);
    }
    return copy;
}
