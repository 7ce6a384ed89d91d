/* cli_out.h: how an account is written by the CLI: its JSON object (the API's field names
 * plus "state"), its state label and colour, and JSON documents written safely. */
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

/* "EXPIRED", or "PENDING (PENDING_VERIFICATION)" when the wire value differs; when `always_raw`
 * the raw value is shown even when equal ("EXPIRED (EXPIRED)"; "(none)" when absent). */
void out_state_label(sk_buf *b, const sk_account *a, bool always_raw);
/* SGR colour of a state (for terminals). */
const char *out_state_sgr(sk_state s);

#endif
