/* saved_view.c: the saved views the dashboard lists above the connections. Adding a view is one
 * entry here (and, when states alone cannot say it, its predicate). */
#include "saved_view.h"

#include <strings.h>

#include "store.h"

#define ALL_STATES ((1u << SK_STATE_COUNT) - 1)

static const sk_saved_view registry[] = {
    { "all", "All accounts", ALL_STATES, NULL, true },
    { "attention", "Needs attention", ALL_STATES & ~(1u << SK_STATE_ACTIVE), NULL, true },
};

#define N_REGISTRY (sizeof registry / sizeof registry[0])

const sk_saved_view *saved_views(size_t *n)
{
    if (n)
        *n = N_REGISTRY;
    return registry;
}

const sk_saved_view *saved_view_find(const char *key)
{
    for (size_t i = 0; key && i < N_REGISTRY; i++)
        if (strcasecmp(registry[i].key, key) == 0)
            return &registry[i];
    return NULL;
}

bool saved_view_keeps(const sk_saved_view *v, const sk_account *a, int64_t now)
{
    unsigned st = (unsigned)a->state < SK_STATE_COUNT ? (unsigned)a->state : SK_STATE_ERROR;
    if (!(v->state_mask & (1u << st)))
        return false;
    return !v->match || v->match(a, now);
}

size_t saved_view_counts(const sk_saved_view *v, const sk_store *s, int64_t now,
                         size_t count[SK_STATE_COUNT])
{
    size_t total = 0;
    for (int st = 0; st < SK_STATE_COUNT; st++)
        count[st] = 0;
    if (!v->match) {
        for (int st = 0; st < SK_STATE_COUNT; st++)
            if (v->state_mask & (1u << st)) {
                count[st] = store_total(s, (sk_state)st);
                total += count[st];
            }
        return total;
    }
    size_t limit = store_row_limit(s);
    for (size_t r = 0; r < limit; r++) {
        sk_account acc;
        if (!store_row_live(s, (sk_row)r))
            continue;
        store_get(s, (sk_row)r, &acc);
        if (saved_view_keeps(v, &acc, now)) {
            count[acc.state < SK_STATE_COUNT ? acc.state : SK_STATE_ERROR]++;
            total++;
        }
    }
    return total;
}
