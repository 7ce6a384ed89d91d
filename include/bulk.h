/* bulk.h: what the actions on many accounts share between the two front ends: how many
 * accounts per connection and state, in words ("33 accounts: 33 REVOKED in zendesk"), for the
 * confirmations of `skdash delete`/`disconnect` and the dashboard's dialogs; and the rows of a
 * link campaign as CSV (`skdash link SELECTION --format csv`, the dashboard's `L` file). */
#ifndef BULK_H
#define BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "buf.h"

/* ---- counts per connection and state ---- */

typedef struct sk_tally sk_tally;

sk_tally *tally_new(void);
void tally_free(sk_tally *t);
/* One more account of that connection (NULL: "?") in that state; false when out of memory. */
bool tally_add(sk_tally *t, const char *connection, sk_state state);
size_t tally_total(const sk_tally *t);
/* Appends "N accounts: A STATE and B STATE in CONN, C STATE in CONN2" (connections by count,
 * the largest first, then by name; states in the order of state.h); "1 account: 1 EXPIRED in
 * gmail"; "0 accounts" when empty. Connection names are made safe for the terminal. */
bool tally_words(const sk_tally *t, sk_buf *out);

/* ---- a link campaign's rows ---- */

typedef struct sk_link_row {
    const char *connection;
    const char *identifier;
    const char *account_id;
    sk_state state;
    const char *link;           /* NULL when none came */
    int64_t expiry;             /* SK_TIME_ABSENT when none */
    const char *message;        /* the paste-ready message (NULL when no link) */
    const char *error;          /* NULL when the link came; else why not */
} sk_link_row;

/* The header line: connection,identifier,account_id,state,link,expiry,message,error */
bool link_rows_csv_header(sk_buf *out);
/* One row (RFC 4180, every value made safe first: no control character survives). */
bool link_rows_csv(sk_buf *out, const sk_link_row *r);
/* One CSV field (with its "," unless first), as link_rows_csv writes them. */
bool bulk_csv_field(sk_buf *out, const char *value, bool first);

#endif
