/* fuzz_emu_data.c: libFuzzer target for skemu's data file loader (emu_store_load_json, what
 * `skemu --data FILE` reads). What loads is then served: connections, list pages, a search and
 * the details of an account must all be answers skdash's parsers accept. */
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_emu_common.h"

/* Reads every page of every list the dashboard and CLI read, then one account each way. */
static const char script[] =
    "GET /api/v1/connections/app?page_size=30\nAuthorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts?page_size=2\nAuthorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts?page_size=2&page_token=2\nAuthorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts?page_size=99\nAuthorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts?connection_names=gmail&page_size=99\n"
    "Authorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts:search?query=exa&page_size=30\n"
    "Authorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts/details?id=ca_1\nAuthorization: Bearer @TOKEN@\n\n===\n"
    "GET /api/v1/connected_accounts/details?connector=gmail&identifier=a%40x.io\n"
    "Authorization: Bearer @TOKEN@\n\n===\n"
    "POST /api/v1/connected_accounts/magic_link\nAuthorization: Bearer @TOKEN@\n"
    "Content-Type: application/json\n\n{\"id\":\"ca_1\"}\n===\n"
    "POST /api/v1/connected_accounts:delete\nAuthorization: Bearer @TOKEN@\n"
    "Content-Type: application/json\n\n{\"id\":\"ca_1\"}\n===\n"
    "GET /api/v1/connected_accounts?page_size=99\nAuthorization: Bearer @TOKEN@\n\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emu_options o;
    fuzz_emu_options(&o);
    o.generate = 0;
    char err[256];
    emu *e = emu_new(&o, err, sizeof err);
    FUZZ_CHECK(e != NULL);
    /* Replace the generated store with the file's contents, as --data does. */
    emu_store_free(&e->store);
    emu_store_init(&e->store, o.seed);
    err[0] = '\0';
    int rc = emu_store_load_json(&e->store, (const char *)data, size, err, sizeof err);
    FUZZ_CHECK(strnlen(err, sizeof err) < sizeof err);
    if (rc == 0) {
        char token[160];
        emu_token_issue(e, token, sizeof token);
        fuzz_emu_script(e, script, script + sizeof script - 1, true, token);
    }
    emu_free(e);
    return 0;
}
