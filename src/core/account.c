/* account.c: the fields of an account in display order, and how each field reads for the
 * detail pane and `skdash show` (the states are state.c's). */
#include "account.h"

#include <stddef.h>
#include <string.h>

#include "buf.h"

/* ---------------------------------------------------------------- the fields of an account */

#define AT(member) offsetof(sk_account_detail, member)

/* The detail pane and `skdash show` both iterate this: one list, one order, one set of labels. */
static const sk_field fields[] = {
    { "Identifier", SK_FIELD_TEXT, false, "-", AT(a.identifier) },
    { "ID", SK_FIELD_TEXT, false, "-", AT(a.id) },
    { "State", SK_FIELD_STATE, false, "-", AT(a.state) },
    { "Raw status", SK_FIELD_STATUS, false, "(absent)", AT(a.status) },
    { "Connection", SK_FIELD_TEXT, false, "-", AT(a.connector) },
    { "Connection ID", SK_FIELD_TEXT, false, "-", AT(a.connection_id) },
    { "Provider", SK_FIELD_TEXT, false, "-", AT(a.provider) },
    { "Auth type", SK_FIELD_TEXT, false, "-", AT(a.authorization_type) },
    { "Token expires", SK_FIELD_TIME, false, "-", AT(a.token_expires_at) },
    { "Last used", SK_FIELD_TIME, false, "never", AT(a.last_used_at) },   /* absent: never used */
    { "Updated", SK_FIELD_TIME, false, "-", AT(a.updated_at) },
    { "Scopes", SK_FIELD_LIST, true, "-", AT(scopes) },
    { "Domain", SK_FIELD_TEXT, true, "-", AT(domain) },
    { "API config", SK_FIELD_TEXT, true, "-", AT(api_config_json) },
};

const sk_field *account_fields(size_t *n)
{
    *n = sizeof fields / sizeof fields[0];
    return fields;
}

const char *account_field_text(const sk_field *f, const sk_account_detail *d, sk_buf *scratch)
{
    const char *base = (const char *)d + f->offset;
    switch (f->kind) {
    case SK_FIELD_TEXT:
    case SK_FIELD_STATUS: {
        const char *s;
        memcpy(&s, base, sizeof s);
        return s && *s ? s : NULL;
    }
    case SK_FIELD_LIST: {
        if (!scratch || !d->n_scopes)
            return NULL;
        buf_reset(scratch);
        for (size_t i = 0; i < d->n_scopes; i++) {
            if (i)
                buf_adds(scratch, " ");
            buf_adds(scratch, d->scopes[i] ? d->scopes[i] : "");
        }
        return scratch->s && *scratch->s ? scratch->s : NULL;
    }
    default:
        return NULL;
    }
}

int64_t account_field_time(const sk_field *f, const sk_account_detail *d)
{
    if (f->kind != SK_FIELD_TIME)
        return SK_TIME_ABSENT;
    int64_t t;
    memcpy(&t, (const char *)d + f->offset, sizeof t);
    return t;
}
