/* fuzz_page.c: libFuzzer target for parse_account_page (list and search answers), then the
 * page's rows go where the programs put them: the store, and a terminal after sanitizing.
 * parse_account_page reads plain pages with its own one-pass reader: its result must equal
 * parse_account_page_dom's (json-c's tree) on every input, field by field, and so must
 * parse_account_page_owned's (the same reader in place). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parse.h"
#include "store.h"

/* Every row with an id is in the store afterwards and reads back with the same id. */
static void check_store(const sk_account_page *p)
{
    sk_store *s = store_new();
    FUZZ_CHECK(s != NULL);
    store_begin_refresh(s);
    if (store_upsert(s, p->rows, p->n) == SK_OK) {
        FUZZ_CHECK(store_count(s) <= p->n);
        for (size_t i = 0; i < p->n; i++) {
            if (!p->rows[i].id)   /* rows without an id are not stored */
                continue;
            sk_row r = store_find(s, p->rows[i].id);
            FUZZ_CHECK(r != SK_ROW_NONE && store_row_live(s, r));
            sk_account a;
            store_get(s, r, &a);
            FUZZ_CHECK(a.id && strcmp(a.id, p->rows[i].id) == 0);
            fuzz_check_account(&a);
        }
        size_t sum = 0;
        for (int st = 0; st < SK_STATE_COUNT; st++)
            sum += store_total(s, (sk_state)st);
        FUZZ_CHECK(sum == store_count(s));
        if (p->n && p->rows[0].id && p->rows[0].id[0])
            FUZZ_CHECK(store_remove(s, p->rows[0].id));
        store_sweep(s, NULL);
    }
    store_free(s);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_same_account(const sk_account *x, const sk_account *y)
{
    FUZZ_CHECK(same_str(x->id, y->id));
    FUZZ_CHECK(same_str(x->identifier, y->identifier));
    FUZZ_CHECK(same_str(x->connector, y->connector));
    FUZZ_CHECK(same_str(x->connection_id, y->connection_id));
    FUZZ_CHECK(same_str(x->provider, y->provider));
    FUZZ_CHECK(same_str(x->status, y->status));
    FUZZ_CHECK(same_str(x->authorization_type, y->authorization_type));
    FUZZ_CHECK(x->token_expires_at == y->token_expires_at);
    FUZZ_CHECK(x->updated_at == y->updated_at);
    FUZZ_CHECK(x->last_used_at == y->last_used_at);
    FUZZ_CHECK(x->state == y->state);
}

/* The fast reader and json-c's tree agree: same status, same rows, same page fields. */
static void check_same_as_dom(const uint8_t *data, size_t size, sk_status st,
                              const sk_account_page *p)
{
    sk_account_page d;
    sk_error err;
    sk_error_clear(&err);
    sk_status dst = parse_account_page_dom((const char *)data, size, &d, &err);
    FUZZ_CHECK(dst == st);
    if (st == SK_OK) {
        FUZZ_CHECK(d.n == p->n);
        FUZZ_CHECK(d.total_size == p->total_size);
        FUZZ_CHECK(same_str(d.next_page_token, p->next_page_token));
        for (size_t i = 0; i < p->n && i < d.n; i++)
            check_same_account(&p->rows[i], &d.rows[i]);
    }
    parse_account_page_free(&d);
}

/* The same read in place (parse_account_page_owned, the listing's way) agrees too: a body it
 * declines must reach json-c's reader as it came. */
static void check_owned(const uint8_t *data, size_t size)
{
    char *own = malloc(size + 1);
    FUZZ_CHECK(own != NULL);
    if (size)
        memcpy(own, data, size);
    own[size] = '\0';
    sk_account_page o;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_account_page_owned(own, size, &o, &err);
    check_same_as_dom(data, size, st, &o);
    parse_account_page_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_account_page p;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_account_page((const char *)data, size, &p, &err);
    check_same_as_dom(data, size, st, &p);
    check_owned(data, size);
    if (st != SK_OK) {
        FUZZ_CHECK(err.status == st);
        fuzz_check_error(&err);
        parse_account_page_free(&p);
        return 0;
    }
    FUZZ_CHECK(p.n == 0 || p.rows != NULL);
    FUZZ_CHECK(p.total_size >= -1);
    FUZZ_CHECK(FUZZ_PRESENT_OK(p.next_page_token));
    fuzz_check_string(p.next_page_token);
    for (size_t i = 0; i < p.n; i++)
        fuzz_check_account(&p.rows[i]);
    check_store(&p);
    parse_account_page_free(&p);
    return 0;
}
