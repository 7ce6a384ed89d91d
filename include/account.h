/* account.h: the connected account and its fields in display order, the five states (what each
 * means, what to do), connections. Strings are borrowed from their owner (a parsed page, the store). */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct sk_buf;   /* util.h */

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

/* ---- what the product knows about each state (one table, account.c); the front ends only
 * word it: the dashboard names an action by its key, the CLI by its command. ---- */

/* The next thing to do about an account, as an action, never as a key or a command. */
typedef enum {
    SK_ACTION_NONE = 0,
    SK_ACTION_LINK,       /* send a fresh authorization link */
    SK_ACTION_DELETE,     /* delete the connected account */
} sk_action;

/* What a state's colour means; each front end maps it onto its own colours (the dashboard's
 * theme roles, the CLI's SGR codes). One tone per state, no two states share one. */
typedef enum {
    SK_TONE_WAITING = 0,  /* PENDING: the user has something to do */
    SK_TONE_GOOD,         /* ACTIVE */
    SK_TONE_LAPSED,       /* EXPIRED: worked once, needs renewing */
    SK_TONE_ENDED,        /* REVOKED: access taken away */
    SK_TONE_BROKEN,       /* ERROR: configuration or an unknown status */
    SK_TONE_COUNT
} sk_tone;

/* "Why, and what to do": words, each piece followed (when `action` is set) by the action's
 * mention, which the front end writes as " (l)" or " (skdash link)". */
typedef struct sk_advice_part {
    const char *text;
    sk_action action;
} sk_advice_part;

#define SK_ADVICE_PARTS 3
typedef struct sk_advice {
    sk_action next;                          /* the first thing to do; NONE: nothing */
    sk_advice_part part[SK_ADVICE_PARTS];    /* ends at the first part with text NULL */
} sk_advice;

typedef struct sk_state_info {
    const char *name;     /* "PENDING" */
    sk_tone tone;
    sk_advice advice;     /* for PENDING_VERIFICATION see state_advice */
} sk_state_info;

const sk_state_info *state_info(sk_state s);
/* The advice for an account in state s with raw status wire: PENDING_VERIFICATION has its
 * own (the person opening the link must be signed in). */
const sk_advice *state_advice(sk_state s, const char *wire);
/* The advice as one sentence: each action mentioned as " (WORD)", WORD = word(action, ud).
 * Returns what snprintf would (the length wanted). */
typedef const char *(*sk_action_word_fn)(sk_action a, void *ud);
int state_advice_text(const sk_advice *adv, sk_action_word_fn word, void *ud, char *buf,
                      size_t n);
/* The wire detail shown beside the state's name, when the raw status differs: "verification"
 * (PENDING_VERIFICATION), "disconnected", an unknown value lower-cased. "" when it adds
 * nothing. Not sanitized (a server string). */
void state_detail(sk_state s, const char *wire, char *buf, size_t n);
/* The label both front ends show: "ACTIVE", "PENDING\xc2\xb7verification" when utf8,
 * "PENDING.verification" when not. Not sanitized. */
void state_label(sk_state s, const char *wire, bool utf8, char *buf, size_t n);

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
