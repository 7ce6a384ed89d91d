/* saved_view.h: the registry of saved views ("All accounts", "Needs attention", "Expiring
 * soon", "Unused"): each is a label, the states it keeps, an optional predicate, and how it
 * counts; and the two time predicates the views and the command line's selections share. */
#ifndef SAVED_VIEW_H
#define SAVED_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"

struct sk_store;

typedef struct sk_saved_view {
    const char *key;        /* stable name: "all", "attention" (commands and config use it) */
    const char *label;      /* what the dashboard's connections pane shows */
    unsigned state_mask;    /* states the view keeps (bit 1u << state) */
    /* Optional: an account the view keeps beyond its states (NULL: every account of those
     * states). `now` is Unix seconds, so views over time ("expiring soon") stay pure. */
    bool (*match)(const sk_account *a, int64_t now);
    bool mixes_connections; /* shows accounts of every connection (the Connection column) */
} sk_saved_view;

/* The windows of the views over time, from the profile (`expiring_within`, `unused_for`):
 * "Expiring soon" keeps a token expiring within expiring_within seconds, "Unused" an account
 * not used for unused_for seconds. Defaults 3d and 30d (SAVED_VIEW_*_DEFAULT); a value <= 0
 * puts the default back. Process-wide: each front end sets them once its profile is read. */
#define SAVED_VIEW_EXPIRING_DEFAULT ((int64_t)3 * 86400)
#define SAVED_VIEW_UNUSED_DEFAULT ((int64_t)30 * 86400)
void saved_view_set_windows(int64_t expiring_within, int64_t unused_for);
int64_t saved_view_expiring_within(void);
int64_t saved_view_unused_for(void);

/* The token expires within `within` seconds of now and has not expired yet (an account
 * without a token expiry never matches). */
bool account_expiring_within(const sk_account *a, int64_t now, int64_t within);
/* Last used longer than `unused` seconds before now, or never used (no last_used_at). */
bool account_unused_for(const sk_account *a, int64_t now, int64_t unused);

/* The registry, in the order the dashboard shows it: "all", "attention", "expiring",
 * "unused". */
const sk_saved_view *saved_views(size_t *n);
/* The view whose key is `key` (any case), or NULL. */
const sk_saved_view *saved_view_find(const char *key);
/* Does the view keep this account? */
bool saved_view_keeps(const sk_saved_view *v, const sk_account *a, int64_t now);
/* Accounts of the store the view keeps, per state; returns their total. Views without a
 * predicate are counted from the store's totals; others take one scan of the store. */
size_t saved_view_counts(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                         size_t count[SK_STATE_COUNT]);

/* saved_view_counts() kept up to date as a listing grows the store, so that a page landing
 * costs a count of its own rows, not a scan of the whole store: rows appended since the last
 * call are counted alone; everything is counted again when rows already counted changed or
 * went (the store's layout version), for another store, after saved_view_set_windows(), or once
 * `now` has moved SAVED_VIEW_TALLY_STALE seconds past the time of the last whole count (the
 * views over time drift by at most that much). Zero-initialise a tally before its first use.
 * A predicate counted here reads the account's state, times, id, identifier and connector (what
 * the store's row holds itself); connection_id, provider, status and authorization_type are
 * NULL, so a million rows count in under 20 ms a view. */
#define SAVED_VIEW_TALLY_STALE 60
typedef struct sk_saved_tally {
    uint64_t layout;                /* store_layout_version() when counted; 0: nothing yet */
    size_t limit;                   /* rows [0, limit) are counted */
    int64_t now;                    /* the time of the last whole count */
    unsigned windows;               /* saved_view_set_windows() calls then */
    size_t count[SK_STATE_COUNT];
    /* The last figures of every row, and the rows they are of: shown while a count again that
     * only the time asked for goes on, slice by slice. */
    bool ready;
    uint64_t ready_layout;
    size_t ready_limit;
    size_t ready_count[SK_STATE_COUNT];
} sk_saved_tally;
size_t saved_view_tally(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                        sk_saved_tally *t, size_t count[SK_STATE_COUNT]);
/* The same a slice at a time, for a front end that must not stop for a million rows: counts at
 * most `budget` more rows. True when count holds the view's figures: every row is counted, or
 * the rows are those of the last whole figures and only the time asked for a count again (then
 * those figures, within the drift above). False while rows are still to be counted (count is
 * then zero: say "counting", never a part as if it were the whole); call again to go on. Views
 * without a predicate are always true. saved_view_tally() is this with no budget. */
bool saved_view_tally_some(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                           sk_saved_tally *t, size_t budget, size_t count[SK_STATE_COUNT]);
/* Rows of the store the tally has not counted yet (call saved_view_tally_some again). */
bool saved_view_tally_more(const sk_saved_tally *t, const struct sk_store *s);

#endif
