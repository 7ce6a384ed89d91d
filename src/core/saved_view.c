/* saved_view.c: the saved views the dashboard lists above the connections. Adding a view is one
 * entry here (and, when states alone cannot say it, its predicate). */
#include "saved_view.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "store.h"

#define ALL_STATES ((1u << SK_STATE_COUNT) - 1)

static int64_t expiring_window = SAVED_VIEW_EXPIRING_DEFAULT;
static int64_t unused_window = SAVED_VIEW_UNUSED_DEFAULT;
static unsigned windows_set;   /* calls of saved_view_set_windows(): tallies count again */

void saved_view_set_windows(int64_t expiring_within, int64_t unused_for)
{
    windows_set++;
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

/* Rows [from, to) the view (with a predicate) keeps, per state, added to count. A predicate
 * counted here reads the row's state, times, id, identifier and connector straight from the
 * store's record; the interned attributes (connection id, provider, status, authorization type)
 * stay NULL: looking them up and clearing a whole account per row made a million rows take
 * 32 ms a view (19 ms so), and no view reads them. saved_view_counts() gives predicates the
 * whole account (store_get); the tests compare the two on every view of the registry. */
static void tally_rows(const sk_saved_view *v, const sk_store *s, int64_t now, size_t from,
                       size_t to, size_t count[SK_STATE_COUNT])
{
    const sk_store_row *rows = store_rows(s);
    sk_account acc = { 0 };   /* the interned attributes stay NULL */
    for (size_t r = from; r < to; r++) {
        const sk_store_row *row = &rows[r];
        if (!(row->flags & SK_STORE_ROW_LIVE))
            continue;
        acc.id = store_row_id(s, row);
        acc.identifier = store_row_identifier(s, row);
        acc.connector = store_conn_name(s, row->conn);
        acc.token_expires_at = store_row_time(s, row, SK_ROW_TOKEN_EXPIRES);
        acc.updated_at = store_row_time(s, row, SK_ROW_UPDATED);
        acc.last_used_at = store_row_time(s, row, SK_ROW_LAST_USED);
        acc.state = row->state < SK_STATE_COUNT ? (sk_state)row->state : SK_STATE_ERROR;
        if (saved_view_keeps(v, &acc, now))
            count[acc.state]++;
    }
}

/* The same with the whole account: the reference the tally is tested against. */
static size_t count_rows(const sk_saved_view *v, const sk_store *s, int64_t now,
                         size_t count[SK_STATE_COUNT])
{
    size_t total = 0, limit = store_row_limit(s);
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
    return count_rows(v, s, now, count);
}

static size_t sum_counts(const size_t count[SK_STATE_COUNT])
{
    size_t total = 0;
    for (int st = 0; st < SK_STATE_COUNT; st++)
        total += count[st];
    return total;
}

bool saved_view_tally_some(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                           sk_saved_tally *t, size_t budget, size_t count[SK_STATE_COUNT])
{
    size_t limit = store_row_limit(s);
    if (!v->match) {
        t->layout = 0;   /* the store's totals: nothing to keep */
        t->ready = false;
        saved_view_counts(v, s, now, count);
        return true;
    }
    uint64_t layout = store_layout_version(s);
    bool rows_moved = t->layout == 0 || t->layout != layout || t->limit > limit ||
                      t->windows != windows_set;
    bool stale = now - t->now >= SAVED_VIEW_TALLY_STALE || now < t->now;
    if (rows_moved)
        t->ready = false;   /* the last whole figures are of other rows (or other windows) */
    if (rows_moved || stale) {
        for (int st = 0; st < SK_STATE_COUNT; st++)
            t->count[st] = 0;
        t->limit = 0;
        t->now = now;
        t->windows = windows_set;
        t->layout = layout;
    }
    size_t to = limit - t->limit > budget ? t->limit + budget : limit;
    tally_rows(v, s, t->now, t->limit, to, t->count);
    t->limit = to;
    if (to == limit) {
        memcpy(t->ready_count, t->count, sizeof t->ready_count);
        t->ready = true;
        t->ready_layout = layout;
        t->ready_limit = limit;
    }
    if (t->ready && t->ready_layout == layout && t->ready_limit == limit) {
        memcpy(count, t->ready_count, sizeof t->ready_count);
        return true;
    }
    for (int st = 0; st < SK_STATE_COUNT; st++)
        count[st] = 0;
    return false;
}

bool saved_view_tally_more(const sk_saved_tally *t, const struct sk_store *s)
{
    return t->layout != 0 && t->limit < store_row_limit(s);
}

size_t saved_view_tally(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                        sk_saved_tally *t, size_t count[SK_STATE_COUNT])
{
    saved_view_tally_some(v, s, now, t, SIZE_MAX, count);
    return sum_counts(count);
}
