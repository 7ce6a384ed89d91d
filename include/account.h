/* account.h: the connected account and its fields in display order, connections, links (the
 * states are state.h's). Strings are borrowed from their owner (a parsed page, the store). */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sk_time.h"   /* SK_TIME_ABSENT */
#include "state.h"

struct sk_buf;   /* buf.h */

typedef struct sk_account {
    const char *id;                 /* ca_... */
    const char *identifier;         /* end user's id in the customer's app; any UTF-8 (or not) */
    const char *connector;          /* connection name (key_id) */
    const char *connection_id;      /* conn_... */
    const char *provider;
    const char *status;             /* raw wire value; NULL when absent */
    const char *authorization_type;
    int64_t token_expires_at;       /* SK_TIME_ABSENT when absent */
    int64_t updated_at;
    int64_t last_used_at;
    sk_state state;                 /* derived from status */
} sk_account;

/* The full account from /details: the list fields plus what only the full record has.
 * Secrets (access_token, refresh_token, static_auth.details) are never kept. */
typedef struct sk_account_detail {
    sk_account a;
    const char **scopes;            /* authorization_details.oauth_token.scopes */
    size_t n_scopes;
    const char *domain;             /* authorization_details.oauth_token.domain */
    const char *api_config_json;    /* api_config as compact JSON, NULL when absent */
} sk_account_detail;

typedef struct sk_connection {
    const char *id;                 /* conn_... */
    const char *name;               /* key_id: what accounts carry as `connector` */
    const char *provider;           /* provider_key */
    const char *type;               /* OAUTH, API_KEY ... */
    const char *status;             /* COMPLETED ... */
    bool enabled;
    int64_t created_at;
} sk_connection;

typedef struct sk_link {
    const char *link;
    int64_t expiry;                 /* SK_TIME_ABSENT when the server gave none */
} sk_link;

/* ---- the fields of one account, in the order and with the labels both the dashboard's
 * detail pane and `skdash show` use (account.c: account_fields). ---- */

typedef enum {
    SK_FIELD_TEXT,        /* a string of the record */
    SK_FIELD_STATE,       /* the state label (state_label), in the state's tone */
    SK_FIELD_STATUS,      /* the raw wire status */
    SK_FIELD_TIME,        /* a timestamp (each front end writes it its own way) */
    SK_FIELD_LIST,        /* strings joined by spaces (scopes) */
} sk_field_kind;

typedef struct sk_field {
    const char *label;    /* "Connection ID" */
    sk_field_kind kind;
    bool details_only;    /* only the full record (/details) has it, not a list row */
    const char *absent;   /* what an absent value shows as: "-", "(absent)" */
    size_t offset;        /* of the value in sk_account_detail (internal: use the getters) */
} sk_field;

/* Every field, in order; *n gets the count. */
const sk_field *account_fields(size_t *n);
/* TEXT, STATUS: the value, NULL when absent or "". LIST: the strings joined by spaces into
 * scratch (reset first), NULL when there are none. STATE, TIME: NULL. */
const char *account_field_text(const sk_field *f, const sk_account_detail *d,
                               struct sk_buf *scratch);
/* TIME: the value (SK_TIME_ABSENT when absent); other kinds: SK_TIME_ABSENT. */
int64_t account_field_time(const sk_field *f, const sk_account_detail *d);

/* How to name one account: id alone, or connector + identifier. */
typedef struct sk_selector {
    const char *id;
    const char *connector;
    const char *identifier;
} sk_selector;

#endif
