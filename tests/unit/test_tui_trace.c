/* test_tui_trace.c: how the dashboard reads the client's trace (a failed try and its short
 * cause, a good answer, anything else), the footer's live line (trouble, then a long wait),
 * and the client options the test knobs SKDASH_TIMEOUT(_MS) and SKDASH_TRIES set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../src/tui/tui_app.h"

static int classify(const char *line, char *out)
{
    out[0] = '\0';
    return trace_classify(line, out, 128);
}

static void test_classify_answers(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(classify("http: <- 503 GET http://h/api/v1/x 12 ms (try 1)", out), 1);
    assert_string_equal(out, "HTTP 503");
    assert_int_equal(classify("http: <- 429 GET http://h/api/v1/x 3 ms (try 2)", out), 1);
    assert_string_equal(out, "HTTP 429");
    assert_int_equal(classify("http: <- 500 POST http://h/oauth/token 1 ms (try 1)", out), 1);
    assert_string_equal(out, "HTTP 500");
    /* Good answers, and definite ones a retry would not change, are not trouble. */
    assert_int_equal(classify("http: <- 200 GET http://h/api/v1/x 2 ms (try 1)", out), 0);
    assert_int_equal(classify("http: <- 404 GET http://h/api/v1/x 2 ms (try 1)", out), 0);
    assert_int_equal(classify("http: <- 401 GET http://h/api/v1/x 2 ms (try 1)", out), 0);
}

static void test_classify_network(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(classify("http: <- error GET http://h/x 1000 ms (try 1): Operation timed "
                              "out after 1000 milliseconds with 0 bytes received", out), 1);
    assert_string_equal(out, "timed out");
    assert_int_equal(classify("http: <- error POST http://h/oauth/token 0 ms (try 5): Failed to "
                              "connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to "
                              "server", out), 1);
    assert_string_equal(out, "could not connect");
    assert_int_equal(classify("http: <- error GET http://h/x 5 ms (try 1): Recv failure: "
                              "Connection reset by peer", out), 1);
    assert_string_equal(out, "connection dropped");
    /* The message names the URL, and API paths hold "connected_accounts": not a connect. */
    assert_int_equal(classify("http: <- error POST http://h/api/v1/connected_accounts:delete 0 ms "
                              "(try 1): POST http://h/api/v1/connected_accounts:delete: Empty "
                              "reply from server (try 1)", out), 1);
    assert_string_equal(out, "connection dropped");
    assert_int_equal(classify("http: <- error GET http://h/api/v1/connected_accounts 3 ms (try 2): "
                              "GET http://h/api/v1/connected_accounts: Failed to connect to h port "
                              "443 after 3 ms: Connection refused (try 2)", out), 1);
    assert_string_equal(out, "could not connect");
    assert_int_equal(classify("http: <- error GET http://nosuch/api/v1/connected_accounts 3 ms "
                              "(try 1): Could not resolve host: nosuch (try 1)", out), 1);
    assert_string_equal(out, "could not resolve the host");
    assert_int_equal(classify("http: <- error GET http://h/x 5 ms (try 1): SSL certificate "
                              "problem", out), 1);
    assert_string_equal(out, "SSL certificate problem");
    assert_int_equal(classify("http: <- too large GET http://h/x 5 ms (try 1)", out), 1);
    assert_string_equal(out, "answer too large");
}

static void test_classify_other(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(classify("http: -> GET http://h/x (try 1) [Authorization: Bearer "
                              "<redacted>]", out), -1);
    assert_int_equal(classify("http: retry GET http://h/x in 200 ms", out), -1);
    assert_int_equal(classify("http: <- ", out), -1);
    assert_int_equal(classify("", out), -1);
    assert_int_equal(classify(NULL, out), -1);
    /* A hostile cause cannot overflow the footer's buffer. */
    char longline[2048] = "http: <- error GET http://h/x 1 ms (try 1): ";
    memset(longline + strlen(longline), 'A', 1500);
    char small[16];
    assert_int_equal(trace_classify(longline, small, sizeof small), 1);
    assert_int_equal(strlen(small), sizeof small - 1);
}

static void test_footer(void **state)
{
    (void)state;
    static tui_app a;
    memset(&a, 0, sizeof a);
    char out[160];
    bool err;
    trace_footer(&a, 100000, out, sizeof out, &err);
    assert_string_equal(out, "");            /* idle: nothing to say */
    a.busy_since_ms = 100000;
    trace_footer(&a, 100500, out, sizeof out, &err);
    assert_string_equal(out, "");            /* a short wait is normal */
    trace_footer(&a, 103200, out, sizeof out, &err);
    assert_non_null(strstr(out, "waiting for the server (no answer for 3 s)"));
    assert_false(err);
    a.last_answer_ms = 103000;               /* an answer resets the wait */
    trace_footer(&a, 103200, out, sizeof out, &err);
    assert_string_equal(out, "");
    strcpy(a.trouble, "HTTP 503");
    a.trouble_ms = 103100;
    trace_footer(&a, 103200, out, sizeof out, &err);
    assert_string_equal(out, "server trouble: HTTP 503; trying again");
    assert_true(err);
    trace_footer(&a, 103100 + TUI_TROUBLE_MS + 1, out, sizeof out, &err);
    assert_null(strstr(out, "trouble"));     /* an old failure is not shown forever */
    a.busy_since_ms = 0;                     /* and nothing once nothing is pending */
    trace_footer(&a, 103200, out, sizeof out, &err);
    assert_string_equal(out, "");
}

static void test_client_opts(void **state)
{
    (void)state;
    sk_client_opts d, o;
    client_opts_default(&d);
    unsetenv("SKDASH_TIMEOUT");
    unsetenv("SKDASH_TIMEOUT_MS");
    unsetenv("SKDASH_TRIES");
    trace_client_opts(&o);
    assert_int_equal(o.timeout_ms, d.timeout_ms);
    assert_int_equal(o.max_tries, d.max_tries);
    assert_true(o.debug);
    setenv("SKDASH_TIMEOUT", "3", 1);
    trace_client_opts(&o);
    assert_int_equal(o.timeout_ms, 3000);
    assert_true(o.connect_timeout_ms <= 3000);
    setenv("SKDASH_TIMEOUT_MS", "800", 1);
    setenv("SKDASH_TRIES", "1", 1);
    trace_client_opts(&o);
    assert_int_equal(o.timeout_ms, 800);
    assert_int_equal(o.connect_timeout_ms, 800);
    assert_int_equal(o.max_tries, 1);
    /* Nonsense is ignored, not half-used. */
    setenv("SKDASH_TIMEOUT", "soon", 1);
    setenv("SKDASH_TIMEOUT_MS", "-5", 1);
    setenv("SKDASH_TRIES", "0", 1);
    trace_client_opts(&o);
    assert_int_equal(o.timeout_ms, d.timeout_ms);
    assert_int_equal(o.max_tries, d.max_tries);
    unsetenv("SKDASH_TIMEOUT");
    unsetenv("SKDASH_TIMEOUT_MS");
    unsetenv("SKDASH_TRIES");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_answers),
        cmocka_unit_test(test_classify_network),
        cmocka_unit_test(test_classify_other),
        cmocka_unit_test(test_footer),
        cmocka_unit_test(test_client_opts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
