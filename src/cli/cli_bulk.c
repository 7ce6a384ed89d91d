/* cli_bulk.c: the commands over a selection (cli_select.h): `link SELECTION` (a campaign of
 * fresh links as a table, CSV or JSON), `delete SELECTION` and `disconnect` (one account or a
 * selection). One client, so one token, for the whole run; --concurrency requests side by
 * side; every link, delete and disconnect journaled; the count per connection and state
 * confirmed by typing it. */
#include "cli_bulk.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "bulk.h"
#include "buf.h"
#include "cli_out.h"
#include "cli_select.h"
#include "cli_table.h"
#include "link_message.h"
#include "sk_time.h"
#include "text.h"
#include "verify.h"

typedef enum { BULK_LINK, BULK_DELETE, BULK_DISCONNECT } bulk_kind;

static const char *const kind_action[] = { "link", "delete", "disconnect" };

/* One account of the run and what came of it. */
struct bulk_run;

typedef struct bulk_item {
    struct bulk_run *run;
    sk_account a;            /* strings borrowed from the picked store */
    bool done, ok;
    char *link;              /* link: the link received (heap) */
    int64_t expiry;
    char *message;           /* link: the paste-ready message (heap) */
    char *error;             /* why it failed (heap), NULL when ok */
    sk_error first;          /* disconnect: the answer that made us read the account back */
} bulk_item;

typedef struct bulk_run {
    bulk_kind kind;
    cli_session *s;
    bulk_item *items;
    size_t n, next, in_flight, finished, failed;
    size_t limit;                /* most requests in flight */
    bool progress;               /* a progress line on stderr (a terminal) */
    bool not_offered;            /* disconnect: answered 404/501; nothing more is sent */
    bool launching;              /* bulk_launch is running: a callback that lands at once
                                  * leaves the starting to it instead of recursing */
    sk_error not_offered_err;
} bulk_run;

/* ---- results ---- */

static void item_fail(bulk_run *r, bulk_item *it, const char *fmt, const char *why)
{
    sk_buf b;
    buf_init(&b);
    buf_printf(&b, fmt, why ? why : "");
    free(it->error);
    it->error = text_sanitize_dup(b.s ? b.s : "failed");
    buf_free(&b);
    it->ok = false;
    r->failed++;
}

static void item_finish(bulk_run *r, bulk_item *it)
{
    it->done = true;
    r->in_flight--;
    r->finished++;
}

static void bulk_launch(bulk_run *r);


static void on_link(void *ud, const sk_link_outcome *o)
{
    bulk_item *it = ud;
    bulk_run *r = it->run;
    char result[640];
    verify_link_journal(o, result, sizeof result);
    cli_journal_note(r->s, "link", &it->a, NULL, result);
    if (o->outcome == SK_OUTCOME_DONE && !o->expired) {
        it->ok = true;
        it->link = strdup(o->link ? o->link : "");
        it->expiry = o->expiry;
        /* The profile's `message` template (link_message.h; "" = the built-in text). */
        it->message = link_message(it->a.identifier, it->a.connector, o->link, o->expiry,
                                   time_now(), r->s->cfg.message);
    } else if (o->outcome == SK_OUTCOME_DONE) {
        item_fail(r, it, "the link had already expired when it came%s", "");
    } else if (o->outcome == SK_OUTCOME_NOT_DONE) {
        item_fail(r, it, "%s", verify_reason(&o->err));
    } else {
        item_fail(r, it, "no link received (%s)", verify_reason(&o->err));
    }
    item_finish(r, it);
    bulk_launch(r);
}

static void on_delete(void *ud, const sk_delete_outcome *o)
{
    bulk_item *it = ud;
    bulk_run *r = it->run;
    char result[640];
    verify_delete_journal(o, result, sizeof result);
    cli_journal_note(r->s, "delete", &it->a, NULL, result);
    if (o->outcome == SK_OUTCOME_DONE)
        it->ok = true;
    else if (o->outcome == SK_OUTCOME_NOT_DONE)
        item_fail(r, it, o->checked ? "%s (still there)" : "%s", verify_reason(&o->err));
    else
        item_fail(r, it, "outcome unknown: the answer was lost (%s) and the check failed too",
                  verify_reason(&o->err));
    item_finish(r, it);
    bulk_launch(r);
}

/* The journal's words for a disconnect, in the manner of verify_*_journal. */
static void disconnect_journal(const sk_error *err, char *buf, size_t n)
{
    if (err->status == SK_OK)
        snprintf(buf, n, "ok");
    else if (api_not_offered(err))
        snprintf(buf, n, "failed: this environment does not offer disconnect (HTTP %ld)",
                 err->http_status);
    else if (verify_answer_uncertain(err))
        snprintf(buf, n, "unknown: %s", verify_reason(err));
    else
        snprintf(buf, n, "failed: %s", verify_reason(err));
}

/* A disconnect whose answer was lost, read back: DISCONNECTED is done, anything else is not. */
static void lost_disconnect_checked(bulk_run *r, bulk_item *it, const sk_account_detail *d,
                                    const sk_error *err)
{
    char result[640];
    const char *why = verify_reason(&it->first);
    if (d && d->a.status && strcmp(d->a.status, "DISCONNECTED") == 0) {
        snprintf(result, sizeof result, "ok: confirmed disconnected after the answer was lost: %s",
                 why);
        it->ok = true;
    } else if (d) {
        snprintf(result, sizeof result, "failed: %s (still %s)", why,
                 d->a.status ? d->a.status : "without a status");
        item_fail(r, it, "not disconnected: %s", why);
    } else if (err->status == SK_ERR_NOT_FOUND) {
        snprintf(result, sizeof result, "failed: %s; the account no longer exists", why);
        item_fail(r, it, "the account no longer exists%s", "");
    } else {
        snprintf(result, sizeof result, "unknown: answer lost (%s); check failed (%s)", why,
                 verify_reason(err));
        item_fail(r, it, "outcome unknown: the answer was lost and the check failed too (%s)",
                  verify_reason(err));
    }
    cli_journal_note(r->s, "disconnect", &it->a, NULL, result);
}

/* A disconnect answered 404, or whose answer was lost, has the account read back by id. After
 * a 404, still there means the endpoint is what is missing ("not offered"), gone means the
 * account went after it was listed. */
static void on_disconnect_check(void *ud, const sk_account_detail *d, const sk_error *err)
{
    bulk_item *it = ud;
    bulk_run *r = it->run;
    if (it->first.http_status != 404) {
        lost_disconnect_checked(r, it, err->status == SK_OK ? d : NULL, err);
    } else if (err->status == SK_ERR_NOT_FOUND) {
        cli_journal_note(r->s, "disconnect", &it->a, NULL,
                         "failed: the account no longer exists");
        item_fail(r, it, "the account no longer exists%s", "");
    } else {
        char result[640];
        disconnect_journal(&it->first, result, sizeof result);
        cli_journal_note(r->s, "disconnect", &it->a, NULL, result);
        if (d && err->status == SK_OK) {
            if (!r->not_offered)
                r->not_offered_err = it->first;
            r->not_offered = true;
        }
        item_fail(r, it, d ? "this environment does not offer disconnect%s"
                           : "answered not found, and reading the account back failed: %s",
                  d ? "" : verify_reason(err));
    }
    item_finish(r, it);
    bulk_launch(r);
}

static void on_disconnect(void *ud, const sk_account_detail *d, const sk_error *err)
{
    bulk_item *it = ud;
    bulk_run *r = it->run;
    if (err->status != SK_OK && (err->http_status == 404 ||
                                 (verify_answer_uncertain(err) && !api_not_offered(err)))) {
        it->first = *err;
        sk_selector sel = { .id = it->a.id };
        api_get_account(r->s->client, &sel, on_disconnect_check, it);
        return;
    }
    char result[640];
    disconnect_journal(err, result, sizeof result);
    cli_journal_note(r->s, "disconnect", &it->a, NULL, result);
    if (err->status == SK_OK && d) {
        it->ok = true;
    } else if (api_not_offered(err)) {
        if (!r->not_offered)
            r->not_offered_err = *err;
        r->not_offered = true;
        item_fail(r, it, "this environment does not offer disconnect%s", "");
    } else {
        item_fail(r, it, "%s", verify_reason(err));
    }
    item_finish(r, it);
    bulk_launch(r);
}

/* Starts requests until `limit` are in flight (or none is left). Callbacks call it again as
 * each answer lands, so the run keeps `limit` on the wire. */
static void bulk_launch(bulk_run *r)
{
    /* A request that fails before it is queued answers from inside this loop, and its callback
     * calls here again: without the guard, 100,000 such failures would nest 100,000 deep. */
    if (r->launching)
        return;
    r->launching = true;
    while (r->in_flight < r->limit && r->next < r->n) {
        bulk_item *it = &r->items[r->next++];
        if (r->not_offered) {
            /* Not sent: the environment has said it has no such endpoint. */
            r->in_flight++;
            item_fail(r, it, "not sent: this environment does not offer disconnect%s", "");
            item_finish(r, it);
            continue;
        }
        if (!it->a.id || !*it->a.id) {
            r->in_flight++;
            item_fail(r, it, "the server gave this account no id%s", "");
            item_finish(r, it);
            continue;
        }
        r->in_flight++;
        it->run = r;
        sk_selector sel = { .id = it->a.id };
        if (r->kind == BULK_LINK)
            verify_link(r->s->client, &sel, on_link, it);
        else if (r->kind == BULK_DELETE)
            verify_delete(r->s->client, it->a.id, on_delete, it);
        else
            api_disconnect_account(r->s->client, it->a.id, on_disconnect, it);
    }
    r->launching = false;
}

static void progress_line(const bulk_run *r, bool last)
{
    if (!r->progress)
        return;
    static const char *const noun[] = { "links", "deleted", "disconnected" };
    fprintf(stderr, "\r\033[K%s %zu/%zu", noun[r->kind], r->finished - r->failed, r->n);
    if (r->failed)
        fprintf(stderr, " (%zu failed)", r->failed);
    if (last)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* Runs every item to its outcome. */
static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void bulk_run_all(bulk_run *r, const cli_globals *g)
{
    r->limit = g->concurrency > 0 ? (size_t)g->concurrency : 4;
    r->progress = isatty(STDERR_FILENO) != 0;
    bulk_launch(r);
    progress_line(r, false);
    double last = mono_ms();
    while (r->finished < r->n) {
        client_step(r->s->client);
        if (r->finished >= r->n)
            break;
        client_wait(r->s->client, NULL, 0, r->progress ? 100 : -1);
        /* At most ten updates a second: a terminal is not a log. */
        if (r->progress && mono_ms() - last >= 100) {
            progress_line(r, false);
            last = mono_ms();
        }
    }
    progress_line(r, true);
}

static void bulk_items_free(bulk_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].link);
        free(items[i].message);
        free(items[i].error);
    }
    free(items);
}

static bulk_item *bulk_items_of(const cli_picked *pk)
{
    bulk_item *items = calloc(pk->n + 1, sizeof *items);
    for (size_t i = 0; items && i < pk->n; i++) {
        store_get(pk->store, pk->rows[i], &items[i].a);
        items[i].expiry = SK_TIME_ABSENT;
    }
    return items;
}

/* The session and the selection's accounts as items, for a command over a selection: 0, or the
 * exit code (the error printed, nothing left open). */
static int bulk_open(const cli_globals *g, const cli_selection *sel, cli_session *s,
                     cli_picked *pk, bulk_item **items)
{
    int rc = cli_connect(g, s);
    if (rc)
        return rc;
    if ((rc = cli_select_accounts(g, s, sel, pk)) != 0) {
        cli_disconnect(s);
        return rc;
    }
    if (!(*items = bulk_items_of(pk))) {
        cli_error("out of memory");
        cli_picked_free(pk);
        cli_disconnect(s);
        return SK_EXIT_API;
    }
    return SK_EXIT_OK;
}

static void bulk_close(cli_session *s, cli_picked *pk, bulk_item *items)
{
    bulk_items_free(items, pk->n);
    cli_picked_free(pk);
    cli_disconnect(s);
}

/* ---- the link campaign's output ---- */

static sk_link_row row_of(const bulk_item *it)
{
    return (sk_link_row){ .connection = it->a.connector, .identifier = it->a.identifier,
                          .account_id = it->a.id, .state = it->a.state,
                          .link = it->ok ? it->link : NULL,
                          .expiry = it->ok ? it->expiry : SK_TIME_ABSENT,
                          .message = it->ok ? it->message : NULL, .error = it->error };
}

static void links_csv(const bulk_item *items, size_t n)
{
    sk_buf b;
    buf_init(&b);
    link_rows_csv_header(&b);
    for (size_t i = 0; i < n; i++) {
        sk_link_row lr = row_of(&items[i]);
        link_rows_csv(&b, &lr);
        fputs(b.s ? b.s : "", stdout);
        buf_reset(&b);
    }
    fputs(b.s ? b.s : "", stdout);
    buf_free(&b);
}

static void links_json(const bulk_item *items, size_t n)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const bulk_item *it = &items[i];
        struct json_object *o = json_object_new_object();
        out_json_str(o, "connection", it->a.connector);
        out_json_str(o, "identifier", it->a.identifier);
        out_json_str(o, "account_id", it->a.id);
        out_json_str(o, "state", state_name(it->a.state));
        if (it->ok) {
            out_json_str(o, "link", it->link);
            out_json_time(o, "expiry", it->expiry);
            out_json_str(o, "message", it->message);
        }
        out_json_str(o, "error", it->error);
        json_object_array_add(arr, o);
    }
    out_json_print(stdout, arr);
    json_object_put(arr);
}

enum { LC_CONN, LC_IDENT, LC_ID, LC_STATE, LC_LINK, LC_EXPIRY, LC_MESSAGE, LC_ERROR, LC_N };

static int links_table(const cli_globals *g, const bulk_item *items, size_t n, bool dry)
{
    static const char *const head[LC_N] = { "CONNECTION", "IDENTIFIER", "ID", "STATE", "LINK",
                                            "EXPIRES", "MESSAGE", "ERROR" };
    int cols = dry ? LC_LINK : LC_N;
    cli_table *t = table_new(cols, head);
    bool ok = t != NULL;
    if (ok && !dry) {
        /* A cut link is no link: the message goes first (it is in the CSV and JSON), then the
         * id, then the identifier shrinks; the link is never cut. */
        table_shrink(t, LC_MESSAGE, 0, 0);
        table_shrink(t, LC_ID, 1, 0);
        table_shrink(t, LC_IDENT, 2, 12);
        table_shrink(t, LC_ERROR, 3, 12);
    }
    int64_t now = time_now();
    for (size_t i = 0; ok && i < n; i++) {
        const bulk_item *it = &items[i];
        char exp[40] = "";
        if (it->ok)
            time_relative(it->expiry, now, exp, sizeof exp);
        const char *cells[LC_N] = { it->a.connector, it->a.identifier, it->a.id,
                                    state_name(it->a.state), it->ok ? it->link : "",
                                    exp, it->ok ? it->message : "", it->error ? it->error : "" };
        const char *sgr[LC_N] = { 0 };
        sgr[LC_STATE] = out_state_sgr(it->a.state);
        ok = table_add_row(t, cells, NULL, sgr);
    }
    if (ok)
        table_print(t, stdout, cli_term_width(), cli_color_enabled(g), text_locale_utf8());
    table_free(t);
    if (ok)
        return SK_EXIT_OK;
    cli_error("out of memory");
    return SK_EXIT_API;
}

static void failures_on_stderr(const bulk_item *items, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const bulk_item *it = &items[i];
        if (!it->done || it->ok)
            continue;
        sk_buf b;
        buf_init(&b);
        buf_printf(&b, "%s %s (%s)", it->a.connector ? it->a.connector : "?",
                   it->a.identifier ? it->a.identifier : "?", it->a.id ? it->a.id : "?");
        char *safe = text_sanitize_dup(b.s ? b.s : "");
        cli_error("%s failed for %s: %s", what, safe ? safe : "?", it->error ? it->error : "?");
        free(safe);
        buf_free(&b);
    }
}

/* ---- arguments ---- */

/* A selection is not also an account named by --id or operands; a write needs a narrowing
 * flag or --all. Returns 0 or a usage exit code. */
static int selection_args(const cli_parsed *p, bool writes, cli_selection *sel)
{
    const char *cmd = p->cmd->name;
    if (cli_flag_given(p, CLI_F_ID) || p->n_operands > 0)
        return cli_usage("%s: name one account (--id ID or CONNECTION IDENTIFIER) or give a "
                         "selection (-c, -s, -q, --expiring-within, --unused-for, --view), "
                         "not both", cmd);
    int rc = cli_selection_of(p, sel);
    if (rc)
        return rc;
    if (writes && !sel->narrows && !sel->all)
        return cli_usage("%s: a selection must narrow by -c, -s, -q, --expiring-within, "
                         "--unused-for or --view; to act on every account pass --all", cmd);
    if (sel->all && sel->narrows)
        return cli_usage("%s: --all cannot be combined with a narrowing flag", cmd);
    return SK_EXIT_OK;
}

/* ---- link SELECTION ---- */

int cli_bulk_link(const cli_globals *g, const cli_parsed *p)
{
    cli_selection sel;
    int rc = selection_args(p, false, &sel);
    if (rc)
        return rc;
    cli_format fmt = cli_format_of(p, CLI_FMT_TABLE);
    if (fmt == CLI_FMT_TEXT)
        return cli_usage("link: a selection is written as a table, csv or json (--format text "
                         "is for one account)");
    if (cli_flag_given(p, CLI_F_QR))
        return cli_usage("link: --qr draws one account's link; a selection has no QR codes");
    if (cli_flag_given(p, CLI_F_WAIT))
        return cli_usage("link: --wait watches one account; a selection is not watched");
    bool dry = cli_flag_given(p, CLI_F_DRY_RUN);
    cli_session s;
    cli_picked pk;
    bulk_item *items;
    if ((rc = bulk_open(g, &sel, &s, &pk, &items)) != 0)
        return rc;
    bulk_run r = { .kind = BULK_LINK, .s = &s, .items = items, .n = pk.n };
    if (!dry)
        bulk_run_all(&r, g);
    if (fmt == CLI_FMT_CSV)
        links_csv(items, pk.n);
    else if (fmt == CLI_FMT_JSON)
        links_json(items, pk.n);
    else
        rc = links_table(g, items, pk.n, dry);
    if (dry) {
        fprintf(stderr, "dry run: %zu account%s would get a link; none asked for\n", pk.n,
                pk.n == 1 ? "" : "s");
    } else if (r.failed) {
        failures_on_stderr(items, pk.n, "link");
        cli_error("%zu of %zu links failed", r.failed, pk.n);
        rc = SK_EXIT_API;
    }
    bulk_close(&s, &pk, items);
    return rc;
}

/* ---- delete and disconnect over a selection ---- */

/* Shows the count per connection and state; on a terminal asks for the count to be typed. */
static int confirm_count(const bulk_item *items, size_t n, const char *verb, bool yes)
{
    sk_tally *t = tally_new();
    bool ok = t != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = tally_add(t, items[i].a.connector, items[i].a.state);
    sk_buf b;
    buf_init(&b);
    ok = ok && tally_words(t, &b);
    tally_free(t);
    if (!ok) {
        buf_free(&b);
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    printf("%s\n", b.s);
    fflush(stdout);
    buf_free(&b);
    if (yes)
        return SK_EXIT_OK;
    if (!isatty(STDIN_FILENO)) {
        cli_error("not going on without confirmation: stdin is not a terminal; pass --yes");
        return SK_EXIT_USAGE;
    }
    fprintf(stderr, "Type %zu to %s %s (anything else cancels): ", n, verb,
            n == 1 ? "it" : "them");
    fflush(stderr);
    char line[64];
    char want[32];
    snprintf(want, sizeof want, "%zu", n);
    if (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, want) == 0)
            return SK_EXIT_OK;
    }
    cli_error("nothing %s: not confirmed", strcmp(verb, "delete") == 0 ? "deleted"
                                                                      : "disconnected");
    return SK_EXIT_DECLINED;
}

static int bulk_write(const cli_globals *g, const cli_parsed *p, bulk_kind kind)
{
    cli_selection sel;
    int rc = selection_args(p, true, &sel);
    if (rc)
        return rc;
    bool yes = cli_flag_given(p, CLI_F_YES), dry = cli_flag_given(p, CLI_F_DRY_RUN);
    if (yes && dry)
        return cli_usage("%s: --dry-run and --yes exclude each other", p->cmd->name);
    const char *verb = kind_action[kind];
    const char *past = kind == BULK_DELETE ? "deleted" : "disconnected";
    cli_session s;
    cli_picked pk;
    bulk_item *items;
    if ((rc = bulk_open(g, &sel, &s, &pk, &items)) != 0)
        return rc;
    if (pk.n == 0) {
        printf("no account matches the selection: nothing %s\n", past);
    } else if (dry) {
        links_table(g, items, pk.n, true);
        confirm_count(items, pk.n, verb, true);
        printf("dry run: nothing %s\n", past);
    } else if ((rc = confirm_count(items, pk.n, verb, yes)) == SK_EXIT_OK) {
        bulk_run r = { .kind = kind, .s = &s, .items = items, .n = pk.n };
        bulk_run_all(&r, g);
        if (r.not_offered) {
            cli_error("this environment does not offer disconnect (HTTP %ld): nothing "
                      "changed", r.not_offered_err.http_status);
            rc = SK_EXIT_API;
        } else {
            printf("%s %zu of %zu\n", past, pk.n - r.failed, pk.n);
            failures_on_stderr(items, pk.n, verb);
            rc = r.failed ? SK_EXIT_API : SK_EXIT_OK;
        }
    }
    bulk_close(&s, &pk, items);
    return rc;
}

int cli_bulk_delete(const cli_globals *g, const cli_parsed *p)
{
    return bulk_write(g, p, BULK_DELETE);
}

/* ---- disconnect one account ---- */

static void put_line(const char *label, const char *v)
{
    char *safe = text_sanitize_dup(v && *v ? v : "-");
    printf("%s %s\n", label, safe ? safe : "-");
    free(safe);
}

/* One disconnect whose answer was lost: the account read back decides, never a guess. */
static int disconnect_one_lost(cli_session *s, const sk_account *a, const sk_error *lost,
                               const char *id)
{
    sk_detail_result back;
    sk_error err;
    sk_error_clear(&err);
    sk_selector sel = { .id = a->id };
    const char *why = verify_reason(lost);
    int rc = SK_EXIT_API;
    char result[640];
    if (api_get_account_sync(s->client, &sel, &back, &err) == SK_OK) {
        bool done = back.d.a.status && strcmp(back.d.a.status, "DISCONNECTED") == 0;
        if (done) {
            printf("Disconnected %s (confirmed after the answer was lost: %s).\n", id, why);
            snprintf(result, sizeof result, "ok: confirmed disconnected after the answer was "
                     "lost: %s", why);
            cli_journal_note(s, "disconnect", a, NULL, result);
            rc = SK_EXIT_OK;
        } else {
            cli_error("not disconnected: %s (the account %s is still %s)", why, id,
                      back.d.a.status ? back.d.a.status : "without a status");
            snprintf(result, sizeof result, "failed: %s (still %s)", why,
                     back.d.a.status ? back.d.a.status : "without a status");
            cli_journal_note(s, "disconnect", a, NULL, result);
        }
        parse_account_detail_free(&back);
    } else {
        cli_error("outcome UNKNOWN: the answer to disconnecting %s was lost (%s) and reading the "
                  "account back failed too (%s); check with 'skdash show --id %s'", id, why,
                  verify_reason(&err), id);
        snprintf(result, sizeof result, "unknown: answer lost (%s); check failed (%s)", why,
                 verify_reason(&err));
        cli_journal_note(s, "disconnect", a, NULL, result);
    }
    return rc;
}

static int disconnect_one(const cli_globals *g, const cli_parsed *p)
{
    sk_selector sel = { .id = cli_flag_value(p, CLI_F_ID, NULL) };
    if (sel.id && p->n_operands > 0)
        return cli_usage("disconnect: give either --id ID or CONNECTION IDENTIFIER, not both");
    if (!sel.id && p->n_operands != 2)
        return cli_usage("disconnect: name the account (--id ID, or CONNECTION IDENTIFIER) or "
                         "give a selection");
    if (!sel.id) {
        sel.connector = p->operands[0];
        sel.identifier = p->operands[1];
    }
    if ((sel.id && !*sel.id) || (!sel.id && (!*sel.connector || !*sel.identifier)))
        return cli_usage("disconnect: the account's names cannot be empty");
    bool yes = cli_flag_given(p, CLI_F_YES), dry = cli_flag_given(p, CLI_F_DRY_RUN);
    if (yes && dry)
        return cli_usage("disconnect: --dry-run and --yes exclude each other");
    cli_session s;
    int rc = cli_connect(g, &s);
    if (rc)
        return rc;
    sk_detail_result det;
    sk_error err;
    sk_error_clear(&err);
    if (api_get_account_sync(s.client, &sel, &det, &err) != SK_OK) {
        rc = cli_fail(&err);
        cli_disconnect(&s);
        return rc;
    }
    const sk_account *a = &det.d.a;
    put_line("Connection:", a->connector);
    put_line("Identifier:", a->identifier);
    put_line("ID:", a->id);
    sk_buf st;
    buf_init(&st);
    out_state_label(&st, a);
    put_line("State:", st.s);
    buf_free(&st);
    fflush(stdout);
    if (dry) {
        printf("Dry run: nothing disconnected.\n");
        cli_journal_note(&s, "disconnect", a, sel.id, "dry-run");
    } else if (!yes && !isatty(STDIN_FILENO)) {
        cli_error("not disconnecting without confirmation: stdin is not a terminal; pass --yes");
        rc = SK_EXIT_USAGE;
    } else if (!a->id || !*a->id) {
        cli_error("the server gave this account no id; not disconnecting");
        rc = SK_EXIT_API;
    } else {
        bool go = yes;
        if (!go) {
            fputs("Disconnect this account? [y/N] ", stderr);
            fflush(stderr);
            char line[64];
            if (fgets(line, sizeof line, stdin)) {
                line[strcspn(line, "\r\n")] = '\0';
                go = strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
            }
        }
        if (!go) {
            cli_error("not disconnected");
            rc = SK_EXIT_DECLINED;
        } else {
            sk_detail_result after;
            sk_error_clear(&err);
            sk_status res = api_disconnect_account_sync(s.client, a->id, &after, &err);
            char result[640];
            disconnect_journal(&err, result, sizeof result);
            /* A lost answer is journaled once the account has been read back. */
            if (res == SK_OK || !verify_answer_uncertain(&err) || api_not_offered(&err))
                cli_journal_note(&s, "disconnect", a, NULL, result);
            char *id = text_sanitize_dup(a->id);
            if (res == SK_OK) {
                char label[64];
                state_label(after.d.a.state, after.d.a.status, text_locale_utf8(), label,
                            sizeof label);
                printf("Disconnected %s (now %s).\n", id ? id : "", label);
                parse_account_detail_free(&after);
            } else if (api_not_offered(&err)) {
                cli_error("this environment does not offer disconnect (HTTP %ld): nothing "
                          "changed", err.http_status);
                rc = SK_EXIT_API;
            } else if (verify_answer_uncertain(&err)) {
                rc = disconnect_one_lost(&s, a, &err, id ? id : "");
            } else {
                rc = cli_fail(&err);
            }
            free(id);
        }
    }
    parse_account_detail_free(&det);
    cli_disconnect(&s);
    return rc;
}

int cmd_disconnect(const cli_globals *g, const cli_parsed *p)
{
    if (cli_selection_given(p))
        return bulk_write(g, p, BULK_DISCONNECT);
    return disconnect_one(g, p);
}
