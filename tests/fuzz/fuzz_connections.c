/* fuzz_connections.c: libFuzzer target for parse_connection_page, then the rows go into a
 * store as the listing does, and each connection reads back by name. */
#include <string.h>

#include "fuzz_common.h"
#include "parse.h"
#include "store.h"

static void check_connection(const sk_connection *c)
{
    const char *strs[] = { c->id, c->name, c->provider, c->type, c->status };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        FUZZ_CHECK(FUZZ_PRESENT_OK(strs[i]));
        fuzz_check_string(strs[i]);
    }
    fuzz_check_time(c->created_at);
}

static void check_store(const sk_connection_page *p)
{
    sk_store *s = store_new();
    FUZZ_CHECK(s != NULL);
    store_set_connections(s, p->rows, p->n);
    store_set_connections(s, p->rows, p->n);   /* a second refresh updates, never duplicates */
    size_t nc = store_connection_count(s);
    FUZZ_CHECK(nc <= p->n);
    for (size_t i = 0; i < nc; i++) {
        sk_conn_summary cs;
        store_connection(s, i, &cs);
        FUZZ_CHECK(cs.name != NULL);
        FUZZ_CHECK(store_connection_find(s, cs.name) == i);
        FUZZ_CHECK(cs.total == 0);
    }
    store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_connection_page p;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_connection_page((const char *)data, size, &p, &err);
    if (st != SK_OK) {
        FUZZ_CHECK(err.status == st);
        fuzz_check_error(&err);
        parse_connection_page_free(&p);
        return 0;
    }
    FUZZ_CHECK(p.n == 0 || p.rows != NULL);
    FUZZ_CHECK(p.total_size >= -1);
    fuzz_check_string(p.next_page_token);
    for (size_t i = 0; i < p.n; i++)
        check_connection(&p.rows[i]);
    check_store(&p);
    parse_connection_page_free(&p);
    return 0;
}
