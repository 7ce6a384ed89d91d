/* test_view.c: filters (text, state, connection, attention), the '/' token syntax, every sort
 * key in both directions with absent timestamps last, tie order, and view_find. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view.h"

typedef struct fixture_row {
    const char *id, *ident, *conn, *status;
    int64_t expires, last_used, updated;
} fixture_row;

#define A SK_TIME_ABSENT
static const fixture_row fixture[] = {
    { "ca_01", "alice@example.com", "gmail", "ACTIVE", 1000, 500, 100 },
    { "ca_02", "Bob@Example.com", "gmail", "EXPIRED", 900, A, 200 },
    { "ca_03", "carol", "slack", "PENDING_VERIFICATION", A, 700, 300 },
    { "ca_04", "dave", "slack", "DISCONNECTED", 1100, 100, A },
    { "ca_05", "erin", "github", "WEIRD_NEW_VALUE", A, A, 50 },
    { "ca_06", "frank", "github", "ACTIVE", 800, 900, 400 },
    { "ca_07", "alice@example.com", "slack", "ACTIVE", 1000, 500, 100 },   /* ties with ca_01 */
    { "ca_08", "ALICE@example.com", "github", "PENDING_AUTH", 1000, 500, 100 },
    { "ca_09", "\xe5\xb1\xb1\xe7\x94\xb0", "gmail", "ERROR", 950, 50, 250 },  /* 山田 */
    { "ca_gmail_10", "zed", "notion", "ACTIVE", A, A, A },
};
#define NF (sizeof fixture / sizeof fixture[0])

static sk_store *make_store(void)
{
    sk_store *s = store_new();
    assert_non_null(s);
    for (size_t i = 0; i < NF; i++) {
        sk_account a;
        memset(&a, 0, sizeof a);
        a.id = fixture[i].id;
        a.identifier = fixture[i].ident;
        a.connector = fixture[i].conn;
        a.status = fixture[i].status;
        a.state = state_from_wire(a.status);
        a.token_expires_at = fixture[i].expires;
        a.last_used_at = fixture[i].last_used;
        a.updated_at = fixture[i].updated;
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    }
    return s;
}

/* The ids shown, joined by ',' (so a whole expected list reads in one line). */
static void shown(const sk_view *v, const sk_store *s, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < v->n; i++) {
        sk_account a;
        store_get(s, v->rows[i], &a);
        if (i)
            strncat(out, ",", n - strlen(out) - 1);
        strncat(out, strrchr(a.id, '_') + 1, n - strlen(out) - 1);   /* "ca_07" -> "07" */
    }
}

static void run(const sk_store *s, const sk_view_spec *sp, const char *expect)
{
    sk_view v;
    view_init(&v);
    assert_int_equal(view_update(&v, s, sp), SK_OK);
    char got[512];
    shown(&v, s, got, sizeof got);
    assert_string_equal(got, expect);
    view_free(&v);
}

/* A saved view with a predicate beyond states: identifiers of odd length. */
static bool odd_match(const sk_account *a, int64_t now)
{
    (void)now;
    return a->identifier && strlen(a->identifier) % 2 == 1;
}
static const sk_saved_view odd_view = { "odd", "Odd", SK_ALL_STATES, odd_match, true };

static void test_text_filter(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view_spec sp;
    view_spec_init(&sp);
    strcpy(sp.text, "ALICE");            /* case-insensitive on the identifier */
    run(s, &sp, "08,01,07");
    strcpy(sp.text, "example.COM");
    run(s, &sp, "08,01,07,02");
    strcpy(sp.text, "ca_0");             /* the id */
    run(s, &sp, "08,01,07,02,03,04,05,06,09");
    strcpy(sp.text, "GitHub");           /* the connection name */
    run(s, &sp, "08,05,06");
    strcpy(sp.text, "gmail");            /* connection, and an id that contains it */
    run(s, &sp, "01,02,10,09");
    strcpy(sp.text, "\xe5\xb1\xb1");     /* UTF-8 bytes compared as they are */
    run(s, &sp, "09");
    strcpy(sp.text, "nobody");
    run(s, &sp, "");
    store_free(s);
}

static void test_state_conn_attention(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view_spec sp;
    view_spec_init(&sp);
    sp.state_mask = 1u << SK_STATE_PENDING;
    run(s, &sp, "08,03");
    sp.state_mask = (1u << SK_STATE_ERROR) | (1u << SK_STATE_REVOKED);
    run(s, &sp, "04,05,09");
    sp.state_mask = SK_ALL_STATES;
    strcpy(sp.connections[0], "slack");
    sp.n_connections = 1;
    run(s, &sp, "07,03,04");
    strcpy(sp.connections[1], "notion");
    sp.n_connections = 2;
    run(s, &sp, "07,03,04,10");
    strcpy(sp.connections[0], "SLACK");  /* connection names are exact */
    sp.n_connections = 1;
    run(s, &sp, "");
    sp.n_connections = 0;
    sp.saved = saved_view_find("attention");
    assert_non_null(sp.saved);
    run(s, &sp, "08,02,03,04,05,09");
    strcpy(sp.text, "E");                /* everything combines */
    sp.state_mask = ~(1u << SK_STATE_PENDING) & SK_ALL_STATES;
    run(s, &sp, "02,04,05");
    store_free(s);
}

/* The registry: found by key in any case; counts per state agree with a scan of the view. */
static void test_saved_views(void **st)
{
    (void)st;
    sk_store *s = make_store();
    size_t n;
    const sk_saved_view *all = saved_views(&n);
    assert_true(n >= 2);
    assert_ptr_equal(saved_view_find("ALL"), &all[0]);
    assert_null(saved_view_find("nope"));
    const sk_saved_view *views[] = { &all[0], saved_view_find("attention"), &odd_view };
    for (size_t k = 0; k < 3; k++) {
        size_t count[SK_STATE_COUNT];
        size_t total = saved_view_counts(views[k], s, 0, count);
        sk_view_spec sp;
        view_spec_init(&sp);
        sp.saved = views[k];
        sk_view v;
        view_init(&v);
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_int_equal(total, v.n);
        size_t seen[SK_STATE_COUNT] = { 0 };
        for (size_t i = 0; i < v.n; i++) {
            sk_account a;
            store_get(s, v.rows[i], &a);
            seen[a.state]++;
        }
        for (int st2 = 0; st2 < SK_STATE_COUNT; st2++)
            assert_int_equal(seen[st2], count[st2]);
        view_free(&v);
    }
    size_t count[SK_STATE_COUNT];
    assert_int_equal(saved_view_counts(saved_view_find("attention"), s, 0, count), 6);
    assert_int_equal(count[SK_STATE_ACTIVE], 0);
    store_free(s);
}

static void test_spec_parse(void **st)
{
    (void)st;
    sk_view_spec sp;
    view_spec_init(&sp);
    char msg[128];
    assert_true(view_spec_parse(&sp, "  state:expired  conn:gmail  foo   bar ", SK_ALL_STATES, msg, sizeof msg));
    assert_string_equal(sp.text, "foo bar");
    assert_int_equal(sp.state_mask, 1u << SK_STATE_EXPIRED);
    assert_int_equal(sp.n_connections, 1);
    assert_string_equal(sp.connections[0], "gmail");

    assert_true(view_spec_parse(&sp, "STATE:Pending State:ERROR Conn:Slack conn:gmail", SK_ALL_STATES, msg, sizeof msg));
    assert_string_equal(sp.text, "");
    assert_int_equal(sp.state_mask, (1u << SK_STATE_PENDING) | (1u << SK_STATE_ERROR));
    assert_int_equal(sp.n_connections, 2);
    assert_string_equal(sp.connections[0], "Slack");   /* value kept exact */
    assert_string_equal(sp.connections[1], "gmail");

    /* Tokens are AND-ed with the base mask; no state token gives the base mask. */
    unsigned base = (1u << SK_STATE_EXPIRED) | (1u << SK_STATE_ERROR);
    assert_true(view_spec_parse(&sp, "state:expired state:active", base, msg, sizeof msg));
    assert_int_equal(sp.state_mask, 1u << SK_STATE_EXPIRED);
    assert_true(view_spec_parse(&sp, "hello", base, msg, sizeof msg));
    assert_int_equal(sp.state_mask, base);
    assert_string_equal(sp.text, "hello");
    assert_int_equal(sp.n_connections, 0);

    /* An unknown state fails with a message and leaves the spec as it was. */
    sp.sort = SK_SORT_UPDATED;
    assert_false(view_spec_parse(&sp, "x state:sleepy", SK_ALL_STATES, msg, sizeof msg));
    assert_non_null(strstr(msg, "sleepy"));
    assert_string_equal(sp.text, "hello");
    assert_int_equal(sp.state_mask, base);
    assert_false(view_spec_parse(&sp, "state:", SK_ALL_STATES, msg, sizeof msg));
    assert_int_equal(sp.sort, SK_SORT_UPDATED);

    /* Free text too long for the filter is cut, not overflowed. */
    char big[1000];
    memset(big, 'w', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_true(view_spec_parse(&sp, big, SK_ALL_STATES, msg, sizeof msg));
    assert_int_equal(strlen(sp.text), SK_FILTER_MAX - 1);
    assert_true(view_spec_parse(&sp, "", SK_ALL_STATES, NULL, 0));
    assert_string_equal(sp.text, "");
}

/* Comma lists (issue #13): `state:revoked,expired` is either, `conn:gmail,slack` either; a
 * half-typed or unreadable list is refused whole (nothing of it applies) and says why; what
 * applies is said in words. */
static void test_spec_comma_lists(void **st)
{
    (void)st;
    sk_view_spec sp;
    view_spec_init(&sp);
    char msg[128], said[256];
    assert_true(view_spec_parse(&sp, "state:revoked,expired conn:gmail,slack ana", SK_ALL_STATES,
                                msg, sizeof msg));
    assert_int_equal(sp.state_mask, (1u << SK_STATE_REVOKED) | (1u << SK_STATE_EXPIRED));
    assert_int_equal(sp.n_connections, 2);
    assert_string_equal(sp.connections[0], "gmail");
    assert_string_equal(sp.connections[1], "slack");
    assert_string_equal(sp.text, "ana");
    view_spec_describe(&sp, SK_ALL_STATES, said, sizeof said);
    assert_string_equal(said, "state EXPIRED or REVOKED, conn gmail or slack, text \"ana\"");

    /* Refused whole: the spec keeps the last good filter. */
    const char *bad[] = { "state:revoked,", "state:,expired", "state:revoked,,expired",
                          "state:revoked,sleepy", "conn:gmail,", "conn:", "state:" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msg[0] = '\0';
        assert_false(view_spec_parse(&sp, bad[i], SK_ALL_STATES, msg, sizeof msg));
        assert_true(msg[0] != '\0');
        assert_int_equal(sp.state_mask, (1u << SK_STATE_REVOKED) | (1u << SK_STATE_EXPIRED));
        assert_int_equal(sp.n_connections, 2);
        assert_string_equal(sp.text, "ana");
    }
    assert_false(view_spec_parse(&sp, "state:revoked,sleepy", SK_ALL_STATES, msg, sizeof msg));
    assert_non_null(strstr(msg, "\"sleepy\""));
    assert_false(view_spec_parse(&sp, "state:revoked,", SK_ALL_STATES, msg, sizeof msg));
    assert_non_null(strstr(msg, "missing"));

    /* More connections than the spec holds: refused, not cut. */
    char many[512] = "conn:";
    for (int i = 0; i <= SK_VIEW_MAX_CONNS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%sc%d", i ? "," : "", i);
    assert_false(view_spec_parse(&sp, many, SK_ALL_STATES, msg, sizeof msg));

    /* The description: states outside the view's base are not claimed. */
    unsigned base = (1u << SK_STATE_EXPIRED) | (1u << SK_STATE_ERROR);
    assert_true(view_spec_parse(&sp, "state:active", base, msg, sizeof msg));
    view_spec_describe(&sp, base, said, sizeof said);
    assert_non_null(strstr(said, "none"));
    assert_true(view_spec_parse(&sp, "", SK_ALL_STATES, msg, sizeof msg));
    view_spec_describe(&sp, SK_ALL_STATES, said, sizeof said);
    assert_string_equal(said, "everything");
    char tiny[8];
    assert_true(view_spec_parse(&sp, "conn:gmail,slack,notion", SK_ALL_STATES, msg, sizeof msg));
    view_spec_describe(&sp, SK_ALL_STATES, tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
}

static void test_sort_identifier(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view_spec sp;
    view_spec_init(&sp);
    /* Case-insensitive; equal identifiers by id; "ALICE" ties "alice" case-insensitively and
     * is then ordered by bytes (upper case first). UTF-8 after ASCII. */
    run(s, &sp, "08,01,07,02,03,04,05,06,10,09");
    sp.reverse = true;
    run(s, &sp, "09,10,06,05,04,03,02,01,07,08");
    store_free(s);
}

static void test_sort_state(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view_spec sp;
    view_spec_init(&sp);
    sp.sort = SK_SORT_STATE;
    /* Trouble first: ERROR, EXPIRED, REVOKED, PENDING, ACTIVE; ties by identifier. */
    run(s, &sp, "05,09,02,04,08,03,01,07,06,10");
    sp.reverse = true;
    run(s, &sp, "01,07,06,10,08,03,04,02,05,09");
    store_free(s);
}

static void test_sort_timestamps(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view_spec sp;
    view_spec_init(&sp);
    sp.sort = SK_SORT_TOKEN_EXPIRY;
    run(s, &sp, "06,02,09,08,01,07,04,03,05,10");
    sp.reverse = true;                  /* absent still last; ties still by identifier */
    run(s, &sp, "04,08,01,07,09,02,06,03,05,10");
    sp.sort = SK_SORT_LAST_USED;
    sp.reverse = false;
    run(s, &sp, "09,04,08,01,07,03,06,02,05,10");
    sp.reverse = true;
    run(s, &sp, "06,03,08,01,07,04,09,02,05,10");
    sp.sort = SK_SORT_UPDATED;
    sp.reverse = false;
    run(s, &sp, "05,08,01,07,02,09,03,06,04,10");
    sp.reverse = true;
    run(s, &sp, "06,03,09,02,08,01,07,05,04,10");
    store_free(s);
}

/* Many rows: the order holds between every neighbour, for every key and direction. */
static void test_sort_invariants_large(void **st)
{
    (void)st;
    sk_store *s = store_new();
    enum { N = 5000 };
    static const char *const sts[] = { "ACTIVE", "EXPIRED", "PENDING_AUTH", "DISCONNECTED", "X" };
    char id[32], ident[32];
    srand(7);
    for (int i = 0; i < N; i++) {
        sk_account a;
        memset(&a, 0, sizeof a);
        snprintf(id, sizeof id, "ca_%05d", i);
        snprintf(ident, sizeof ident, "%cuser%d", "aAbB"[rand() % 4], rand() % 300);
        a.id = id;
        a.identifier = ident;
        a.connector = i % 2 ? "gmail" : "slack";
        a.status = sts[rand() % 5];
        a.token_expires_at = rand() % 5 ? (int64_t)(rand() % 100) : SK_TIME_ABSENT;
        a.last_used_at = rand() % 3 ? (int64_t)(rand() % 100) : SK_TIME_ABSENT;
        a.updated_at = (int64_t)(rand() % 100);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    }
    static const int rank[SK_STATE_COUNT] = { [SK_STATE_ERROR] = 0, [SK_STATE_EXPIRED] = 1,
        [SK_STATE_REVOKED] = 2, [SK_STATE_PENDING] = 3, [SK_STATE_ACTIVE] = 4 };
    sk_view v;
    view_init(&v);
    for (int k = 0; k < SK_SORT_COUNT; k++) {
        for (int rev = 0; rev < 2; rev++) {
            sk_view_spec sp;
            view_spec_init(&sp);
            sp.sort = (sk_sort_key)k;
            sp.reverse = rev;
            assert_int_equal(view_update(&v, s, &sp), SK_OK);
            assert_int_equal(v.n, N);
            for (size_t i = 1; i < v.n; i++) {
                sk_account a, b;
                store_get(s, v.rows[i - 1], &a);
                store_get(s, v.rows[i], &b);
                int64_t ka = 0, kb = 0;
                if (k == SK_SORT_STATE) { ka = rank[a.state]; kb = rank[b.state]; }
                if (k == SK_SORT_TOKEN_EXPIRY) { ka = a.token_expires_at; kb = b.token_expires_at; }
                if (k == SK_SORT_LAST_USED) { ka = a.last_used_at; kb = b.last_used_at; }
                if (k == SK_SORT_UPDATED) { ka = a.updated_at; kb = b.updated_at; }
                if (k != SK_SORT_STATE && k != SK_SORT_IDENTIFIER) {
                    if (ka == SK_TIME_ABSENT) {   /* absent: only absent may follow */
                        assert_int_equal(kb, SK_TIME_ABSENT);
                        ka = kb = 0;
                    } else if (kb == SK_TIME_ABSENT) {
                        continue;
                    }
                }
                if (ka != kb) {
                    assert_true(rev ? ka > kb : ka < kb);
                    continue;
                }
                int c = strcasecmp(a.identifier, b.identifier);
                if (k == SK_SORT_IDENTIFIER && rev)
                    c = -c;
                assert_true(c <= 0);
                if (c == 0 && strcmp(a.identifier, b.identifier) == 0)
                    assert_true(strcmp(a.id, b.id) < 0);
            }
        }
    }
    view_free(&v);
    store_free(s);
}

static void test_view_find_after_resort(void **st)
{
    (void)st;
    sk_store *s = make_store();
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    size_t before = view_find(&v, s, "ca_04");
    assert_int_equal(before, 5);
    sp.sort = SK_SORT_STATE;
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    size_t after = view_find(&v, s, "ca_04");
    assert_int_equal(after, 3);
    sk_account a;
    store_get(s, v.rows[after], &a);
    assert_string_equal(a.id, "ca_04");

    /* Filtered out or removed: not found. */
    strcpy(sp.text, "alice");
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(view_find(&v, s, "ca_04"), (size_t)-1);
    assert_int_equal(view_find(&v, s, "ca_nope"), (size_t)-1);
    assert_true(store_remove(s, "ca_07"));
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(view_find(&v, s, "ca_07"), (size_t)-1);
    assert_int_equal(v.n, 2);

    /* A status change moves the account in a state-sorted view; view_find follows it. */
    sp.text[0] = '\0';
    assert_true(store_set_status(s, "ca_06", "EXPIRED"));
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(view_find(&v, s, "ca_06"), 3);
    /* view_find_near finds what view_find finds, from any hint (past the end included). */
    static const char *const ids[] = { "ca_01", "ca_03", "ca_06", "ca_09", "ca_gmail_10", "ca_07", "ca_nope" };
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
        for (size_t hint = 0; hint < v.n + 3; hint++)
            assert_int_equal(view_find_near(&v, s, ids[k], hint), view_find(&v, s, ids[k]));
    sk_view empty;
    view_init(&empty);
    assert_int_equal(view_find_near(&empty, s, "ca_01", 0), (size_t)-1);
    view_free(&v);
    store_free(s);
}

static void test_sort_names(void **st)
{
    (void)st;
    assert_string_equal(sort_key_name(SK_SORT_IDENTIFIER), "identifier");
    assert_string_equal(sort_key_name(SK_SORT_STATE), "state");
    assert_string_equal(sort_key_name(SK_SORT_TOKEN_EXPIRY), "token expiry");
    assert_string_equal(sort_key_name(SK_SORT_LAST_USED), "last used");
    assert_string_equal(sort_key_name(SK_SORT_UPDATED), "updated");
}

/* ---------------------------------------------------------------- incremental == full rebuild */

/* An independent reference: filter and sort every live row the plain way (view.h's rules). */
static const sk_view_spec *ref_spec;
static const sk_store *ref_store;

static int ref_fold(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static bool ref_contains(const char *hay, const char *needle)
{
    if (!*needle)
        return true;
    for (const char *h = hay ? hay : ""; *h; h++) {
        size_t i = 0;
        while (needle[i] && h[i] && ref_fold((unsigned char)h[i]) == ref_fold((unsigned char)needle[i]))
            i++;
        if (!needle[i])
            return true;
    }
    return false;
}

static bool ref_keep(const sk_view_spec *sp, const sk_account *a)
{
    if (!(sp->state_mask & (1u << a->state)) || (sp->saved && !saved_view_keeps(sp->saved, a, 0)))
        return false;
    bool conn = sp->n_connections == 0;
    for (size_t i = 0; i < sp->n_connections; i++)
        conn = conn || (a->connector && strcmp(a->connector, sp->connections[i]) == 0);
    return conn && (ref_contains(a->identifier, sp->text) || ref_contains(a->id, sp->text) ||
                    ref_contains(a->connector, sp->text));
}

static int ref_ident(const char *x, const char *y)
{
    x = x ? x : "";
    y = y ? y : "";
    size_t i = 0;
    while (x[i] && ref_fold((unsigned char)x[i]) == ref_fold((unsigned char)y[i]))
        i++;
    int c = ref_fold((unsigned char)x[i]) - ref_fold((unsigned char)y[i]);
    return c ? c : strcmp(x, y);
}

static int ref_cmp(const void *pa, const void *pb)
{
    static const int rank[SK_STATE_COUNT] = { [SK_STATE_ERROR] = 0, [SK_STATE_EXPIRED] = 1,
        [SK_STATE_REVOKED] = 2, [SK_STATE_PENDING] = 3, [SK_STATE_ACTIVE] = 4 };
    sk_account a, b;
    store_get(ref_store, *(const sk_row *)pa, &a);
    store_get(ref_store, *(const sk_row *)pb, &b);
    const sk_view_spec *sp = ref_spec;
    int64_t x = 0, y = 0;
    switch (sp->sort) {
    case SK_SORT_STATE: x = rank[a.state]; y = rank[b.state]; break;
    case SK_SORT_TOKEN_EXPIRY: x = a.token_expires_at; y = b.token_expires_at; break;
    case SK_SORT_LAST_USED: x = a.last_used_at; y = b.last_used_at; break;
    case SK_SORT_UPDATED: x = a.updated_at; y = b.updated_at; break;
    default: break;
    }
    if ((x == SK_TIME_ABSENT) != (y == SK_TIME_ABSENT))
        return x == SK_TIME_ABSENT ? 1 : -1;
    if (x != y)
        return (x < y ? -1 : 1) * (sp->reverse ? -1 : 1);
    int c = ref_ident(a.identifier, b.identifier);
    if (c)
        return (c < 0 ? -1 : 1) * (sp->sort == SK_SORT_IDENTIFIER && sp->reverse ? -1 : 1);
    return strcmp(a.id, b.id);
}

static void assert_same_as_reference(const sk_view *v, const sk_store *s, const sk_view_spec *sp)
{
    sk_row *want = malloc((store_row_limit(s) + 1) * sizeof *want);
    assert_non_null(want);
    size_t n = 0;
    for (sk_row r = 0; r < store_row_limit(s); r++) {
        sk_account a;
        if (!store_row_live(s, r))
            continue;
        store_get(s, r, &a);
        if (ref_keep(sp, &a))
            want[n++] = r;
    }
    ref_spec = sp;
    ref_store = s;
    qsort(want, n, sizeof *want, ref_cmp);
    assert_int_equal(v->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v->rows[i], want[i]);
    free(want);
}

/* A view kept across changes has the very rows, in the same order, that a fresh one builds. */
static void assert_same_as_fresh(const sk_view *v, const sk_store *s, const sk_view_spec *sp)
{
    sk_view fresh;
    view_init(&fresh);
    assert_int_equal(view_update(&fresh, s, sp), SK_OK);
    assert_int_equal(fresh.n, v->n);
    assert_memory_equal(fresh.rows, v->rows, v->n * sizeof *v->rows);
    view_free(&fresh);
}

/* Identifiers that share long prefixes, differ only by case, or are absent or non-ASCII. */
static void random_account(sk_account *a, char *id, char *ident, int serial)
{
    static const char *const prefixes[] = { "", "user_", "alexander.gonzalez", "ALEXANDER.gonzalez",
                                            "\xc3\xa9lodie" };
    static const char *const conns[] = { "gmail", "slack", "github", NULL };
    static const char *const sts[] = { "ACTIVE", "EXPIRED", "PENDING_AUTH", "REVOKED", "X", NULL };
    static const char alphabet[] = "aAbB.@_xY15z";
    memset(a, 0, sizeof *a);
    snprintf(id, 32, "ca_%d", serial);
    int len = snprintf(ident, 64, "%s", prefixes[rand() % 5]);
    for (int k = rand() % 6; k > 0; k--)
        ident[len++] = alphabet[rand() % (int)(sizeof alphabet - 1)];
    ident[len] = '\0';
    a->id = id;
    a->identifier = rand() % 40 ? ident : NULL;
    a->connector = conns[rand() % 4];
    a->status = sts[rand() % 6];
    a->state = state_from_wire(a->status);
    a->token_expires_at = rand() % 4 ? (int64_t)(rand() % 50) - 25 : SK_TIME_ABSENT;
    a->last_used_at = rand() % 3 ? (int64_t)(rand() % 50) : SK_TIME_ABSENT;
    a->updated_at = rand() % 5 ? (int64_t)(rand() % 50) : SK_TIME_ABSENT;
}

static void add_random(sk_store *s, int *serial, int n)
{
    for (int i = 0; i < n; i++) {
        char id[32], ident[64];
        sk_account a;
        random_account(&a, id, ident, (*serial)++);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    }
}

static void random_text(sk_view_spec *sp)
{
    static const char chars[] = "aAbB.@_xY15zgmilUSER ";
    size_t len = strlen(sp->text);
    int op = rand() % 10;
    if (op < 5 && len + 1 < sizeof sp->text) {            /* typing */
        sp->text[len] = chars[rand() % (int)(sizeof chars - 1)];
        sp->text[len + 1] = '\0';
    } else if (op < 8 && len) {                             /* backspace */
        sp->text[len - 1] = '\0';
    } else if (op < 9) {                                    /* typed anew */
        static const char *const words[] = { "", "alex", "USER_", "a.g", "gmail", "\xc3\xa9",
                                             "ca_1", "slack", "zz" };
        snprintf(sp->text, sizeof sp->text, "%s", words[rand() % 9]);
    } else {                                                /* text kept, the string moved */
        memmove(sp->text + 1, sp->text, len + 1 < sizeof sp->text - 1 ? len + 1 : 0);
        if (len + 2 < sizeof sp->text)
            sp->text[0] = 'a';
    }
}

static void random_settings(sk_view_spec *sp)
{
    switch (rand() % 4) {
    case 0:
        sp->state_mask = (unsigned)rand() % 3 ? SK_ALL_STATES : (unsigned)rand() & SK_ALL_STATES;
        break;
    case 1: {
        const sk_saved_view *pick[] = { NULL, saved_view_find("attention"), &odd_view };
        sp->saved = pick[rand() % 3];
        break;
    }
    case 2:
        sp->n_connections = (size_t)rand() % 3;
        strcpy(sp->connections[0], rand() % 2 ? "slack" : "nope");
        strcpy(sp->connections[1], "github");
        break;
    default:
        sp->sort = (sk_sort_key)(rand() % SK_SORT_COUNT);
        sp->reverse = rand() % 2;
    }
}

/* Changes to the store: new rows, rows rewritten (or rewritten the same), removed, a status
 * changed, a refresh that sweeps what it did not see. */
static void random_store_change(sk_store *s, int *serial)
{
    char id[32], ident[64];
    sk_account a;
    int live = (int)store_count(s), pick = *serial ? rand() % *serial : 0;
    switch (rand() % 6) {
    case 0:
        add_random(s, serial, 1 + rand() % 40);
        break;
    case 1:
        random_account(&a, id, ident, pick);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
        break;
    case 2: {
        snprintf(id, sizeof id, "ca_%d", pick);
        sk_row r = store_find(s, id);
        if (r != SK_ROW_NONE) {          /* the same data again: nothing to redo */
            store_get(s, r, &a);
            sk_account copy = a;
            assert_int_equal(store_upsert(s, &copy, 1), SK_OK);
        }
        break;
    }
    case 3:
        snprintf(id, sizeof id, "ca_%d", pick);
        store_remove(s, id);
        break;
    case 4:
        snprintf(id, sizeof id, "ca_%d", pick);
        store_set_status(s, id, rand() % 2 ? "EXPIRED" : "ACTIVE");
        break;
    default:
        if (live < 50)
            break;
        store_begin_refresh(s);
        for (int i = 0; i < *serial; i += 2) {
            snprintf(id, sizeof id, "ca_%d", i);
            sk_row r = store_find(s, id);
            if (r != SK_ROW_NONE) {
                store_get(s, r, &a);
                sk_account copy = a;
                assert_int_equal(store_upsert(s, &copy, 1), SK_OK);
            }
        }
        store_sweep(s, rand() % 2 ? "gmail" : NULL);
        add_random(s, serial, 30);   /* new rows then reuse the holes */
    }
}

/* One view kept across every change (reusing what it can) always equals an independent full
 * filter and sort, and a fresh view: over random typing, backspacing, settings, sort keys and
 * store changes (appends, rewrites, removals, sweeps). */
static void test_incremental_matches_rebuild(void **st)
{
    (void)st;
    srand(20251125);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 1500);
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    for (int step = 0; step < 1500; step++) {
        int what = rand() % 10;
        if (what < 6)
            random_text(&sp);
        else if (what < 8)
            random_settings(&sp);
        else
            random_store_change(s, &serial);
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_same_as_reference(&v, s, &sp);
        if (step % 50 == 0)
            assert_same_as_fresh(&v, s, &sp);
    }
    view_free(&v);
    store_free(s);
}

/* Typing on and back over words that keep many rows (so each keystroke scans, and typing
 * back finds the filters held, more of them than are kept), with settings, sort keys and the
 * store changing now and then: each keystroke equals the reference and a fresh view. */
static void test_typing_back_matches_rebuild(void **st)
{
    (void)st;
    srand(20261202);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 4000);
    static const char *const words[] = { "alexander.gonzalez_1", "user_ab.@xyz", "CA_1",
                                         "ALEX xY", "gmail", "a1", "\xc3\xa9lodie" };
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    int checks = 0;
    for (int round = 0; round < 40; round++) {
        const char *w = words[rand() % 7];
        size_t len = strlen(w), stop = (size_t)rand() % (len + 1);
        for (size_t step = 1; step <= len + (len - stop); step++) {
            size_t k = step <= len ? step : 2 * len - step;
            memcpy(sp.text, w, k);
            sp.text[k] = '\0';
            if (rand() % 23 == 0)
                random_settings(&sp);
            if (rand() % 31 == 0)
                random_store_change(s, &serial);
            assert_int_equal(view_update(&v, s, &sp), SK_OK);
            assert_same_as_reference(&v, s, &sp);
            if (++checks % 40 == 0)
                assert_same_as_fresh(&v, s, &sp);
        }
    }
    view_free(&v);
    store_free(s);
}

/* A tally kept across appends, rewrites, removals and sweeps counts what a whole count does;
 * a later `now` within the staleness window keeps the counted time, one past it counts again. */
static bool recent_match(const sk_account *a, int64_t now)
{
    return a->updated_at != SK_TIME_ABSENT && a->updated_at > now - 975;   /* half at 1000 */
}
static const sk_saved_view recent_view = { "recent", "Recent", SK_ALL_STATES, recent_match, true };

static void test_saved_tally_matches_counts(void **st)
{
    (void)st;
    srand(20261202);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 300);
    const sk_saved_view *views[] = { &odd_view, &recent_view, saved_view_find("attention") };
    sk_saved_tally t[3];
    memset(t, 0, sizeof t);
    for (int step = 0; step < 300; step++) {
        if (step % 3 == 0)
            add_random(s, &serial, 1 + rand() % 40);   /* appended pages: counted alone */
        else if (step % 7 == 0)
            random_store_change(s, &serial);
        for (size_t k = 0; k < 3; k++) {
            size_t want[SK_STATE_COUNT], got[SK_STATE_COUNT];
            size_t wt = saved_view_counts(views[k], s, 1000, want);
            assert_int_equal(saved_view_tally(views[k], s, 1000, &t[k], got), wt);
            assert_memory_equal(got, want, sizeof want);
        }
    }
    /* Within the window the counted time stays (1000), past it everything is counted again. */
    size_t at1000[SK_STATE_COUNT], got[SK_STATE_COUNT];
    size_t n1000 = saved_view_counts(&recent_view, s, 1000, at1000);
    assert_int_equal(saved_view_tally(&recent_view, s, 1000 + SAVED_VIEW_TALLY_STALE - 1, &t[1], got), n1000);
    size_t later = saved_view_counts(&recent_view, s, 1000 + SAVED_VIEW_TALLY_STALE, at1000);
    assert_true(n1000 > 0 && later < n1000);   /* the time matters to this view */
    assert_int_equal(saved_view_tally(&recent_view, s, 1000 + SAVED_VIEW_TALLY_STALE, &t[1], got), later);
    assert_memory_equal(got, at1000, sizeof got);
    /* New windows count again. */
    saved_view_set_windows(0, 0);
    assert_int_equal(saved_view_tally(&recent_view, s, 1000, &t[1], got), n1000);
    store_free(s);
}

/* Two stores through one view: the second is never mistaken for the first. */
/* An empty store (the dashboard before its first page): nothing shown, no copy from nowhere
 * (the ASan+UBSan build of this test catches a memcpy from NULL). */
static void test_empty_store(void **st)
{
    (void)st;
    sk_store *s = store_new();
    assert_non_null(s);
    sk_view_spec sp;
    view_spec_init(&sp);
    sk_view v;
    view_init(&v);
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(v.n, 0);
    sp.saved = saved_view_find("attention");
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(v.n, 0);
    /* The connections arrive before any account (a new version of the store, no new row). */
    sk_connection c;
    memset(&c, 0, sizeof c);
    c.id = "conn_gmail";
    c.name = "gmail";
    store_set_connections(s, &c, 1);
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(v.n, 0);
    /* A row that came and went (a damaged refresh, a delete): the store grew, nothing is live. */
    sk_account a;
    memset(&a, 0, sizeof a);
    a.id = "ca_gone";
    a.identifier = "gone@example.com";
    a.connector = "gmail";
    a.status = "ACTIVE";
    a.state = SK_STATE_ACTIVE;
    assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    assert_true(store_remove(s, "ca_gone"));
    sp.saved = NULL;
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(v.n, 0);
    view_free(&v);
    store_free(s);
}

static void test_view_switches_store(void **st)
{
    (void)st;
    sk_store *a = make_store(), *b = make_store();
    assert_true(store_remove(b, "ca_01"));
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    assert_int_equal(view_update(&v, a, &sp), SK_OK);
    assert_int_equal(v.n, NF);
    assert_int_equal(view_update(&v, b, &sp), SK_OK);
    assert_same_as_reference(&v, b, &sp);
    assert_int_equal(v.n, NF - 1);
    store_free(a);
    sk_store *c = make_store();   /* may reuse a's memory: still a different store */
    assert_true(store_remove(c, "ca_02"));
    assert_true(store_remove(c, "ca_03"));
    assert_int_equal(view_update(&v, c, &sp), SK_OK);
    assert_same_as_reference(&v, c, &sp);
    view_free(&v);
    store_free(b);
    store_free(c);
}

/* ---------------------------------------------------------------- large stores, every order */

/* Rows that stress a radix sort: identifiers absent, the same bytes many times, the same but
 * for case many times, long shared prefixes, non-ASCII; times absent, at the ends of 64 bits
 * (`wide`) or in a narrow span with many ties. */
static void wide_account(sk_account *a, char *id, char *ident, int serial, bool wide)
{
    static const char alphabet[] = "aAbBzZ.@_09\xc3\xa9~";
    static const char *const sts[] = { "ACTIVE", "EXPIRED", "PENDING_AUTH", "REVOKED", "X" };
    static const char *const conns[] = { "gmail", "slack", NULL };
    memset(a, 0, sizeof a[0]);
    snprintf(id, 32, "ca_%d", serial);
    int len = 0;
    switch (rand() % 6) {
    case 0:
        len = snprintf(ident, 64, "same@example.com");
        break;
    case 1:
        len = snprintf(ident, 64, "case@example.com");
        for (int i = 0; i < len; i++)
            if (rand() % 2 && ident[i] >= 'a' && ident[i] <= 'z')
                ident[i] = (char)(ident[i] - 32);
        break;
    case 2:
        len = snprintf(ident, 64, "alexander.gonzalez.the.third@");
        break;
    default:
        break;
    }
    for (int k = rand() % 5; k > 0; k--)
        ident[len++] = alphabet[rand() % (int)(sizeof alphabet - 1)];
    ident[len] = '\0';
    a->id = id;
    a->identifier = rand() % 10 ? ident : NULL;
    a->connector = conns[rand() % 3];
    a->status = sts[rand() % 5];
    a->state = state_from_wire(a->status);
    int64_t *t[] = { &a->token_expires_at, &a->last_used_at, &a->updated_at };
    for (int i = 0; i < 3; i++) {
        int pick = rand() % 8;
        if (pick == 0)
            *t[i] = SK_TIME_ABSENT;
        else if (wide && pick == 1)
            *t[i] = rand() % 2 ? INT64_MAX : INT64_MIN + 1;
        else if (wide && pick == 2)
            *t[i] = (int64_t)((uint64_t)rand() << 40 ^ (uint64_t)rand() << 20 ^ (uint64_t)rand());
        else
            *t[i] = 1700000000 + rand() % 30;
    }
}

static void add_wide(sk_store *s, int *serial, int n, bool wide)
{
    for (int i = 0; i < n; i++) {
        char id[32], ident[64];
        sk_account a;
        wide_account(&a, id, ident, (*serial)++, wide);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    }
}

/* Every key in both directions, with and without a filter, on thousands of rows (the radix
 * paths, not only the small-range ones), while pages are appended to the same views and rows
 * removed: always the reference order. */
static void test_every_order_large(void **st)
{
    (void)st;
    static const char *const texts[] = { "", "a", "same" };
    for (int round = 0; round < 2; round++) {
        srand(7000 + (unsigned)round);
        bool wide = round == 1;
        sk_store *s = store_new();
        int serial = 0;
        add_wide(s, &serial, 4000, wide);
        sk_view views[SK_SORT_COUNT][2][3];
        sk_view_spec specs[SK_SORT_COUNT][2][3];
        for (int k = 0; k < SK_SORT_COUNT; k++)
            for (int rev = 0; rev < 2; rev++)
                for (int t = 0; t < 3; t++) {
                    sk_view_spec *sp = &specs[k][rev][t];
                    view_spec_init(sp);
                    sp->sort = (sk_sort_key)k;
                    sp->reverse = rev;
                    snprintf(sp->text, sizeof sp->text, "%s", texts[t]);
                    view_init(&views[k][rev][t]);
                }
        for (int step = 0; step < 4; step++) {
            if (step == 1 || step == 2)
                add_wide(s, &serial, step == 1 ? 700 : 45, wide);   /* pages: merged in */
            if (step == 3) {
                for (int i = 0; i < 300; i++) {
                    char id[32];
                    snprintf(id, sizeof id, "ca_%d", rand() % serial);
                    store_remove(s, id);
                }
                add_wide(s, &serial, 200, wide);   /* into the holes: a rebuild */
            }
            for (int k = 0; k < SK_SORT_COUNT; k++)
                for (int rev = 0; rev < 2; rev++)
                    for (int t = 0; t < 3; t++) {
                        assert_int_equal(view_update(&views[k][rev][t], s, &specs[k][rev][t]), SK_OK);
                        assert_same_as_reference(&views[k][rev][t], s, &specs[k][rev][t]);
                    }
        }
        for (int k = 0; k < SK_SORT_COUNT; k++)
            for (int rev = 0; rev < 2; rev++)
                for (int t = 0; t < 3; t++)
                    view_free(&views[k][rev][t]);
        store_free(s);
    }
}

/* A store whose rows are already in the order asked (a cache saved in that order), or in the
 * opposite one: the same result as any other. */
static void test_rows_already_in_order(void **st)
{
    (void)st;
    srand(4242);
    sk_store *src = store_new();
    int serial = 0;
    add_wide(src, &serial, 3000, false);
    for (int k = 0; k < SK_SORT_COUNT; k++)
        for (int rev = 0; rev < 2; rev++) {
            sk_view_spec sp;
            view_spec_init(&sp);
            sp.sort = (sk_sort_key)k;
            sp.reverse = rev;
            sk_view v;
            view_init(&v);
            assert_int_equal(view_update(&v, src, &sp), SK_OK);
            for (int backwards = 0; backwards < 2; backwards++) {
                sk_store *copy = store_new();
                for (size_t i = 0; i < v.n; i++) {
                    sk_account a;
                    store_get(src, v.rows[backwards ? v.n - 1 - i : i], &a);
                    assert_int_equal(store_upsert(copy, &a, 1), SK_OK);
                }
                sk_view w;
                view_init(&w);
                assert_int_equal(view_update(&w, copy, &sp), SK_OK);
                assert_same_as_reference(&w, copy, &sp);
                assert_int_equal(w.n, v.n);
                for (size_t i = 0; i < w.n; i++)
                    assert_int_equal(w.rows[i], backwards ? w.n - 1 - i : i);
                view_free(&w);
                store_free(copy);
            }
            view_free(&v);
        }
    store_free(src);
}

/* view_sorted_all: every live row in the sort order whatever the filter, and nothing once the
 * store changed (a cache written in that order would otherwise miss or repeat rows). */
static void test_sorted_all(void **st)
{
    (void)st;
    sk_store *s = make_store();
    assert_true(store_remove(s, "ca_04"));
    sk_view_spec sp;
    view_spec_init(&sp);
    strcpy(sp.text, "github");
    sk_view v;
    view_init(&v);
    size_t n = 99;
    sk_sort_key by = SK_SORT_STATE;
    bool rev = true;
    assert_null(view_sorted_all(&v, s, &n, &by, &rev));   /* never updated */
    assert_int_equal(n, 0);
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    assert_int_equal(v.n, 3);
    const sk_row *all = view_sorted_all(&v, s, &n, &by, &rev);
    assert_non_null(all);
    assert_int_equal(by, SK_SORT_IDENTIFIER);
    assert_false(rev);
    sk_view_spec every;
    view_spec_init(&every);
    sk_view w;
    view_init(&w);
    assert_int_equal(view_update(&w, s, &every), SK_OK);
    assert_int_equal(n, NF - 1);
    assert_int_equal(w.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(all[i], w.rows[i]);
    sp.sort = SK_SORT_STATE;
    sp.reverse = true;
    assert_int_equal(view_update(&v, s, &sp), SK_OK);
    all = view_sorted_all(&v, s, &n, &by, &rev);
    assert_non_null(all);
    assert_int_equal(by, SK_SORT_STATE);
    assert_true(rev);
    assert_int_equal(n, NF - 1);
    assert_true(store_remove(s, "ca_06"));
    assert_null(view_sorted_all(&v, s, &n, &by, &rev));
    view_free(&w);
    view_free(&v);
    store_free(s);
}

/* Typing a word then erasing it goes back through filters already seen (kept outcomes), and
 * typing narrows the rows shown (only those read): each step is what a rebuild gives, and a
 * kept outcome is never used once the store, the settings or the sort changed. */
static void test_type_erase_retype(void **st)
{
    (void)st;
    srand(777);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 8000);
    static const char *const words[] = { "alexander.g", "user_1", "@a", "a.@", "\xc3\xa9lod", "ca_19" };
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    for (int round = 0; round < 8; round++) {
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t len = strlen(words[w]);
            for (size_t step = 1; step <= 2 * len; step++) {
                size_t k = step <= len ? step : 2 * len - step;
                memcpy(sp.text, words[w], k);
                sp.text[k] = '\0';
                assert_int_equal(view_update(&v, s, &sp), SK_OK);
                assert_same_as_reference(&v, s, &sp);
                if (step != len)
                    continue;
                /* At the word's end the settings, the order or the store change: erasing then
                 * goes back through texts seen under the old ones. */
                if (round == 1)
                    sp.state_mask ^= (1u << SK_STATE_ACTIVE) | (1u << SK_STATE_EXPIRED);
                if (round == 2) {
                    sp.sort = (sk_sort_key)((sp.sort + 1) % SK_SORT_COUNT);
                    sp.reverse = !sp.reverse;
                }
                if (round == 3) {
                    sp.n_connections = !sp.n_connections;
                    strcpy(sp.connections[0], "slack");
                }
                if (round >= 4)
                    random_store_change(s, &serial);
                assert_int_equal(view_update(&v, s, &sp), SK_OK);
                assert_same_as_reference(&v, s, &sp);
            }
        }
    }
    view_free(&v);
    store_free(s);
}

/* One view going round every order, back to the identifier order between others (where it
 * takes each row's place in it for the next sort's ties), with the store changing in between
 * (re-upserted identifiers, statuses, removals, rows into holes, pages): every order is what a
 * rebuild gives, so a place taken before a change is never used after it. */
static void test_orders_in_turn(void **st)
{
    (void)st;
    srand(4711);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 3000);
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    for (int round = 0; round < 30; round++) {
        for (int k = 0; k < SK_SORT_COUNT; k++)
            for (int rev = 0; rev < 2; rev++) {
                sp.sort = SK_SORT_IDENTIFIER;
                sp.reverse = false;
                assert_int_equal(view_update(&v, s, &sp), SK_OK);
                assert_same_as_reference(&v, s, &sp);
                if (round % 3 == 1)
                    random_store_change(s, &serial);   /* after the place was taken */
                sp.sort = (sk_sort_key)k;
                sp.reverse = rev;
                assert_int_equal(view_update(&v, s, &sp), SK_OK);
                assert_same_as_reference(&v, s, &sp);
            }
        if (round % 3 == 2)
            random_store_change(s, &serial);
    }
    view_free(&v);
    store_free(s);
}

/* A sort by identifier from the rows' kept places, both ways, as the store grows between
 * them: rows appended at the end keep the store's layout, and where each identifier begins in
 * the order must be found again for them (a reverse from the old groups puts rows out of
 * place). Identifiers repeat, and differ only by case. */
static void test_identifier_from_places(void **st)
{
    (void)st;
    srand(321);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 2000);
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    for (int round = 0; round < 12; round++) {
        for (int rev = 0; rev < 2; rev++) {
            sp.sort = SK_SORT_IDENTIFIER;
            sp.reverse = rev;
            assert_int_equal(view_update(&v, s, &sp), SK_OK);
            assert_same_as_reference(&v, s, &sp);
        }
        sp.sort = SK_SORT_STATE;   /* away and back: ascending from the places too */
        sp.reverse = false;
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        sp.sort = SK_SORT_IDENTIFIER;
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_same_as_reference(&v, s, &sp);
        add_random(s, &serial, 1 + rand() % 60);   /* appended: the layout stays */
    }
    view_free(&v);
    store_free(s);
}

/* Filter records built ahead in slices: done once every row has one (false from then on),
 * nothing while the store changed since the view's update, and filters and pages merged in
 * afterwards (the merge keys given back) give what a rebuild gives. */
static void test_prepare(void **st)
{
    (void)st;
    srand(99);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 5000);
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    assert_false(view_prepare(&v, s, 100));   /* never updated: nothing to prepare */
    for (int round = 0; round < 6; round++) {
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        int slices = 0;
        while (view_prepare(&v, s, 700))
            slices++;
        if (round == 0)
            assert_true(slices >= 5000 / 700 - 1);   /* a slice a call */
        assert_false(view_prepare(&v, s, 700));   /* ready */
        static const char *const texts[] = { "alex", "user_", "@", "a.", "zz" };
        snprintf(sp.text, sizeof sp.text, "%s", texts[round % 5]);
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_same_as_reference(&v, s, &sp);
        add_random(s, &serial, 40);   /* a page: merged into the base */
        assert_false(view_prepare(&v, s, 700));   /* the store changed since the update */
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_same_as_reference(&v, s, &sp);
        random_store_change(s, &serial);
        sp.text[0] = '\0';
        sp.sort = (sk_sort_key)(round % SK_SORT_COUNT);
    }
    view_free(&v);
    store_free(s);
}

/* The dashboard's life, at random: filter records built ahead whenever it is idle, then small
 * pages merged in (below 1/64 of the base: without merge keys), larger ones, rewrites and
 * sweeps, typing, sort keys either way: every update equals the reference and a fresh view. */
static void test_prepared_random_matches_rebuild(void **st)
{
    (void)st;
    srand(20261203);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 3000);
    sk_view v;
    view_init(&v);
    sk_view_spec sp;
    view_spec_init(&sp);
    int keyless = 0;
    for (int step = 0; step < 700; step++) {
        int what = rand() % 10;
        if (what < 3) {
            int n = 1 + rand() % 30;   /* at most 30 of 3000 and more: below 1/64 */
            add_random(s, &serial, n);
            keyless++;
        } else if (what < 5) {
            random_text(&sp);
        } else if (what < 7) {
            random_settings(&sp);
        } else if (what < 8) {
            sp.sort = (sk_sort_key)(rand() % SK_SORT_COUNT);
            sp.reverse = !sp.reverse;
        } else {
            random_store_change(s, &serial);
        }
        assert_int_equal(view_update(&v, s, &sp), SK_OK);
        assert_same_as_reference(&v, s, &sp);
        if (rand() % 3)
            while (view_prepare(&v, s, 1 + (size_t)(rand() % 2000)))
                ;
        if (step % 35 == 0)
            assert_same_as_fresh(&v, s, &sp);
    }
    assert_true(keyless > 100);
    view_free(&v);
    store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_filter),
        cmocka_unit_test(test_state_conn_attention),
        cmocka_unit_test(test_saved_views),
        cmocka_unit_test(test_spec_parse),
        cmocka_unit_test(test_sort_identifier),
        cmocka_unit_test(test_sort_state),
        cmocka_unit_test(test_sort_timestamps),
        cmocka_unit_test(test_sort_invariants_large),
        cmocka_unit_test(test_view_find_after_resort),
        cmocka_unit_test(test_sort_names),
        cmocka_unit_test(test_incremental_matches_rebuild),
        cmocka_unit_test(test_typing_back_matches_rebuild),
        cmocka_unit_test(test_saved_tally_matches_counts),
        cmocka_unit_test(test_view_switches_store),
        cmocka_unit_test(test_empty_store),
        cmocka_unit_test(test_spec_comma_lists),
        cmocka_unit_test(test_every_order_large),
        cmocka_unit_test(test_rows_already_in_order),
        cmocka_unit_test(test_sorted_all),
        cmocka_unit_test(test_type_erase_retype),
        cmocka_unit_test(test_orders_in_turn),
        cmocka_unit_test(test_identifier_from_places),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_prepared_random_matches_rebuild),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
