/* fuzz_link.c: libFuzzer target for parse_link (magic link answers): a parsed link always
 * has a non-empty link, and its expiry formats as a countdown. */
#include "fuzz_common.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_link_result r;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_link((const char *)data, size, &r, &err);
    if (st != SK_OK) {
        FUZZ_CHECK(err.status == st);
        fuzz_check_error(&err);
    } else {
        FUZZ_CHECK(r.l.link && FUZZ_PRESENT_OK(r.l.link));
        fuzz_check_string(r.l.link);
        fuzz_check_time(r.l.expiry);
    }
    parse_link_free(&r);
    return 0;
}
