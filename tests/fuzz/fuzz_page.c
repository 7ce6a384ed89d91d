/* fuzz_page.c: libFuzzer target for parse_account_page (list and search answers), then the
 * page's rows go where the programs put them: the store, and a terminal after sanitizing. */
#include <string.h>

#include "fuzz_common.h"
#include "parse.h"
#include "store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_locale();
    return 0;
}

/* Every row with an id is in the store afterwards and reads back with the same id. */
static void check_store(const sk_account_page *p)
{
    sk_store *s = store_new();
    FUZZ_CHECK(s != NULL);
    store_begin_refresh(s);
    if (store_upsert(s, p->rows, p->n) == SK_OK) {
        FUZZ_CHECK(store_count(s) <= p->n);
        for (size_t i = 0; i < p->n; i++) {
            if (!p->rows[i].id || !p->rows[i].id[0])   /* see FUZZ_KNOWN_BUG_NUL_STRINGS */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_account_page p;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_account_page((const char *)data, size, &p, &err);
    if (st != SK_OK) {
        FUZZ_CHECK(err.status == st);
        fuzz_check_error(&err);
        account_page_free(&p);
        return 0;
    }
    FUZZ_CHECK(p.n == 0 || p.rows != NULL);
    FUZZ_CHECK(p.total_size >= -1);
    FUZZ_CHECK(FUZZ_PRESENT_OK(p.next_page_token));
    fuzz_check_string(p.next_page_token);
    for (size_t i = 0; i < p.n; i++)
        fuzz_check_account(&p.rows[i]);
    check_store(&p);
    account_page_free(&p);
    return 0;
}
