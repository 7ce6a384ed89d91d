/* saved_view.h: the registry of saved views ("All accounts", "Needs attention", and room for
 * more): each is a label, the states it keeps, an optional predicate, and how it counts. */
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

/* The registry, in the order the dashboard shows it. */
const sk_saved_view *saved_views(size_t *n);
/* The view whose key is `key` (any case), or NULL. */
const sk_saved_view *saved_view_find(const char *key);
/* Does the view keep this account? */
bool saved_view_keeps(const sk_saved_view *v, const sk_account *a, int64_t now);
/* Accounts of the store the view keeps, per state; returns their total. Views without a
 * predicate are counted from the store's totals; others take one scan of the store. */
size_t saved_view_counts(const sk_saved_view *v, const struct sk_store *s, int64_t now,
                         size_t count[SK_STATE_COUNT]);

#endif
