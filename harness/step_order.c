/* step_order.h: one flag per step under one lock; every completion wakes the waiters. */
#include "step_order.h"

#include <stdlib.h>
#include <windows.h>

struct step_order {
    const scn_scenario *scenario;
    SRWLOCK lock;
    CONDITION_VARIABLE changed;
    unsigned char *done;
};

step_order *step_order_new(const scn_scenario *sc)
{
    int waits = 0;
    for (size_t i = 0; i < sc->nsteps && !waits; i++)
        waits = sc->steps[i].nafter > 0;
    if (!waits)
        return NULL;
    step_order *order = calloc(1, sizeof *order);
    if (!order || !(order->done = calloc(sc->nsteps, 1))) {
        free(order);
        return NULL;
    }
    order->scenario = sc;
    InitializeSRWLock(&order->lock);
    InitializeConditionVariable(&order->changed);
    return order;
}

static int ready(const step_order *order, size_t index)
{
    const scn_step *step = &order->scenario->steps[index];
    for (size_t k = 0; k < step->nafter; k++)
        if (step->after[k] < order->scenario->nsteps && !order->done[step->after[k]])
            return 0;
    return 1;
}

void step_order_wait(step_order *order, size_t index)
{
    if (!order)
        return;
    AcquireSRWLockExclusive(&order->lock);
    while (!ready(order, index))
        SleepConditionVariableSRW(&order->changed, &order->lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&order->lock);
}

void step_order_done(step_order *order, size_t index)
{
    if (!order)
        return;
    AcquireSRWLockExclusive(&order->lock);
    order->done[index] = 1;
    ReleaseSRWLockExclusive(&order->lock);
    WakeAllConditionVariable(&order->changed);
}

void step_order_free(step_order *order)
{
    if (!order)
        return;
    free(order->done);
    free(order);
}
