/* The recorded order across threads, kept at replay: a step starts only once every step in
 * its `after` list (core/trace_travel.h) has completed. */
#ifndef ESH_HARNESS_STEP_ORDER_H
#define ESH_HARNESS_STEP_ORDER_H

#include <stddef.h>

#include "scenario.h"

typedef struct step_order step_order;

/* NULL when no step of SC waits for another (nothing to keep) or out of memory. */
step_order *step_order_new(const scn_scenario *sc);
/* Blocks until the steps step INDEX waits for have completed (returns at once for NULL). */
void step_order_wait(step_order *order, size_t index);
/* Step INDEX completed (called, failed to be called, or slept). */
void step_order_done(step_order *order, size_t index);
void step_order_free(step_order *order);

#endif
