/* cache_order: whether a cache file holds its accounts in the order the dashboard starts with
 * (identifier, case-insensitive, then id), so that its first sort is one pass. Used by
 * tests/e2e/tui_cache_writes.sh on the file the dashboard wrote.
 * Usage: cache_order FILE ENVIRONMENT_URL CLIENT_ID. Prints "N accounts in order" (exit 0) or
 * "N accounts, out of order from position K" (exit 1); 2 when the file cannot be loaded. */
#include <stdio.h>

#include "cache.h"
#include "store.h"
#include "view.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: cache_order FILE ENVIRONMENT_URL CLIENT_ID\n");
        return 2;
    }
    sk_store *s = store_new();
    sk_error err;
    sk_error_clear(&err);
    if (!s || cache_load_file(s, argv[1], argv[2], argv[3], NULL, &err) != SK_OK) {
        fprintf(stderr, "cache_order: %s\n", s ? err.message : "out of memory");
        store_free(s);
        return 2;
    }
    sk_view_spec spec;
    view_spec_init(&spec);
    sk_view v;
    view_init(&v);
    if (view_update(&v, s, &spec) != SK_OK) {
        fprintf(stderr, "cache_order: out of memory\n");
        view_free(&v);
        store_free(s);
        return 2;
    }
    /* A store loaded from a file holds its accounts in rows 0..n-1, in file order. */
    size_t k = 0;
    while (k < v.n && v.rows[k] == (sk_row)k)
        k++;
    int rc = k == v.n ? 0 : 1;
    if (rc == 0)
        printf("%zu accounts in order\n", v.n);
    else
        printf("%zu accounts, out of order from position %zu\n", v.n, k);
    view_free(&v);
    store_free(s);
    return rc;
}
