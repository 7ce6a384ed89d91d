/* csv.c: accounts as CSV, the one writer behind `skdash list --format csv` and the dashboard's
 * `:export`, so both give the same bytes for the same rows. */
#include "csv.h"

#include <string.h>

#include "sk_time.h"
#include "state.h"
#include "text.h"

bool csv_field(sk_buf *b, const char *s, bool first)
{
    bool ok = first || buf_addc(b, ',');
    if (!s)
        return ok;
    sk_buf safe;
    buf_init(&safe);
    ok = text_sanitize(&safe, s, strlen(s)) && ok;
    const char *v = safe.s ? safe.s : "";
    size_t len = strlen(v);
    bool quote = strpbrk(v, ",\"") || (len && (v[0] == ' ' || v[len - 1] == ' '));
    if (quote)
        ok = buf_addc(b, '"') && ok;
    for (const char *p = v; *p && ok; p++) {
        if (*p == '"')
            ok = buf_addc(b, '"');
        ok = ok && buf_addc(b, *p);
    }
    if (quote)
        ok = buf_addc(b, '"') && ok;
    buf_free(&safe);
    return ok;
}

bool csv_line(sk_buf *b, const char *const *fields, int n)
{
    bool ok = true;
    for (int k = 0; k < n && ok; k++)
        ok = csv_field(b, fields[k], k == 0);
    return ok && buf_addc(b, '\n');
}

bool csv_account_header(sk_buf *b)
{
    static const char *const head[] = { "connector", "identifier", "state", "status",
        "authorization_type", "token_expires_at", "last_used_at", "updated_at", "id",
        "connection_id", "provider" };
    return csv_line(b, head, 11);
}

bool csv_account_row(sk_buf *b, const sk_account *a)
{
    char t1[64], t2[64], t3[64];
    time_rfc3339(a->token_expires_at, t1, sizeof t1);
    time_rfc3339(a->last_used_at, t2, sizeof t2);
    time_rfc3339(a->updated_at, t3, sizeof t3);
    const char *f[] = { a->connector, a->identifier, state_name(a->state), a->status,
        a->authorization_type, t1, t2, t3, a->id, a->connection_id, a->provider };
    return csv_line(b, f, 11);
}
