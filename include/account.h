/* account.h: the connected account, the five states the product shows, and connections.
 * These are view types: their strings are borrowed from whoever owns them (a parsed page or the store). */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
    SK_STATE_PENDING = 0,
    SK_STATE_ACTIVE,
    SK_STATE_EXPIRED,
    SK_STATE_REVOKED,
    SK_STATE_ERROR,
    SK_STATE_COUNT
} sk_state;

/* Wire status -> state shown (SCALEKIT-API.md table). NULL, "", unknown values -> ERROR. */
sk_state state_from_wire(const char *wire);
/* "PENDING", "ACTIVE", "EXPIRED", "REVOKED", "ERROR" */
const char *state_name(sk_state s);
/* Lower-case "pending"... */
const char *state_name_lower(sk_state s);
/* Parse a state name in any case ("expired", "Expired"). Returns false when unknown. */
bool state_parse(const char *s, sk_state *out);
/* True when the raw wire value differs from the state's own name and is worth showing
 * (e.g. PENDING_VERIFICATION, DISCONNECTED, an unknown value). */
bool state_raw_differs(sk_state s, const char *wire);

#define SK_TIME_ABSENT INT64_MIN  /* timestamps are Unix seconds; this marks missing/null/"" */

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

/* How to name one account: id alone, or connector + identifier. */
typedef struct sk_selector {
    const char *id;
    const char *connector;
    const char *identifier;
} sk_selector;

#endif
