/* bulk.c: counts per connection and state in words, and a link campaign's rows as CSV. */
#include "bulk.h"

#include <stdlib.h>
#include <string.h>

#include "sk_time.h"
#include "state.h"
#include "text.h"

typedef struct tally_conn {
    char *name;
    size_t count[SK_STATE_COUNT];
    size_t total;
} tally_conn;

struct sk_tally {
    tally_conn *v;
    size_t n, cap;
    size_t total;
};

sk_tally *tally_new(void)
{
    return calloc(1, sizeof(sk_tally));
}

void tally_free(sk_tally *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].name);
    free(t->v);
    free(t);
}

bool tally_add(sk_tally *t, const char *connection, sk_state state)
{
    const char *name = connection && *connection ? connection : "?";
    unsigned st = (unsigned)state < SK_STATE_COUNT ? (unsigned)state : SK_STATE_ERROR;
    tally_conn *c = NULL;
    /* Bulk actions name tens to thousands of accounts over a few connections: a scan will do. */
    for (size_t i = 0; i < t->n && !c; i++)
        if (strcmp(t->v[i].name, name) == 0)
            c = &t->v[i];
    if (!c) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 8;
            tally_conn *v = realloc(t->v, cap * sizeof *v);
            if (!v)
                return false;
            t->v = v;
            t->cap = cap;
        }
        c = &t->v[t->n];
        memset(c, 0, sizeof *c);
        if (!(c->name = strdup(name)))
            return false;
        t->n++;
    }
    c->count[st]++;
    c->total++;
    t->total++;
    return true;
}

size_t tally_total(const sk_tally *t)
{
    return t ? t->total : 0;
}

static int cmp_conn(const void *x, const void *y)
{
    const tally_conn *a = *(tally_conn *const *)x, *b = *(tally_conn *const *)y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->name, b->name);
}

bool tally_words(const sk_tally *t, sk_buf *out)
{
    size_t total = tally_total(t);
    if (!buf_printf(out, "%zu account%s", total, total == 1 ? "" : "s"))
        return false;
    if (!total)
        return true;
    tally_conn **order = malloc(t->n * sizeof *order);
    if (!order)
        return false;
    for (size_t i = 0; i < t->n; i++)
        order[i] = &t->v[i];
    qsort(order, t->n, sizeof *order, cmp_conn);
    bool ok = buf_adds(out, ":");
    for (size_t i = 0; ok && i < t->n; i++) {
        const tally_conn *c = order[i];
        bool first = true;
        for (int st = 0; ok && st < SK_STATE_COUNT; st++) {
            if (!c->count[st])
                continue;
            ok = buf_printf(out, "%s %zu %s", first ? (i ? "," : "") : " and", c->count[st],
                            state_name((sk_state)st));
            first = false;
        }
        ok = ok && buf_adds(out, " in ");
        ok = ok && text_sanitize(out, c->name, strlen(c->name));
    }
    free(order);
    return ok;
}

bool bulk_csv_field(sk_buf *out, const char *value, bool first)
{
    if (!first && !buf_addc(out, ','))
        return false;
    if (!value || !*value)
        return true;
    sk_buf safe;
    buf_init(&safe);
    bool ok = text_sanitize(&safe, value, strlen(value));
    const char *v = safe.s ? safe.s : "";
    size_t len = strlen(v);
    bool quote = strpbrk(v, ",\"") || (len && (v[0] == ' ' || v[len - 1] == ' '));
    if (ok && quote)
        ok = buf_addc(out, '"');
    for (const char *p = v; ok && *p; p++) {
        if (*p == '"')
            ok = buf_addc(out, '"');
        ok = ok && buf_addc(out, *p);
    }
    if (ok && quote)
        ok = buf_addc(out, '"');
    buf_free(&safe);
    return ok;
}

bool link_rows_csv_header(sk_buf *out)
{
    return buf_adds(out, "connection,identifier,account_id,state,link,expiry,message,error\n");
}

bool link_rows_csv(sk_buf *out, const sk_link_row *r)
{
    char exp[64] = "";
    if (r->expiry != SK_TIME_ABSENT)
        time_rfc3339(r->expiry, exp, sizeof exp);
    return bulk_csv_field(out, r->connection, true) && bulk_csv_field(out, r->identifier, false) &&
           bulk_csv_field(out, r->account_id, false) && bulk_csv_field(out, state_name(r->state), false) &&
           bulk_csv_field(out, r->link, false) && bulk_csv_field(out, exp, false) &&
           bulk_csv_field(out, r->message, false) && bulk_csv_field(out, r->error, false) &&
           buf_addc(out, '\n');
}
