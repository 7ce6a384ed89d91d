/* verify.h: deletes and links whose answer may have been lost. A timeout, a dropped connection,
 * a 5xx or a damaged body after retries says nothing about what the server did, so before
 * reporting "done" or "failed" the account is read back by id (GET /details): the outcome is
 * what the account's real state shows, or UNKNOWN when that check fails too. */
#ifndef VERIFY_H
#define VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "client.h"
#include "sk_status.h"

typedef enum {
    SK_OUTCOME_DONE,       /* delete: the account is gone; link: a link was received */
    SK_OUTCOME_NOT_DONE,   /* the server refused, or the check shows nothing was done */
    SK_OUTCOME_UNKNOWN     /* delete: answer lost and the check failed; link: no link received */
} sk_outcome;

/* True when err leaves open whether the server acted: network errors, 5xx/429 after retries,
 * damaged bodies, cancellation, no HTTP status. False for definite answers (other 4xx; for a
 * delete a 404 is checked anyway, as a retried delete may find its own first try's work) and
 * for failures before anything was sent (usage, configuration, memory). */
bool verify_answer_uncertain(const sk_error *err);

/* How an outcome is known. */
typedef enum {
    SK_CONFIRM_ANSWER = 0,    /* the server's own answer: a success or a definite refusal */
    SK_CONFIRM_NOT_SENT,      /* refused before anything was sent (no account named, memory) */
    SK_CONFIRM_READ_BACK,     /* the answer was lost (err says how): the account was read back */
    SK_CONFIRM_READ_BACK_404, /* delete: it answered not found: the account was read back */
    SK_CONFIRM_CHECK_FAILED,  /* the answer was lost and reading the account back failed too */
} sk_confirm;

/* What a delete came to, as values; each front end words it, verify_delete_journal gives the
 * journal's result. */
typedef struct sk_delete_outcome {
    sk_outcome outcome;
    sk_confirm how;
    bool checked;             /* the account was read back after the delete's answer */
    sk_error err;             /* the delete's own error (SK_OK: it answered success) */
    sk_error check_err;       /* the read-back's error, when checked and it failed */
    char account[160];        /* the account as the request named it, safe to print */
} sk_delete_outcome;

/* The server's message of e, or its status's name when there is none. */
const char *verify_reason(const sk_error *e);

/* The journal's result (a file format: journal.h): "ok", "ok: answered not found, confirmed
 * gone", "ok: confirmed gone after the answer was lost: WHY", "failed: WHY (still there)",
 * "failed: WHY", "unknown: answer lost (WHY); check failed (WHY)". */
void verify_delete_journal(const sk_delete_outcome *o, char *buf, size_t n);

typedef void (*verify_delete_fn)(void *ud, const sk_delete_outcome *o);

/* Deletes the account by id; when the answer is not a clean success and is uncertain (see
 * verify_answer_uncertain), or is 404, reads the account back before deciding: 404 -> DONE,
 * still there -> NOT_DONE, the check failing -> UNKNOWN. cb runs exactly once, from
 * client_step (or before this returns when nothing could be queued). Non-blocking: the
 * dashboard calls this from its loop. */
void verify_delete(sk_client *c, const char *account_id, verify_delete_fn cb, void *ud);
/* The same, run to completion (the CLI). */
void verify_delete_sync(sk_client *c, const char *account_id, sk_delete_outcome *out);

typedef struct sk_link_outcome {
    sk_outcome outcome;
    sk_confirm how;           /* ANSWER, NOT_SENT, READ_BACK (found or gone) or CHECK_FAILED */
    char *link;               /* DONE: the link (heap; see verify_link_outcome_free) */
    int64_t expiry;           /* DONE: SK_TIME_ABSENT when the server gave none */
    bool expired;             /* DONE: the expiry given is already past (not usable) */
    bool no_expiry;           /* DONE: the server gave no expiry (usable, for how long unknown) */
    bool checked;             /* the account was read back after a lost answer */
    bool account_found;       /* checked: the account exists; state/status below */
    bool account_gone;        /* checked: the account does not exist (404) */
    sk_state state;
    char status[64];          /* raw wire status (sanitized), "" when absent */
    sk_error err;             /* the link request's own error */
    sk_error check_err;       /* the read-back's error, when checked and it failed */
    char account[160];        /* the account as the request named it, safe to print */
} sk_link_outcome;

/* A link must be an https:// URL (http:// only for a loopback host: 127.0.0.1, localhost,
 * [::1]) with a host, no user:password@, and printable ASCII only (no spaces or controls).
 * False with a one-line reason in why otherwise. A link that fails this is not a link:
 * verify_link reports it NOT_DONE with SK_ERR_PARSE. */
bool verify_link_usable(const char *link, char *why, size_t n);

/* The journal's result: "ok" (a link with an expiry still ahead), "failed: the link had
 * already expired (WHEN)", "unknown: a link came with no expiry given", "failed: WHY",
 * "unknown: no link received (WHY); account
 * STATE (RAW)" / "...; account gone" / "...; check failed (WHY)", "unknown: WHY". */
void verify_link_journal(const sk_link_outcome *o, char *buf, size_t n);

/* o (and o->link) valid during the callback only. */
typedef void (*verify_link_fn)(void *ud, const sk_link_outcome *o);

/* Asks for a magic link for sel; when the answer is lost (uncertain), no link can be
 * recovered: the account is read back so the outcome says its state (or that it is gone, or
 * that its state is unknown). cb runs exactly once, as for verify_delete. */
void verify_link(sk_client *c, const sk_selector *sel, verify_link_fn cb, void *ud);
/* Run to completion; out->link is owned by out: free with verify_link_outcome_free. */
void verify_link_sync(sk_client *c, const sk_selector *sel, sk_link_outcome *out);
void verify_link_outcome_free(sk_link_outcome *o);

#endif
