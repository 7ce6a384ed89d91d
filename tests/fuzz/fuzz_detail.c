/* fuzz_detail.c: libFuzzer target for parse_account_detail (details, create, update answers).
 * Besides memory safety: scopes are present strings, api_config re-reads as a JSON object. */
#include <string.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "parse.h"

static void check_api_config(const char *js)
{
    if (!js)
        return;
    json_object *o = json_tokener_parse(js);
    FUZZ_CHECK(o != NULL && json_object_is_type(o, json_type_object));
    json_object_put(o);
    fuzz_check_string(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sk_detail_result r;
    sk_error err;
    sk_error_clear(&err);
    sk_status st = parse_account_detail((const char *)data, size, &r, &err);
    if (st != SK_OK) {
        FUZZ_CHECK(err.status == st);
        fuzz_check_error(&err);
        parse_account_detail_free(&r);
        return 0;
    }
    fuzz_check_account(&r.d.a);
    FUZZ_CHECK(r.d.n_scopes == 0 || r.d.scopes != NULL);
    for (size_t i = 0; i < r.d.n_scopes; i++) {
        FUZZ_CHECK(r.d.scopes[i] && FUZZ_PRESENT_OK(r.d.scopes[i]));
        fuzz_check_string(r.d.scopes[i]);
    }
    FUZZ_CHECK(FUZZ_PRESENT_OK(r.d.domain));
    fuzz_check_string(r.d.domain);
    check_api_config(r.d.api_config_json);
    parse_account_detail_free(&r);
    return 0;
}
