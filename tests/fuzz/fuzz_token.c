/* fuzz_token.c: libFuzzer target for parse_token, the OAuth client-credentials answer.
 * A token that parses has a non-empty access token and a token type; errors print safely. */
#include <string.h>

#include "fuzz_common.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_token t;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_token((const char *)data, size, &t, &err);
    if (st == SK_OK) {
        FUZZ_CHECK(t.access_token && FUZZ_PRESENT_OK(t.access_token));
        FUZZ_CHECK(t.token_type != NULL);
        FUZZ_CHECK(t.expires_in >= 0);
        fuzz_check_string(t.token_type);
    } else {
        FUZZ_CHECK(err.status == st);
        FUZZ_CHECK(t.access_token == NULL);
        fuzz_check_error(&err);
    }
    parse_token_free(&t);
    FUZZ_CHECK(t.access_token == NULL && t.token_type == NULL);
    return 0;
}
