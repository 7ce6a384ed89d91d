/* tui_data.c: the dashboard's data side: the store as a listing sink, refreshes that keep the
 * last good data when they fail, the view that follows one account by id, details, deletes. */
#include "tui_app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "journal.h"
#include "sk_time.h"
#include "text.h"
#include "verify.h"

long long tui_now_ms(void)
{
    return tui_now_us() / 1000;
}

long long tui_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Messages quote server strings: made safe once, here. */
static void set_msg(char *dst, size_t n, const char *fmt, va_list ap)
{
    text_safe_vformat(dst, n, fmt, ap);
}

void data_set_error(tui_app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(a->error, sizeof a->error, fmt, ap);
    va_end(ap);
    a->notice[0] = '\0';
    tui_draw_now(a);
}

void data_set_warning(tui_app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(a->warning, sizeof a->warning, fmt, ap);
    va_end(ap);
    tui_draw_now(a);
}

void data_set_notice(tui_app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(a->notice, sizeof a->notice, fmt, ap);
    va_end(ap);
    tui_draw_now(a);
}

/* ---------------------------------------------------------------- the store as a sink */

/* The core's store sink (store_sink.h) fills the store and keeps the policy for damaged pages;
 * the dashboard only redraws and, at the end, keeps the cache or retries. */
static void sink_changed(void *ud)
{
    tui_app *a = ud;
    a->view_dirty = a->dirty = true;
}

/* The settings the client id and secret came from, as the user would edit them. */
static const char *id_setting(const sk_config *c)
{
    const char *src = c->id_source ? c->id_source : "";
    return strcmp(src, "environment") == 0 ? "SCALEKIT_CLIENT_ID"
         : strcmp(src, "flag") == 0 ? "--client-id" : "the profile's client_id";
}

static const char *secret_setting(const sk_config *c)
{
    const char *src = c->secret_source ? c->secret_source : "";
    return strcmp(src, "environment") == 0 ? "SCALEKIT_CLIENT_SECRET"
         : strcmp(src, "command") == 0 ? "the profile's client_secret_command"
         : "the profile's client_secret";
}

/* A refresh that failed is tried again by itself: 2 s, 4 s, ... at most 30 s apart. Refused
 * credentials are not: the same secret fails the same way (and each try is one more refused
 * login on the server), so the footer says which settings to check and `r` tries again. */
static void refresh_failed(tui_app *a, const sk_error *err)
{
    /* The rows stay as they were: the footer keeps the time of the last good refresh. */
    char *safe = text_sanitize_dup(err->message);
    const char *why = safe && *safe ? safe : "unknown error";
    if (err->status == SK_ERR_AUTH) {
        snprintf(a->refresh_error, sizeof a->refresh_error, "%s: check %s and %s, then press r",
                 why, id_setting(a->cfg), secret_setting(a->cfg));
        free(safe);
        a->refresh_stopped = true;
        a->retry_ms = 0;
        a->next_refresh_ms = 0;
        return;
    }
    snprintf(a->refresh_error, sizeof a->refresh_error, "%s", why);
    free(safe);
    a->retry_ms = a->retry_ms ? a->retry_ms * 2 : TUI_RETRY_FIRST_MS;
    if (a->retry_ms > TUI_RETRY_CAP_MS)
        a->retry_ms = TUI_RETRY_CAP_MS;
    a->next_refresh_ms = tui_now_ms() + a->retry_ms;
}

/* ---------------------------------------------------------------- the start-up cache */

/* What the dashboard knows of its cache file (one dashboard per process: the app it belongs
 * to is named, so a second app starts afresh). */
static struct {
    const tui_app *app;
    sk_cache_keeper k;
    /* Saves wait until the screen is drawn (data_after_draw) and run in a child process
     * (cache_save_changed_bg: a million rows are half a second of work the keys must not wait
     * for); one asked for while another runs waits for it: the file a complete listing
     * replaces, and the correction of deletes and disconnects. */
    bool keep_due, touch_due;
    sk_cache_loader *loader;   /* the file's accounts not read yet (data_cache_load) */
} keeper;

static void loader_close(void)
{
    cache_loader_close(keeper.loader);
    keeper.loader = NULL;
}

size_t data_cache_loading(const tui_app *a, size_t *total)
{
    bool on = keeper.app == a && keeper.loader;
    if (total)
        *total = on ? cache_loader_total(keeper.loader) : 0;
    return on ? cache_loader_left(keeper.loader) : 0;
}

/* Up to `max` more of the file's accounts; the loader goes once they are all in. */
static void cache_read_some(tui_app *a, size_t max)
{
    sk_error err;
    bool more = cache_loader_step(keeper.loader, max, &err);
    a->view_dirty = a->dirty = true;
    if (more)
        return;
    loader_close();
    if (err.status != SK_OK)   /* what was read stays, marked cached: the listing replaces it */
        data_set_warning(a, "%s", err.message);
}

void data_cache_settle(tui_app *a)
{
    if (data_cache_loading(a, NULL))
        cache_read_some(a, (size_t)-1);
}

void data_cache_load(tui_app *a)
{
    if (cache_bg_busy(&keeper.k)) {
        sk_error e;
        cache_bg_finish(&keeper.k, true, NULL, &e);   /* the last environment's save */
    }
    loader_close();
    memset(&keeper, 0, sizeof keeper);
    keeper.app = a;
    a->cache_on = a->cfg->cache && !cache_disabled();
    if (!a->cache_on)
        return;
    /* Temporary files of a save that was killed (kill -9) would otherwise stay forever. */
    cache_clean_stale();
    int64_t saved = 0;
    sk_error err;
    sk_error_clear(&err);
    /* The check of the file takes the digest of what it holds (an unchanged listing is not
     * rewritten), so no walk of the whole store waits behind the first screen; the first screen
     * waits only for the check and the first rows. */
    sk_status st = cache_loader_open(a->store, a->cfg->environment_url, a->cfg->client_id,
                                     &saved, &keeper.k, &keeper.loader, &err);
    if (st == SK_OK) {
        a->from_cache = true;
        a->cache_saved_at = saved;
        cache_read_some(a, TUI_CACHE_FIRST);
    } else if (st != SK_ERR_NOT_FOUND) {
        /* A damaged or foreign file is not shown; the listing replaces it. */
        data_set_notice(a, "cache not used: %s", err.message);
    }
}

/* The file is written in the order a dashboard starts with (identifier, ascending) when the
 * view holds every row in that order now: the next start loads a store already sorted, and its
 * first sort of a million rows is one pass that finds them in order (450 ms otherwise). In any
 * other order the rows go in store order. */
static void keeper_order(const tui_app *a)
{
    size_t n = 0;
    sk_sort_key by = SK_SORT_IDENTIFIER;
    bool reverse = false;
    const sk_row *rows = view_sorted_all(&a->view, a->store, &n, &by, &reverse);
    bool use = rows && by == SK_SORT_IDENTIFIER && !reverse;
    keeper.k.order = use ? rows : NULL;
    keeper.k.n_order = use ? n : 0;
}

/* A complete listing replaces the cache (a failed or damaged one never does), but only when it
 * changed, and a changed one at most once a minute after the first: --refresh 1 must not
 * rewrite (and flush) a 15 MB file every second. */
static void cache_keep(tui_app *a)
{
    if (cache_bg_busy(&keeper.k))
        return;   /* keep_due stays: started when the save under way is over */
    keeper.keep_due = false;
    sk_error err;
    sk_error_clear(&err);
    keeper_order(a);
    if (cache_save_changed_bg(&keeper.k, a->store, a->cfg->environment_url, a->cfg->client_id,
                              tui_now_ms(), &err) != SK_OK)
        data_set_warning(a, "cache not written: %s", err.message);
    keeper.k.order = NULL;
}

/* When the rows on screen were listed (or, from the cache, when that listing was). */
static int64_t listed_at(const tui_app *a)
{
    return a->last_refresh != SK_TIME_ABSENT ? a->last_refresh : a->cache_saved_at;
}

void data_after_draw(tui_app *a)
{
    if (keeper.app == a && keeper.keep_due && !a->closing)
        cache_keep(a);
}

/* Accounts deleted or disconnected here: the cache must not show them as they were at the
 * next start. Only a store that holds a whole listing (from the cache or a completed one) is
 * written; one still filling from its first listing has no file to correct. */
void data_cache_touched(tui_app *a)
{
    if (!a->cache_on || keeper.app != a || a->closing)
        return;
    if (!a->from_cache && a->last_refresh == SK_TIME_ABSENT)
        return;
    data_cache_settle(a);   /* a file holds the whole listing, never the part read so far */
    if (cache_bg_busy(&keeper.k)) {
        keeper.touch_due = true;   /* after the save under way (data_cache_bg) */
        return;
    }
    keeper.touch_due = false;
    sk_error err;
    sk_error_clear(&err);
    keeper_order(a);
    if (cache_save_touched_bg(&keeper.k, a->store, a->cfg->environment_url, a->cfg->client_id,
                              listed_at(a), tui_now_ms(), &err) != SK_OK)
        data_set_warning(a, "cache not written: %s", err.message);
    keeper.k.order = NULL;
}

int data_cache_fd(const tui_app *a)
{
    return keeper.app == a ? cache_bg_fd(&keeper.k) : -1;
}

void data_cache_bg(tui_app *a)
{
    if (keeper.app != a || !cache_bg_busy(&keeper.k))
        return;
    sk_error err;
    if (!cache_bg_finish(&keeper.k, false, NULL, &err))
        return;
    if (err.status != SK_OK)
        data_set_warning(a, "cache not written: %s", err.message);
    if (keeper.touch_due && !keeper.keep_due)
        data_cache_touched(a);   /* a complete listing due next writes the deletes too */
    else
        keeper.touch_due = false;
}

/* At exit: what the once-a-minute bound held back is written now. */
void data_cache_flush(tui_app *a)
{
    if (keeper.app == a && (keeper.k.pending || keeper.touch_due))
        data_cache_settle(a);   /* what is written is the whole listing */
    if (keeper.app == a)
        loader_close();   /* the store goes next */
    if (!a->cache_on || keeper.app != a)
        return;
    sk_error err;
    sk_error_clear(&err);
    if (cache_bg_busy(&keeper.k))
        cache_bg_finish(&keeper.k, true, NULL, &err);   /* the save under way, to its end */
    if (keeper.keep_due) {
        /* A listing completed in the last turns: written here, now, within the bound. */
        keeper.keep_due = false;
        keeper_order(a);
        cache_save_changed(&keeper.k, a->store, a->cfg->environment_url, a->cfg->client_id,
                           tui_now_ms(), NULL, &err);
        keeper.k.order = NULL;
    }
    if (!keeper.k.pending && !keeper.touch_due)
        return;
    keeper.touch_due = false;
    keeper_order(a);
    cache_save_touched(&keeper.k, a->store, a->cfg->environment_url, a->cfg->client_id,
                       listed_at(a), tui_now_ms(), true, NULL, &err);
    keeper.k.order = NULL;
}

static void sink_done(void *ud, const sk_error *err)
{
    tui_app *a = ud;
    a->listing_over = true;
    a->dirty = true;
    if (a->closing)
        return;
    if (err->status == SK_ERR_CANCELLED)
        return;
    if (err->status != SK_OK) {
        /* Damaged rows included: the sink kept what was there and swept nothing. */
        refresh_failed(a, err);
        return;
    }
    /* The sink swept the store: it holds exactly what the server has. The file is compared
     * with it (and written) once the screen shows the listing complete. What the file holds
     * and was not read yet is older than the listing: it is not read. */
    if (keeper.app == a)
        loader_close();
    a->from_cache = false;
    if (a->cache_on) {
        if (keeper.app != a) {
            memset(&keeper, 0, sizeof keeper);
            keeper.app = a;
        }
        keeper.keep_due = true;
    }
    a->last_refresh = time_now();
    search_follow(a);   /* the listing is complete: no more searching */
    a->refresh_error[0] = '\0';
    a->retry_ms = 0;
    a->trouble_ms = 0;
    a->view_dirty = true;
    if (a->o.refresh_secs > 0)
        a->next_refresh_ms = tui_now_ms() + (long long)a->o.refresh_secs * 1000;
}

static const sk_store_sink_hooks sink_hooks = { sink_changed, sink_done };

void data_start_refresh(tui_app *a)
{
    if (a->listing && !a->listing_over) {
        data_set_notice(a, "a refresh is already running");
        return;
    }
    data_after_listing(a);
    store_sink_begin(&a->sink, a->store, &sink_hooks, a);
    listing_opts lo = { 0 };
    lo.concurrency = a->o.concurrency > 0 ? a->o.concurrency : 4;
    lo.page_size = 99;
    a->listing_over = false;
    a->next_refresh_ms = 0;
    a->refresh_stopped = false;   /* `r` after refused credentials: one more try */
    a->listing = listing_start(a->client, &lo, store_sink_callbacks(), &a->sink);
    a->dirty = true;
}

void data_after_listing(tui_app *a)
{
    /* A damaged page's retry is due from the listing's own timer: the loop wakes at least
     * every TUI_SPIN_MS while a listing runs, often enough for a 100 ms backoff. */
    if (a->listing && !a->listing_over)
        listing_step(a->listing);
    if (a->listing && a->listing_over) {
        listing_free(a->listing);
        a->listing = NULL;
    }
}

/* ---------------------------------------------------------------- the view */

/* The connections pane: the saved views of the registry first, then every connection. */
size_t data_conn_items(const tui_app *a)
{
    size_t n;
    saved_views(&n);
    return n + store_connection_count(a->store);
}

bool data_item(const tui_app *a, size_t i, tui_item *out)
{
    size_t nv;
    const sk_saved_view *views = saved_views(&nv);
    memset(out, 0, sizeof *out);
    if (i < nv) {
        out->saved = &views[i];
        out->name = views[i].label;
        out->counting = i >= TUI_MAX_SAVED || !a->saved_ready[i];
        memcpy(out->count, a->saved_count[i < TUI_MAX_SAVED ? i : 0], sizeof out->count);
        for (int s = 0; s < SK_STATE_COUNT; s++)
            out->total += out->count[s];
        return true;
    }
    if (i - nv >= store_connection_count(a->store))
        return false;
    sk_conn_summary cs;
    store_connection(a->store, i - nv, &cs);
    out->name = cs.name ? cs.name : "?";
    out->total = cs.total;
    memcpy(out->count, cs.count, sizeof cs.count);
    return true;
}

/* Saved views count when the store changes, never while drawing, and a slice of rows at a
 * time: until a view's rows are all counted the pane says "counting" (data_background goes on
 * each turn). The screen is drawn again only when what it shows changed. */
static void saved_counts_update(tui_app *a)
{
    size_t nv;
    const sk_saved_view *views = saved_views(&nv);
    int64_t now = time_now();
    a->tally_pending = false;
    for (size_t i = 0; i < nv && i < TUI_MAX_SAVED; i++) {
        size_t count[SK_STATE_COUNT];
        bool ready = saved_view_tally_some(&views[i], a->store, now, &a->saved_tally[i],
                                           TUI_TALLY_ROWS, count);
        if (ready != a->saved_ready[i] || memcmp(count, a->saved_count[i], sizeof count) != 0)
            a->dirty = true;
        memcpy(a->saved_count[i], count, sizeof count);
        a->saved_ready[i] = ready;
        a->tally_pending |= saved_view_tally_more(&a->saved_tally[i], a->store);
    }
    a->tally_layout = store_layout_version(a->store);
}

bool data_background_due(const tui_app *a)
{
    return a->tally_pending || a->prepare_pending || data_cache_loading(a, NULL);
}

/* Rows of filter records built a turn while nothing else runs: about 2-4 ms, so that a key
 * pressed as a listing ends waits for no more (131,072 rows a turn took 12-22 ms there and
 * made that key the slowest of a 100,000-account listing). */
#define TUI_PREPARE_SLICE 16384

void data_background(tui_app *a)
{
    if (data_cache_loading(a, NULL))
        cache_read_some(a, TUI_CACHE_SLICE);
    if (!a->tally_pending) {
        /* The first key typed after '/' finds the view's filter records built. */
        if (a->prepare_pending && !view_prepare(&a->view, a->store, TUI_PREPARE_SLICE))
            a->prepare_pending = false;
        return;
    }
    if (a->tally_layout != store_layout_version(a->store)) {
        /* Rows counted so far changed under the count (a refresh rewriting rows): it starts
         * again with the view's next update, paced as frames are, not on every turn while
         * pages keep changing rows. */
        a->tally_pending = false;
        a->view_dirty = true;
        return;
    }
    saved_counts_update(a);
}

void data_spec_rebuild(tui_app *a)
{
    /* Parse into a copy: while a token is half typed ("state:exp") the last good filter
     * stays in force and the filter line says why the new one is not. */
    sk_view_spec next = a->spec;
    a->filter_bad = !view_spec_parse(&next, a->filter, a->base_mask, a->filter_msg,
                                     sizeof a->filter_msg);
    if (!a->filter_bad) {
        a->spec = next;
        view_spec_describe(&next, a->base_mask, a->filter_said, sizeof a->filter_said);
    }
    else
        a->spec.state_mask &= a->base_mask;
    if (!*a->filter)
        a->spec.state_mask = a->base_mask;
    tui_item it;
    if (!data_item(a, a->conn_cur, &it))
        data_item(a, 0, &it);
    a->spec.saved = it.saved;
    if (!it.saved && a->spec.n_connections == 0) {
        snprintf(a->spec.connections[0], sizeof a->spec.connections[0], "%s", it.name);
        a->spec.n_connections = 1;
    }
    a->view_dirty = a->dirty = true;
}

/* Marked accounts in view, counted when the view changes and kept by the mark actions
 * (data_marks_changed), so a key at a million rows does not count them again; a mark count the
 * tally was not told of is counted here. */
static size_t marks_in_view(const tui_app *a)
{
    size_t here = 0;
    for (size_t i = 0; i < a->view.n; i++)
        here += store_marked(a->store, a->view.rows[i]);
    return here;
}

static void marks_recount(tui_app *a)
{
    a->marks_all = store_mark_count(a->store);
    a->marks_here = a->marks_all ? marks_in_view(a) : 0;   /* the usual case costs nothing */
}

void data_marks_changed(tui_app *a, size_t here)
{
    a->marks_all = store_mark_count(a->store);
    a->marks_here = here;
}

size_t data_marks_here(const tui_app *a)
{
    size_t all = store_mark_count(a->store);
    if (!all)
        return 0;
    return all == a->marks_all ? a->marks_here : marks_in_view(a);
}

void data_view_update(tui_app *a)
{
    if (a->conn_cur >= data_conn_items(a))
        a->conn_cur = 0;
    saved_counts_update(a);
    /* Once per turn of the loop, not per key: keys typed in one burst make one search. Keys
     * read together update the view before each one (the cursor acts on what is shown), but the
     * search follows the text only once the last of them is read: a request started for the
     * first letters (the token already in) would have the whole name wait for its answer. */
    if (!a->in_keys)   /* else tui_run.c's loop, once the keys read together are done */
        search_follow(a);
    if (view_update(&a->view, a->store, &a->spec) != SK_OK)
        data_set_error(a, "out of memory while sorting");
    a->view_dirty = false;
    /* While pages stream in, rows change under the records and merging needs what preparing
     * gives back: only once the listing is over. */
    a->prepare_pending = (!a->listing || a->listing_over) && !data_cache_loading(a, NULL);
    search_count_shown(a);
    marks_recount(a);
    size_t pos = *a->sel_id ? view_find_near(&a->view, a->store, a->sel_id, a->cur) : (size_t)-1;
    if (pos != (size_t)-1)
        a->cur = pos;
    else if (a->view.n == 0)
        a->cur = 0;
    else if (a->cur >= a->view.n)
        a->cur = a->view.n - 1;
    /* Nothing followed yet (the user has not moved): the cursor stays where it is, so the
     * first rows to arrive do not pin it while later pages sort in above. */
}

bool data_current(const tui_app *a, sk_account *out, sk_row *row)
{
    if (a->view.n == 0 || a->cur >= a->view.n)
        return false;
    sk_row r = a->view.rows[a->cur];
    if (!store_row_live(a->store, r))
        return false;
    store_get(a->store, r, out);
    if (row)
        *row = r;
    return true;
}

/* ---------------------------------------------------------------- targets */

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static void target_fill(tui_target *t, const sk_store *s, sk_row r)
{
    sk_account acc;
    store_get(s, r, &acc);
    t->id = dup_or_empty(acc.id);
    t->identifier = dup_or_empty(acc.identifier);
    t->connector = dup_or_empty(acc.connector);
    t->state = acc.state;
}

/* Marks belong to accounts (a flag on the store's row, kept by id across refreshes and dropped
 * with the account), not to the pane: every marked account is a target, wherever it was
 * marked. Those in view come first, in view order; then the rest in the store's order. With no
 * mark, the account under the cursor. */
tui_target *data_targets(tui_app *a, size_t *n)
{
    size_t marked = store_mark_count(a->store);
    size_t want = marked ? marked : (a->view.n && a->cur < a->view.n ? 1 : 0);
    *n = 0;
    if (!want)
        return NULL;
    tui_target *t = calloc(want, sizeof *t);
    if (!t)
        return NULL;
    if (!marked) {
        target_fill(&t[0], a->store, a->view.rows[a->cur]);
        *n = 1;
        return t;
    }
    size_t limit = store_row_limit(a->store);
    unsigned char *taken = calloc(limit ? limit : 1, 1);
    if (!taken) {
        free(t);
        return NULL;
    }
    for (size_t i = 0; i < a->view.n && *n < want; i++) {
        sk_row r = a->view.rows[i];
        if (!store_marked(a->store, r))
            continue;
        taken[r] = 1;
        target_fill(&t[(*n)++], a->store, r);
    }
    for (size_t r = 0; r < limit && *n < want; r++)
        if (!taken[r] && store_marked(a->store, (sk_row)r))
            target_fill(&t[(*n)++], a->store, (sk_row)r);
    free(taken);
    return t;
}

void data_targets_free(tui_target *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].id);
        free(t[i].identifier);
        free(t[i].connector);
    }
    free(t);
}

/* ---------------------------------------------------------------- details */

typedef struct ticket {
    tui_app *app;
    unsigned gen;
    char id[64];
    char label[160];
    char *ident, *conn;       /* deletes: for the journal (whole, however long) */
    tui_batch *batch;         /* several at once: one result line for all (NULL: one) */
} ticket;

static ticket *ticket_new(tui_app *a, unsigned gen, const char *id, const char *label)
{
    ticket *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->app = a;
    t->gen = gen;
    snprintf(t->id, sizeof t->id, "%s", id ? id : "");
    snprintf(t->label, sizeof t->label, "%s", label ? label : "");
    return t;
}

void data_detail_clear(tui_detail_cache *d)
{
    free(d->id);
    free(d->error);
    for (size_t i = 0; i < d->n_scopes; i++)
        free(d->scopes[i]);
    free(d->scopes);
    free(d->domain);
    free(d->api_config);
    unsigned gen = d->gen;
    memset(d, 0, sizeof *d);
    d->gen = gen + 1;
}

static void detail_done(void *ud, const sk_account_detail *det, const sk_error *err)
{
    ticket *t = ud;
    tui_app *a = t->app;
    if (!a->closing && t->gen == a->det.gen) {
        a->det.req = NULL;
        a->det.loading = false;
        if (err->status != SK_OK) {
            if (err->status != SK_ERR_CANCELLED)
                a->det.error = strdup(err->message);
        } else {
            a->det.scopes = calloc(det->n_scopes ? det->n_scopes : 1, sizeof *a->det.scopes);
            for (size_t i = 0; a->det.scopes && i < det->n_scopes; i++)
                a->det.scopes[a->det.n_scopes++] = dup_or_empty(det->scopes[i]);
            a->det.domain = det->domain ? strdup(det->domain) : NULL;
            a->det.api_config = det->api_config_json ? strdup(det->api_config_json) : NULL;
            /* The full record is fresher than the list row. */
            sk_account fresh = det->a;
            fresh.id = t->id;
            store_refresh_row(a->store, &fresh);
            a->view_dirty = true;
        }
        a->dirty = true;   /* at the pages' pace: it comes after each move, whose frame is drawn */
    }
    free(t);
}

void data_detail_want(tui_app *a)
{
    sk_account acc;
    if (!a->detail_open || !data_current(a, &acc, NULL) || !acc.id)
        return;
    if (a->det.id && strcmp(a->det.id, acc.id) == 0)
        return;
    if (a->det.req)
        client_cancel(a->client, a->det.req);
    data_detail_clear(&a->det);
    a->det.id = strdup(acc.id);
    a->det.loading = true;
    a->detail_scroll = 0;
    ticket *t = ticket_new(a, a->det.gen, acc.id, NULL);
    if (!t)
        return;
    sk_selector sel = { .id = acc.id };
    a->det.req = api_get_account(a->client, &sel, detail_done, t);
}

/* ---------------------------------------------------------------- delete */

void data_journal(tui_app *a, const char *action, const char *account_id, const char *identifier,
                  const char *connector, const char *result)
{
    sk_journal_entry e = {
        .environment = a->cfg->environment_url,
        .connection = connector,
        .identifier = identifier,
        .account_id = account_id,
        .action = action,
        .result = result,
        .syslog = a->cfg->journal_syslog,
        .profile = a->cfg->profile,
    };
    sk_error err;
    sk_error_clear(&err);
    /* Never blocks and never stops the action: only the footer says it was not written. */
    if (journal_append(NULL, &e, &err) != SK_OK && !a->closing)
        data_set_warning(a, "journal not written: %s", err.message);
}

/* verify_delete reads the account back when the answer was lost, so what is said here is
 * what the server shows, never a guess; the dashboard words the outcome's values itself. */
static void delete_said(tui_app *a, const ticket *t, const sk_delete_outcome *o)
{
    const char *why = verify_reason(&o->err);
    if (o->outcome == SK_OUTCOME_DONE) {
        if (o->how == SK_CONFIRM_READ_BACK_404)
            data_set_notice(a, "%s: deleted %s (the delete answered not found; the account is "
                            "confirmed gone)", t->label, o->account);
        else if (o->how == SK_CONFIRM_READ_BACK)
            data_set_notice(a, "%s: deleted %s (confirmed after the answer was lost: %s)",
                            t->label, o->account, why);
        else
            data_set_notice(a, "deleted %s", t->label);
    } else if (o->outcome == SK_OUTCOME_NOT_DONE && o->checked) {
        /* What matters first: the account is there; then why the delete did not go. */
        data_set_error(a, "not deleted: %s is still there (the delete failed: %s)", t->label,
                       o->err.message);
    } else if (o->outcome == SK_OUTCOME_NOT_DONE) {
        data_set_error(a, "not deleted: %s: %s", t->label, o->err.message);
    } else {
        data_set_error(a, "delete of %s: outcome unknown, check again (r): the answer to "
                       "deleting %s was lost (%s) and reading the account back failed too (%s)",
                       t->label, o->account, why, verify_reason(&o->check_err));
    }
}

static void delete_done(void *ud, const sk_delete_outcome *o)
{
    ticket *t = ud;
    tui_app *a = t->app;
    /* Every delete issued is journalled, even one still going when the dashboard closes. */
    char result[640];
    verify_delete_journal(o, result, sizeof result);
    data_journal(a, "delete", t->id, t->ident, t->conn, result);
    if (!a->closing) {
        a->deletes_in_flight--;
        if (o->outcome == SK_OUTCOME_DONE) {
            /* The row goes only once the server has said (or shown) so, and for good: the
             * rest of the cache is read first, so it cannot bring it back. */
            data_cache_settle(a);
            store_remove(a->store, t->id);
            if (strcmp(a->sel_id, t->id) == 0)
                a->sel_id[0] = '\0';
            a->view_dirty = true;
            data_cache_touched(a);
        }
        if (!t->batch)
            delete_said(a, t, o);
        if (t->batch)
            a->dirty = true;   /* a batch's progress: at the pace of the rest */
        else
            tui_draw_now(a);
    }
    if (t->batch) {
        char why[480];
        if (o->outcome == SK_OUTCOME_DONE)
            batch_answered(t->batch, NULL);
        else {
            if (o->outcome == SK_OUTCOME_NOT_DONE)
                snprintf(why, sizeof why, "%s: %s", t->label, o->err.message);
            else
                snprintf(why, sizeof why, "%s: outcome unknown, check again (r)", t->label);
            batch_answered(t->batch, why);
        }
    }
    free(t->ident);
    free(t->conn);
    free(t);
}

void data_delete(tui_app *a, const tui_target *tg, size_t n)
{
    tui_batch *batch = n > 1 ? batch_new(a, "deleted", "not deleted", n) : NULL;
    for (size_t i = 0; i < n; i++) {
        char label[160];
        snprintf(label, sizeof label, "%s (%s)", tg[i].identifier, tg[i].connector);
        ticket *t = ticket_new(a, 0, tg[i].id, label);
        if (!t) {
            batch_answered(batch, "out of memory");
            continue;
        }
        t->ident = strdup(tg[i].identifier);
        t->conn = strdup(tg[i].connector);
        t->batch = batch;
        a->deletes_in_flight++;
        verify_delete(a->client, tg[i].id, delete_done, t);
    }
    a->dirty = true;
}
