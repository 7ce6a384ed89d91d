/* test_verify.c: verify.h against a real skemu: a clean delete, a delete answered 404 and read
 * back, and deletes and links still in flight when the client is freed (the read-back cannot
 * be queued then): each callback runs exactly once, with an UNKNOWN outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "verify.h"
#include "../support/skemu_proc.h"

typedef struct fx {
    skemu_proc p;
    bool running;
    sk_config cfg;
    sk_client *c;
    char data[64];
} fx;

static const char DATA[] =
    "{\"connections\":[{\"id\":\"conn_1\",\"key_id\":\"gmail\"}],\"connected_accounts\":["
    "{\"id\":\"ca_v1\",\"identifier\":\"one@example.com\",\"connector\":\"gmail\",\"status\":\"ACTIVE\"},"
    "{\"id\":\"ca_v2\",\"identifier\":\"two@example.com\",\"connector\":\"gmail\",\"status\":\"PENDING\"}]}";

static void fx_start(fx *f, const char *latency)
{
    memset(f, 0, sizeof *f);
    snprintf(f->data, sizeof f->data, "/tmp/skdash-verify-XXXXXX");
    int fd = mkstemp(f->data);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, DATA, sizeof DATA - 1), (ssize_t)(sizeof DATA - 1));
    close(fd);
    const char *args[] = { "--data", f->data, "--quiet", latency ? "--latency-ms" : NULL, latency, NULL };
    if (skemu_start(&f->p, args) != 0)
        fail_msg("skemu did not start (SKEMU_BIN=%s)", getenv("SKEMU_BIN") ? getenv("SKEMU_BIN") : "");
    f->running = true;
    snprintf(f->cfg.environment_url, sizeof f->cfg.environment_url, "%s", f->p.url);
    snprintf(f->cfg.client_id, sizeof f->cfg.client_id, "%s", SKEMU_DEMO_CLIENT_ID);
    f->cfg.client_secret = strdup(SKEMU_DEMO_CLIENT_SECRET);
    sk_client_opts o;
    client_opts_default(&o);
    sk_error err;
    f->c = client_new(&f->cfg, &o, &err);
    if (!f->c)
        fail_msg("client_new: %s", err.message);
}

static void fx_stop(fx *f)
{
    client_free(f->c);
    f->c = NULL;
    free(f->cfg.client_secret);
    unlink(f->data);
    if (f->running)
        assert_int_equal(skemu_stop(&f->p), 0);
}

/* Lets the requests get going (token, then the request itself) without finishing them. */
static void step_for(sk_client *c, int ms)
{
    for (int waited = 0; waited < ms; waited += 20) {
        client_wait(c, NULL, 0, 20);
        client_step(c);
    }
}

typedef struct seen {
    int calls;
    sk_delete_outcome d;
    sk_link_outcome l;
    bool had_link;
} seen;

static void on_delete(void *ud, const sk_delete_outcome *o)
{
    seen *s = ud;
    s->calls++;
    s->d = *o;
}

static void on_link(void *ud, const sk_link_outcome *o)
{
    seen *s = ud;
    s->calls++;
    s->l = *o;
    s->had_link = o->link != NULL;
    s->l.link = NULL;   /* valid during the callback only */
}

static void test_delete_clean_then_404_checked(void **state)
{
    (void)state;
    fx f;
    fx_start(&f, NULL);
    sk_delete_outcome o;
    verify_delete_sync(f.c, "ca_v1", &o);
    char res[640];
    assert_int_equal(o.outcome, SK_OUTCOME_DONE);
    assert_false(o.checked);
    assert_int_equal(o.how, SK_CONFIRM_ANSWER);
    assert_int_equal(o.err.status, SK_OK);
    assert_string_equal(o.account, "ca_v1");
    verify_delete_journal(&o, res, sizeof res);
    assert_string_equal(res, "ok");
    /* Again: answered 404, read back (also 404): done, and said so. */
    verify_delete_sync(f.c, "ca_v1", &o);
    assert_int_equal(o.outcome, SK_OUTCOME_DONE);
    assert_true(o.checked);
    assert_int_equal(o.how, SK_CONFIRM_READ_BACK_404);
    assert_int_equal(o.err.status, SK_ERR_NOT_FOUND);
    verify_delete_journal(&o, res, sizeof res);
    assert_string_equal(res, "ok: answered not found, confirmed gone");
    fx_stop(&f);
}

static void test_delete_in_flight_at_free(void **state)
{
    (void)state;
    fx f;
    fx_start(&f, "1500");
    seen s = { 0 };
    verify_delete(f.c, "ca_v2", on_delete, &s);
    step_for(f.c, 200);
    assert_int_equal(s.calls, 0);
    /* The delete is cancelled (its answer is lost), and the read-back cannot be queued while
     * the client is closing: the callback still runs, once, and says UNKNOWN. */
    client_free(f.c);
    f.c = NULL;
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.d.outcome, SK_OUTCOME_UNKNOWN);
    assert_true(s.d.checked);
    assert_int_equal(s.d.err.status, SK_ERR_CANCELLED);
    assert_int_not_equal(s.d.check_err.status, SK_OK);
    assert_int_equal(s.d.how, SK_CONFIRM_CHECK_FAILED);
    char res[640];
    verify_delete_journal(&s.d, res, sizeof res);
    assert_true(strncmp(res, "unknown: answer lost (", 22) == 0);
    assert_non_null(strstr(res, "); check failed ("));
    fx_stop(&f);
}

static void test_link_in_flight_at_free(void **state)
{
    (void)state;
    fx f;
    fx_start(&f, "1500");
    seen s = { 0 };
    sk_selector sel = { .id = "ca_v2" };
    verify_link(f.c, &sel, on_link, &s);
    step_for(f.c, 200);
    assert_int_equal(s.calls, 0);
    client_free(f.c);
    f.c = NULL;
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.l.outcome, SK_OUTCOME_UNKNOWN);
    assert_false(s.had_link);
    assert_true(s.l.checked);
    assert_false(s.l.account_found);
    assert_false(s.l.account_gone);
    assert_int_equal(s.l.how, SK_CONFIRM_CHECK_FAILED);
    char res[640];
    verify_link_journal(&s.l, res, sizeof res);
    assert_true(strncmp(res, "unknown: no link received (", 27) == 0);
    assert_non_null(strstr(res, "); check failed ("));
    fx_stop(&f);
}

/* Several in flight at once: every one is told exactly once. */
static void test_many_in_flight_at_free(void **state)
{
    (void)state;
    fx f;
    fx_start(&f, "1500");
    seen d[4] = { 0 }, l[4] = { 0 };
    sk_selector sel = { .id = "ca_v1" };
    for (int i = 0; i < 4; i++) {
        verify_delete(f.c, i % 2 ? "ca_v1" : "ca_v2", on_delete, &d[i]);
        verify_link(f.c, &sel, on_link, &l[i]);
    }
    step_for(f.c, 100);
    client_free(f.c);
    f.c = NULL;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(d[i].calls, 1);
        assert_int_equal(l[i].calls, 1);
        assert_int_equal(d[i].d.outcome, SK_OUTCOME_UNKNOWN);
        assert_int_equal(l[i].l.outcome, SK_OUTCOME_UNKNOWN);
    }
    fx_stop(&f);
}

/* The journal's result strings are a file format: one core function makes each from the
 * outcome's values, the same for both front ends. */
static void test_journal_results(void **state)
{
    (void)state;
    char res[640];
    sk_delete_outcome d;
    memset(&d, 0, sizeof d);
    sk_error_clear(&d.err);
    sk_error_clear(&d.check_err);
    d.outcome = SK_OUTCOME_DONE;
    d.how = SK_CONFIRM_READ_BACK;
    sk_error_set(&d.err, SK_ERR_NETWORK, "timed out");
    verify_delete_journal(&d, res, sizeof res);
    assert_string_equal(res, "ok: confirmed gone after the answer was lost: timed out");
    d.outcome = SK_OUTCOME_NOT_DONE;
    verify_delete_journal(&d, res, sizeof res);
    assert_string_equal(res, "failed: timed out (still there)");
    d.how = SK_CONFIRM_ANSWER;
    sk_error_set(&d.err, SK_ERR_API, "permission denied");
    verify_delete_journal(&d, res, sizeof res);
    assert_string_equal(res, "failed: permission denied");
    d.outcome = SK_OUTCOME_UNKNOWN;
    d.how = SK_CONFIRM_CHECK_FAILED;
    sk_error_set(&d.err, SK_ERR_NETWORK, "timed out");
    d.check_err.status = SK_ERR_NETWORK;   /* no message: the status's name stands in */
    verify_delete_journal(&d, res, sizeof res);
    assert_string_equal(res, "unknown: answer lost (timed out); check failed (network)");

    sk_link_outcome l;
    memset(&l, 0, sizeof l);
    sk_error_clear(&l.err);
    sk_error_clear(&l.check_err);
    l.outcome = SK_OUTCOME_DONE;
    verify_link_journal(&l, res, sizeof res);
    assert_string_equal(res, "ok");
    l.outcome = SK_OUTCOME_UNKNOWN;
    l.how = SK_CONFIRM_READ_BACK;
    l.checked = l.account_found = true;
    l.state = SK_STATE_PENDING;
    snprintf(l.status, sizeof l.status, "PENDING_AUTH");
    sk_error_set(&l.err, SK_ERR_NETWORK, "connection reset");
    verify_link_journal(&l, res, sizeof res);
    assert_string_equal(res, "unknown: no link received (connection reset); account PENDING "
                             "(PENDING_AUTH)");
    l.account_found = false;
    l.account_gone = true;
    verify_link_journal(&l, res, sizeof res);
    assert_string_equal(res, "unknown: no link received (connection reset); account gone");
    l.outcome = SK_OUTCOME_NOT_DONE;
    l.how = SK_CONFIRM_ANSWER;
    l.checked = l.account_gone = false;
    sk_error_set(&l.err, SK_ERR_API, "permission denied");
    verify_link_journal(&l, res, sizeof res);
    assert_string_equal(res, "failed: permission denied");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_results),
        cmocka_unit_test(test_delete_clean_then_404_checked),
        cmocka_unit_test(test_delete_in_flight_at_free),
        cmocka_unit_test(test_link_in_flight_at_free),
        cmocka_unit_test(test_many_in_flight_at_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
