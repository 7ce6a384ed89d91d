/* cli_out.h: how an account is written by the CLI: its JSON object (the API's field names
 * plus "state"), its state label, colour and actions in the CLI's words, JSON written safely. */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "account.h"
#include "buf.h"

/* A new object: id, identifier, connector, connection_id, provider, status,
 * authorization_type, token_expires_at, updated_at, last_used_at (absent ones omitted;
 * timestamps as RFC 3339) and "state". NULL on OOM. */
struct json_object *out_account_json(const sk_account *a);
/* Adds key = s unless s is NULL or "" (absent). */
void out_json_str(struct json_object *o, const char *key, const char *s);
/* Adds key = RFC 3339 of t unless t is SK_TIME_ABSENT. */
void out_json_time(struct json_object *o, const char *key, int64_t t);
/* Pretty JSON and a newline to f; frees nothing. */
void out_json_print(FILE *f, struct json_object *o);

/* The state label the dashboard shows too (state_label): "EXPIRED", "PENDING\xc2\xb7verification"
 * ("PENDING.verification" when the locale is not UTF-8). Not sanitized. */
void out_state_label(sk_buf *b, const sk_account *a);
/* SGR colour of a state (for terminals), from the state's tone. */
const char *out_state_sgr(sk_state s);
/* An action as the CLI names it in advice: "skdash link" (an sk_action_word_fn). */
const char *out_action_command(sk_action a, void *ud);

#endif
