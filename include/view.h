/* view.h: what a pane shows: a filter, a sort order and the display list of row indexes.
 * The view never owns data; refreshing the store and calling view_update() keeps the cursor on
 * the same account through view_find(). */
#ifndef VIEW_H
#define VIEW_H

#include "saved_view.h"
#include "store.h"

typedef enum {
    SK_SORT_IDENTIFIER = 0,
    SK_SORT_STATE,
    SK_SORT_TOKEN_EXPIRY,
    SK_SORT_LAST_USED,
    SK_SORT_UPDATED,
    SK_SORT_COUNT
} sk_sort_key;

/* SK_SORT_STATE orders trouble first: ERROR, EXPIRED, REVOKED, PENDING, ACTIVE.
 * Timestamp keys sort ascending (oldest / soonest first); absent timestamps come last in
 * either direction. `reverse` flips the key only: ties stay by identifier (case-insensitive),
 * then id, ascending (for SK_SORT_IDENTIFIER, reverse flips the identifier order). */
const char *sort_key_name(sk_sort_key k);     /* "identifier", "state", "token expiry", ... */

#define SK_FILTER_MAX 256
#define SK_VIEW_MAX_CONNS 16

typedef struct sk_view_spec {
    char text[SK_FILTER_MAX];   /* case-insensitive substring over identifier, id, connection */
    unsigned state_mask;        /* bit (1u << state) per state shown; SK_ALL_STATES = every one */
    char connections[SK_VIEW_MAX_CONNS][128];  /* exact connection names; none = all */
    size_t n_connections;
    const sk_saved_view *saved; /* the saved view shown (its states and predicate); NULL = all */
    sk_sort_key sort;
    bool reverse;
} sk_view_spec;

#define SK_ALL_STATES ((1u << SK_STATE_COUNT) - 1)

void view_spec_init(sk_view_spec *v);   /* every state, no text, sort by identifier */
/* Parse what the user typed after '/': free text plus `state:expired` and `conn:gmail` tokens
 * (any case; repeated tokens of one kind, and comma lists `state:revoked,expired`, are OR-ed).
 * Replaces text, connections and the state mask of `v` (the mask from state: tokens is AND-ed
 * with `base_mask`). Returns false, with a message and `v` untouched, when a token names an
 * unknown state or a list is half typed ("state:expired,"): nothing of it applies. */
bool view_spec_parse(sk_view_spec *v, const char *typed, unsigned base_mask, char *msg, size_t msgn);
/* What a parsed filter keeps, in words: `state EXPIRED or REVOKED, conn gmail, text "ana"`
 * ("everything" for none). */
void view_spec_describe(const sk_view_spec *v, unsigned base_mask, char *buf, size_t n);

struct view_cache;

typedef struct sk_view {
    sk_row *rows;               /* read only: when the filter keeps every row this is the view's
                                   own sorted array (cap 0), valid until the next view_update */
    size_t n, cap;
    struct view_cache *cache;   /* view.c's own: every row in sort order and the last filter,
                                   so typing and appended pages cost a scan, not a sort */
} sk_view;

void view_init(sk_view *v);
void view_free(sk_view *v);
/* Rebuild the display list from the store (filter + stable sort; ties by identifier then id).
 * The result is always what a full rebuild gives; it is cheaper when only the filter text
 * grew, when the store only gained rows, or when nothing but the filter changed. */
sk_status view_update(sk_view *v, const sk_store *s, const sk_view_spec *spec);
/* What the first filter typed would build (a record of each row, 16 bytes: 120-150 ms at a
 * million), built ahead, at most `budget` rows a call, for a front end with nothing else to do;
 * it gives back what only merging pages needs (12 bytes a row, made again at the next page
 * merged in). True while work is left; false once ready, or when the store changed since the
 * last view_update (nothing done). */
bool view_prepare(sk_view *v, const sk_store *s, size_t budget);
/* Every live row of the store in the order of the last view_update's sort (*by, *reverse),
 * whatever the filter: NULL when that update failed or the store changed since. Valid until the
 * next view_update or view_free. */
const sk_row *view_sorted_all(const sk_view *v, const sk_store *s, size_t *n, sk_sort_key *by,
                              bool *reverse);
/* Position of the account `id` in the view, or (size_t)-1. */
size_t view_find(const sk_view *v, const sk_store *s, const char *id);
/* The same, looked for outward from position `hint` (where it was): a page sorted in moves the
 * cursor's account by the rows that landed above it, so this reads those, not the whole list. */
size_t view_find_near(const sk_view *v, const sk_store *s, const char *id, size_t hint);

#endif
