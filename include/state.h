/* state.h: the five states the product shows, how wire statuses map onto them, and what the
 * product knows about each (label, wire detail, colour tone, advice with the next action). */
#ifndef STATE_H
#define STATE_H

#include <stdbool.h>
#include <stddef.h>

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

/* ---- what the product knows about each state (one table, state.c); the front ends only
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

#endif
