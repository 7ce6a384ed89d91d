/* saved_view.c: the saved views the dashboard lists above the connections. Adding a view is one
 * entry here (and, when states alone cannot say it, its predicate). */
#include "saved_view.h"

#include <strings.h>

#include "store.h"

#define ALL_STATES ((1u << SK_STATE_COUNT) - 1)

static int64_t expiring_window = SAVED_VIEW_EXPIRING_DEFAULT;
static int64_t unused_window = SAVED_VIEW_UNUSED_DEFAULT;

void saved_view_set_windows(int64_t expiring_within, int64_t unused_for)
{
    expiring_window = expiring_within > 0 ? expiring_within : SAVED_VIEW_EXPIRING_DEFAULT;
    unused_window = unused_for > 0 ? unused_for : SAVED_VIEW_UNUSED_DEFAULT;
}

int64_t saved_view_expiring_within(void)
{
    return expiring_window;
}

int64_t saved_view_unused_for(void)
{
    return unused_window;
}

bool account_expiring_within(const sk_account *a, int64_t now, int64_t within)
{
    int64_t t = a->token_expires_at;
    return t != SK_TIME_ABSENT && t > now && t - now <= within;
}

bool account_unused_for(const sk_account *a, int64_t now, int64_t unused)
{
    int64_t t = a->last_used_at;
    /* A last use in the future (clock skew) is a recent use. */
    return t == SK_TIME_ABSENT || (t < now && now - t > unused);
}

static bool expiring_match(const sk_account *a, int64_t now)
{
    return account_expiring_within(a, now, expiring_window);
}

static bool unused_match(const sk_account *a, int64_t now)
{
    return account_unused_for(a, now, unused_window);
}

static const sk_saved_view registry[] = {
    { "all", "All accounts", ALL_STATES, NULL, true },
    { "attention", "Needs attention", ALL_STATES & ~(1u << SK_STATE_ACTIVE), NULL, true },
    { "expiring", "Expiring soon", ALL_STATES, expiring_match, true },
    { "unused", "Unused", ALL_STATES, unused_match, true },
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
