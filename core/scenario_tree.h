/* Private to the scenario modules: copying and freeing the pieces of the syntax tree, so
 * the parser (which splices setups) and scn_suite_free share one definition of ownership. */
#ifndef ESH_SCENARIO_TREE_H
#define ESH_SCENARIO_TREE_H

#include "scenario.h"

void scn_tree_free_evidence(scn_evidence *evidence, size_t count);
void scn_tree_free_arg(scn_arg *arg); /* its strings, not the arg itself */
void scn_tree_free_step(scn_step *step);
void scn_tree_free_scenario(scn_scenario *scenario);
void scn_tree_free_expect(scn_expect *expect);

/* Deep copies (location file pointers are shared: the suite owns them). */
scn_evidence scn_tree_copy_evidence(const scn_evidence *evidence);
scn_step scn_tree_copy_step(const scn_step *step);

#endif
