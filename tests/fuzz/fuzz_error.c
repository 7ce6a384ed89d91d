/* fuzz_error.c: libFuzzer target for parse_error_body. The first two bytes pick the HTTP
 * status (so 401/404/429/5xx paths are all reached); the rest is the body. The status maps
 * as parse.h says and the message is always printable. */
#include "fuzz_common.h"
#include "parse_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long http = 100 + (long)(((unsigned)data[0] << 8 | data[1]) % 500);
    sk_error err;
    parse_error_body((const char *)data + 2, size - 2, http, &err);
    FUZZ_CHECK(err.http_status == http);
    if (http == 401)
        FUZZ_CHECK(err.status == SK_ERR_AUTH);
    else if (http == 404)
        FUZZ_CHECK(err.status == SK_ERR_NOT_FOUND);
    else
        FUZZ_CHECK(err.status == SK_ERR_API);
    FUZZ_CHECK(err.message[0] != '\0');
    fuzz_check_error(&err);
    return 0;
}
