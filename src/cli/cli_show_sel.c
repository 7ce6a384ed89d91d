/* cli_show_sel.c: `show SELECTION`: the accounts a selection keeps (cli_select.h, listed as
 * `list` lists them), each read in full from /details (the listing lacks the scopes, the
 * domain and api_config that show prints) with --concurrency requests side by side on one
 * token, and written in list's order exactly as one-account show writes it. */
#include "cli_show.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli_out.h"
#include "cli_select.h"
#include "text.h"
#include "verify.h"

struct show_run;

typedef struct show_item {
    struct show_run *run;
    sk_account a;                  /* borrowed from the picked store */
    bool done, ok;
    char *text;                    /* text: the block (heap) */
    struct json_object *json;      /* json: the object */
    char *error;                   /* why it failed (heap) */
} show_item;

typedef struct show_run {
    cli_session *s;
    show_item *items;
    size_t n, next, in_flight, finished, failed;
    size_t limit;
    bool json;
    bool launching;   /* show_launch is running: an answer at once does not recurse into it */
} show_run;

static void show_launch(show_run *r);

static void item_fail(show_run *r, show_item *it, const char *why)
{
    free(it->error);
    it->error = text_sanitize_dup(why && *why ? why : "failed");
    it->ok = false;
    r->failed++;
}

/* The parsed record lives during the callback only: it is written out here, kept as text or
 * as a JSON object (which copies its strings) until every account is in. */
static void on_detail(void *ud, const sk_account_detail *d, const sk_error *err)
{
    show_item *it = ud;
    show_run *r = it->run;
    if (err->status != SK_OK || !d) {
        item_fail(r, it, verify_reason(err));
    } else if (r->json) {
        it->json = cli_show_json(d);
        if (it->json)
            it->ok = true;
        else
            item_fail(r, it, "out of memory");
    } else {
        size_t len = 0;
        FILE *f = open_memstream(&it->text, &len);
        if (f) {
            cli_show_text(f, d);
            it->ok = fclose(f) == 0 && it->text;
        }
        if (!it->ok)
            item_fail(r, it, "out of memory");
    }
    it->done = true;
    r->in_flight--;
    r->finished++;
    show_launch(r);
}

/* Keeps `limit` requests on the wire until every account has been asked for. */
static void show_launch(show_run *r)
{
    if (r->launching)
        return;   /* called from a callback inside the loop below: the loop goes on */
    r->launching = true;
    while (r->in_flight < r->limit && r->next < r->n) {
        show_item *it = &r->items[r->next++];
        it->run = r;
        r->in_flight++;
        if (!it->a.id || !*it->a.id) {
            item_fail(r, it, "the server gave this account no id");
            it->done = true;
            r->in_flight--;
            r->finished++;
            continue;
        }
        sk_selector sel = { .id = it->a.id };
        api_get_account(r->s->client, &sel, on_detail, it);
    }
    r->launching = false;
}

static void show_run_all(show_run *r, const cli_globals *g)
{
    r->limit = g->concurrency > 0 ? (size_t)g->concurrency : 4;
    show_launch(r);
    while (r->finished < r->n) {
        client_step(r->s->client);
        if (r->finished < r->n)
            client_wait(r->s->client, NULL, 0, -1);
    }
}

static void write_out(const show_run *r)
{
    if (r->json) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; arr && i < r->n; i++)
            if (r->items[i].ok)
                json_object_array_add(arr, json_object_get(r->items[i].json));
        out_json_print(stdout, arr);
        json_object_put(arr);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->items[i].ok)
            continue;
        printf("%s%s", first ? "" : "\n", r->items[i].text);
        first = false;
    }
}

static void failures_on_stderr(const show_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const show_item *it = &r->items[i];
        if (it->ok)
            continue;
        char *who = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&who, &len);
        if (f) {
            fprintf(f, "%s %s (%s)", it->a.connector ? it->a.connector : "?",
                    it->a.identifier ? it->a.identifier : "?", it->a.id ? it->a.id : "?");
            fclose(f);
        }
        char *safe = text_sanitize_dup(who ? who : "?");
        cli_error("show failed for %s: %s", safe ? safe : "?", it->error ? it->error : "?");
        free(safe);
        free(who);
    }
}

/* Reading, like list: but show with nothing at all is a usage error, so every account must
 * be asked for by --all. */
static int show_selection_args(const cli_parsed *p, cli_selection *sel)
{
    if (cli_flag_given(p, CLI_F_ID) || p->n_operands > 0)
        return cli_usage("show: name one account (--id ID or [CONNECTION] IDENTIFIER) or give a "
                         "selection (-c, -s, -q, --expiring-within, --unused-for, --view), "
                         "not both");
    int rc = cli_selection_of(p, sel);
    if (rc)
        return rc;
    if (sel->all && sel->narrows)
        return cli_usage("show: --all cannot be combined with a narrowing flag");
    if (!sel->narrows && !sel->all)
        return cli_usage("show: give a selection flag (-c, -s, -q, --expiring-within, "
                         "--unused-for, --view) or --all");
    return SK_EXIT_OK;
}

int cli_show_selection(const cli_globals *g, const cli_parsed *p)
{
    cli_selection sel;
    int rc = show_selection_args(p, &sel);
    if (rc)
        return rc;
    bool json = cli_format_of(p, CLI_FMT_TEXT) == CLI_FMT_JSON;
    cli_session s;
    if ((rc = cli_connect(g, &s)) != 0)
        return rc;
    cli_picked pk;
    rc = cli_select_accounts(g, &s, &sel, &pk);
    if (rc) {
        cli_disconnect(&s);
        return rc;
    }
    show_run r = { .s = &s, .n = pk.n, .json = json };
    if (!(r.items = calloc(pk.n + 1, sizeof *r.items))) {
        cli_error("out of memory");
        rc = SK_EXIT_API;
    } else {
        for (size_t i = 0; i < pk.n; i++)
            store_get(pk.store, pk.rows[i], &r.items[i].a);
        show_run_all(&r, g);
        write_out(&r);
        if (pk.n == 0)
            cli_error("no account matches the selection");
        if (r.failed) {
            failures_on_stderr(&r);
            cli_error("%zu of %zu accounts could not be read", r.failed, pk.n);
            rc = SK_EXIT_API;
        }
    }
    for (size_t i = 0; r.items && i < pk.n; i++) {
        free(r.items[i].text);
        free(r.items[i].error);
        if (r.items[i].json)
            json_object_put(r.items[i].json);
    }
    free(r.items);
    cli_picked_free(&pk);
    cli_disconnect(&s);
    return rc;
}
