/* cli_out.c: an account as the CLI writes it: a JSON object with the API's own field names,
 * state labels and their colours, and JSON written so no terminal control gets through. */
#include "cli_out.h"

#include <string.h>

#include "cli_cmd.h"
#include "sk_time.h"
#include "text.h"

void out_json_str(struct json_object *o, const char *key, const char *s)
{
    if (s && *s)
        json_object_object_add(o, key, json_object_new_string(s));
}

void out_json_time(struct json_object *o, const char *key, int64_t t)
{
    if (t == SK_TIME_ABSENT)
        return;
    char buf[64];
    time_rfc3339(t, buf, sizeof buf);
    if (buf[0])
        json_object_object_add(o, key, json_object_new_string(buf));
}

struct json_object *out_account_json(const sk_account *a)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    out_json_str(o, "id", a->id);
    out_json_str(o, "identifier", a->identifier);
    out_json_str(o, "connector", a->connector);
    out_json_str(o, "connection_id", a->connection_id);
    out_json_str(o, "provider", a->provider);
    out_json_str(o, "status", a->status);
    out_json_str(o, "authorization_type", a->authorization_type);
    out_json_time(o, "token_expires_at", a->token_expires_at);
    out_json_time(o, "updated_at", a->updated_at);
    out_json_time(o, "last_used_at", a->last_used_at);
    json_object_object_add(o, "state", json_object_new_string(state_name(a->state)));
    return o;
}

void out_json_print(FILE *f, struct json_object *o)
{
    const char *s = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    cli_json_write(f, s ? s : "null");
    fputc('\n', f);
}

void out_state_label(sk_buf *b, const sk_account *a)
{
    char label[128];
    state_label(a->state, a->status, text_locale_utf8(), label, sizeof label);
    buf_adds(b, label);
}

/* The CLI's colours for the core's tones. */
const char *out_state_sgr(sk_state s)
{
    static const char *const sgr[SK_TONE_COUNT] = {
        [SK_TONE_WAITING] = "\033[33m",
        [SK_TONE_GOOD] = "\033[32m",
        [SK_TONE_LAPSED] = "\033[31m",
        [SK_TONE_ENDED] = "\033[35m",
        [SK_TONE_BROKEN] = "\033[1;31m",
    };
    sk_tone t = state_info(s)->tone;
    return (unsigned)t < SK_TONE_COUNT ? sgr[t] : sgr[SK_TONE_BROKEN];
}

/* The dashboard says "(l)"; the CLI names its command. */
const char *out_action_command(sk_action a, void *ud)
{
    (void)ud;
    switch (a) {
    case SK_ACTION_LINK: return "skdash link";
    case SK_ACTION_DELETE: return "skdash delete";
    default: return NULL;
    }
}
