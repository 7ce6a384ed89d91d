/* journal_syslog.c: the journal's copy for the system log: the line journal_format wrote, read
 * back field by field and sent as key=value pairs through syslog(3), facility authpriv, so that
 * a team's central log holds what every machine's journal holds (and nothing more). */
#include "journal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "text.h"

/* The journal's keys in the order the line gives them: what was done first, where and who after. */
static const char *const syslog_keys[] = { "action", "result", "profile", "connection",
                                           "identifier", "account_id", "environment", "user",
                                           "ssh_client", "time" };

/* key=value, the value made safe for a terminal (text_sanitize) with backslash and double quote
 * escaped by a backslash, and quoted when it holds a space, '=' or any backslash. */
static bool add_pair(sk_buf *b, const char *key, const char *v)
{
    sk_buf t;
    buf_init(&t);
    bool ok = buf_reserve(&t, strlen(v));
    const char *p = v;
    while (ok && *p) {
        size_t n = strcspn(p, "\"\\");
        ok = text_sanitize(&t, p, n);
        p += n;
        if (ok && *p) {
            ok = buf_addc(&t, '\\') && buf_addc(&t, *p);
            p++;
        }
    }
    if (ok) {
        bool quote = strpbrk(t.s, " =\\") != NULL;
        ok = (b->len == 0 || buf_addc(b, ' ')) && buf_adds(b, key) && buf_addc(b, '=') &&
             (!quote || buf_addc(b, '"')) && buf_add(b, t.s, t.len) &&
             (!quote || buf_addc(b, '"'));
    }
    buf_free(&t);
    return ok;
}

char *journal_syslog_format(const char *json_line, const char *profile)
{
    json_object *o = json_tokener_parse(json_line ? json_line : "");
    sk_buf b;
    buf_init(&b);
    bool ok = buf_reserve(&b, 256);
    for (size_t i = 0; ok && i < sizeof syslog_keys / sizeof syslog_keys[0]; i++) {
        const char *v = NULL;
        json_object *jv;
        if (strcmp(syslog_keys[i], "profile") == 0)
            v = profile;
        else if (o && json_object_object_get_ex(o, syslog_keys[i], &jv) &&
                 json_object_is_type(jv, json_type_string))
            v = json_object_get_string(jv);
        if (v && *v)
            ok = add_pair(&b, syslog_keys[i], v);
    }
    json_object_put(o);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

int journal_syslog_severity(const char *result)
{
    if (result && (strncmp(result, "failed", 6) == 0 || strncmp(result, "unknown", 7) == 0))
        return LOG_WARNING;
    return LOG_NOTICE;
}

void journal_syslog_send(const sk_journal_entry *e, const char *json_line)
{
    static bool opened;
    char *msg = journal_syslog_format(json_line, e->profile);
    if (!msg)
        return;   /* out of memory: the file has the entry, the system log goes without */
    if (!opened) {
        /* Connects on the first message; no LOG_CONS: with no syslog daemon nothing is
         * written anywhere else, and the action goes on. */
        openlog("skdash", LOG_PID, LOG_AUTHPRIV);
        opened = true;
    }
    syslog(LOG_AUTHPRIV | journal_syslog_severity(e->result), "%s", msg);
    free(msg);
}
