/* cli_find.c: an account named by its identifier alone (`skdash show IDENTIFIER`, `skdash link
 * IDENTIFIER`): the accounts with exactly that identifier, in every connection, asked of the
 * server (the list endpoint's identifier filter), never by listing everything. */
#include "cli_find.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "listing.h"
#include "state.h"
#include "text.h"

/* A server that pages forever is not followed: an identifier is in few connections. */
#define FIND_MAX_PAGES 50

typedef struct find_match { char *id, *connector, *status; sk_state state; } find_match;

typedef struct find_ctx {
    const char *ident;
    find_match *m;
    size_t n, cap;
    char *next;               /* the next page's token, NULL when none */
    char **seen;              /* every token sent (a repeat is a cycle) */
    size_t n_seen;
    bool done, oom;
    sk_error err;
} find_ctx;

static bool keep(find_ctx *f, const sk_account *a)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->m[i].id, a->id) == 0)
            return true;   /* a row sent twice is one account */
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        find_match *m = realloc(f->m, cap * sizeof *m);
        if (!m)
            return false;
        f->m = m;
        f->cap = cap;
    }
    find_match *d = &f->m[f->n];
    d->id = strdup(a->id);
    d->connector = strdup(a->connector ? a->connector : "");
    d->status = strdup(a->status ? a->status : "");
    d->state = a->state;
    if (!d->id || !d->connector || !d->status) {
        free(d->id);
        free(d->connector);
        free(d->status);
        return false;
    }
    f->n++;
    return true;
}

static void on_page(void *ud, const sk_account_page *p, const sk_error *err)
{
    find_ctx *f = ud;
    f->done = true;
    free(f->next);
    f->next = NULL;
    if (err->status != SK_OK || !p) {
        f->err = *err;
        return;
    }
    /* The filter is the server's; exactness is ours (a server may match more loosely). */
    for (size_t i = 0; i < p->n && !f->oom; i++) {
        const sk_account *a = &p->rows[i];
        if (a->id && *a->id && a->identifier && strcmp(a->identifier, f->ident) == 0)
            f->oom = !keep(f, a);
    }
    if (p->next_page_token && *p->next_page_token && !(f->next = strdup(p->next_page_token)))
        f->oom = true;
}

static bool token_repeats(find_ctx *f, const char *t)
{
    for (size_t i = 0; i < f->n_seen; i++)
        if (strcmp(f->seen[i], t) == 0)
            return true;
    char **s = realloc(f->seen, (f->n_seen + 1) * sizeof *s);
    if (!s || !(s[f->n_seen] = strdup(t))) {
        f->seen = s ? s : f->seen;
        f->oom = true;
        return true;
    }
    f->seen = s;
    f->n_seen++;
    return false;
}

/* Every page of GET /connected_accounts?identifier=IDENT (all connections), or of the search
 * for it (search: its pages hold every account whose identifier contains it). */
static sk_status find_pages(sk_client *c, find_ctx *f, bool search)
{
    for (int page = 0; page < FIND_MAX_PAGES; page++) {
        char *token = f->next;
        f->next = NULL;
        if (page > 0 && (!token || token_repeats(f, token))) {
            bool cycle = token != NULL && !f->oom;
            free(token);
            if (cycle)
                sk_error_set(&f->err, SK_ERR_PARSE, "the server sent a page token it had sent "
                             "before (a cycle) while looking the identifier up");
            break;
        }
        api_list_query q = { .identifier = f->ident, .page_size = 99, .page_token = token };
        f->done = false;
        sk_request *rq = search ? api_search_accounts(c, f->ident, NULL, 30, token, on_page, f)
                                : api_list_accounts(c, &q, on_page, f);
        if (!rq && !f->done)
            sk_error_set(&f->err, SK_ERR_NOMEM, "out of memory");
        while (!f->done && f->err.status == SK_OK) {
            client_step(c);
            if (!f->done)
                client_wait(c, NULL, 0, -1);
        }
        free(token);
        if (f->err.status != SK_OK || f->oom || !f->next)
            break;
    }
    if (f->oom && f->err.status == SK_OK)
        sk_error_set(&f->err, SK_ERR_NOMEM, "out of memory");
    if (f->err.status == SK_OK && f->next)
        sk_error_set(&f->err, SK_ERR_PARSE, "the server sent more than %d pages for one "
                     "identifier: stopped", FIND_MAX_PAGES);
    return f->err.status;
}

/* The list endpoint's identifier filter first; a server that refuses it without a connection
 * (400) is asked through the search instead, when the identifier fits its 3 to 200
 * characters (the exact match is ours either way). */
static sk_status find_all(sk_client *c, find_ctx *f)
{
    if (find_pages(c, f, false) == SK_OK || f->err.http_status != 400 || f->n)
        return f->err.status;
    if (listing_query_plan(f->ident) == LISTING_QUERY_SHORT ||
        listing_query_plan(f->ident) == LISTING_QUERY_LONG)
        return f->err.status;
    for (size_t i = 0; i < f->n_seen; i++)
        free(f->seen[i]);
    f->n_seen = 0;
    free(f->next);
    f->next = NULL;
    sk_error_clear(&f->err);
    return find_pages(c, f, true);
}

static void find_free(find_ctx *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->m[i].id);
        free(f->m[i].connector);
        free(f->m[i].status);
    }
    free(f->m);
    for (size_t i = 0; i < f->n_seen; i++)
        free(f->seen[i]);
    free(f->seen);
    free(f->next);
}

/* The matches, one per line on stderr: connection, state, id, in columns. */
static void list_matches(const find_ctx *f)
{
    int w_conn = 10, w_state = 5;
    char **conn = calloc(f->n, sizeof *conn), **state = calloc(f->n, sizeof *state);
    for (size_t i = 0; conn && state && i < f->n; i++) {
        conn[i] = text_sanitize_dup(f->m[i].connector);
        char label[128];
        state_label(f->m[i].state, f->m[i].status, text_locale_utf8(), label, sizeof label);
        state[i] = text_sanitize_dup(label);
        int a = conn[i] ? text_width(conn[i]) : 0, b = state[i] ? text_width(state[i]) : 0;
        w_conn = a > w_conn ? a : w_conn;
        w_state = b > w_state ? b : w_state;
    }
    fprintf(stderr, "  %-*s  %-*s  %s\n", w_conn, "CONNECTION", w_state, "STATE", "ID");
    for (size_t i = 0; conn && state && i < f->n; i++) {
        char *id = text_sanitize_dup(f->m[i].id);
        const char *c = conn[i] ? conn[i] : "", *s = state[i] ? state[i] : "";
        /* Padded by display width: printf pads by bytes. */
        fprintf(stderr, "  %s%*s  %s%*s  %s\n", c, w_conn - text_width(c), "", s,
                w_state - text_width(s), "", id ? id : "");
        free(id);
    }
    for (size_t i = 0; conn && state && i < f->n; i++) {
        free(conn[i]);
        free(state[i]);
    }
    free(conn);
    free(state);
}

int cli_find_identifier(cli_session *s, const char *cmd, const char *ident, char **id_out)
{
    *id_out = NULL;
    find_ctx f = { .ident = ident };
    sk_error_clear(&f.err);
    int rc = SK_EXIT_OK;
    char shown[200];
    text_safe_format(shown, sizeof shown, "%s", ident);
    if (find_all(s->client, &f) != SK_OK) {
        rc = cli_fail(&f.err);
    } else if (f.n == 0) {
        cli_error("no account with the identifier '%s' in any connection", shown);
        rc = SK_EXIT_NOT_FOUND;
    } else if (f.n > 1) {
        cli_error("'%s' is in %zu connections: name the connection (skdash %s CONNECTION %s) "
                  "or give --id", shown, f.n, cmd, shown);
        list_matches(&f);
        rc = SK_EXIT_USAGE;
    } else if (!(*id_out = strdup(f.m[0].id))) {
        cli_error("out of memory");
        rc = SK_EXIT_API;
    }
    find_free(&f);
    return rc;
}
