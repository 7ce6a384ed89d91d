/* tui_campaign.c: `L`, a re-authorization campaign from the dashboard: a fresh link for every
 * marked account (or the current one), written to a CSV file with the columns of `skdash link
 * --format csv` (bulk.h writes the rows for both). The requests run in the dashboard's loop,
 * a few at a time (--concurrency, default 4), over the client's one token; every link is
 * journaled; the footer counts them, then names the file. */
#include "tui_app.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bulk.h"
#include "link_message.h"
#include "sk_time.h"
#include "verify.h"
#include "xdg.h"

typedef struct camp_row {
    bool answered, ok;
    char *link, *message, *error;
    int64_t expiry;
} camp_row;

typedef struct campaign camp;

typedef struct camp_ticket {
    camp *c;
    size_t i;
} camp_ticket;

struct campaign {
    tui_app *app;
    tui_target *t;
    camp_row *rows;
    camp_ticket *k;
    size_t n, sent, answered, ok, in_flight;
    int limit;            /* requests on the wire at once */
    bool sending;         /* camp_send is running: an answer that lands at once leaves the
                           * sending to its loop instead of nesting a call per account */
    int fd;
    char path[4096];
};

/* One campaign at a time (the dashboard's own). */
static camp *running;

/* "$XDG_STATE_HOME/skdash/links-20261202-0715.csv" (local time), created 0600 and exclusive:
 * never written through a file or link already there; a second file in the same minute gets
 * "-2", "-3" ... Returns the fd, -1 with errno and a message. */
static int open_file(char *path, size_t n, char *why, size_t whyn)
{
    char dir[4000];
    if (!xdg_dir("XDG_STATE_HOME", ".local/state", dir, sizeof dir)) {
        snprintf(why, whyn, "no state directory (XDG_STATE_HOME, HOME)");
        return -1;
    }
    if (!xdg_mkdirs(dir)) {
        snprintf(why, whyn, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    time_t now = (time_t)time_now();
    struct tm tm;
    char stamp[32] = "";
    if (localtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M", &tm);
    for (int seq = 1; seq < 100; seq++) {
        int w = seq == 1 ? snprintf(path, n, "%s/links-%s.csv", dir, stamp)
                         : snprintf(path, n, "%s/links-%s-%d.csv", dir, stamp, seq);
        if (w < 0 || (size_t)w >= n) {
            snprintf(why, whyn, "path too long");
            return -1;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (fchmod(fd, 0600) == 0)   /* exactly 0600, whatever the umask left */
                return fd;
            snprintf(why, whyn, "cannot set the mode of %s: %s", path, strerror(errno));
            close(fd);
            unlink(path);
            return -1;
        }
        if (errno != EEXIST) {
            snprintf(why, whyn, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
    }
    snprintf(why, whyn, "too many link files this minute in %s", dir);
    return -1;
}

static bool write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        len -= (size_t)w;
    }
    return true;
}

static void camp_free(camp *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->rows[i].link);
        free(c->rows[i].message);
        free(c->rows[i].error);
    }
    free(c->rows);
    free(c->k);
    data_targets_free(c->t, c->n);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    if (running == c)
        running = NULL;
}

/* Every account has answered: the rows in the order of the accounts, then the footer. */
static void camp_finish(camp *c)
{
    tui_app *a = c->app;
    sk_buf b;
    buf_init(&b);
    bool ok = link_rows_csv_header(&b);
    for (size_t i = 0; ok && i < c->n; i++) {
        const camp_row *r = &c->rows[i];
        sk_link_row lr = {
            .connection = c->t[i].connector, .identifier = c->t[i].identifier,
            .account_id = c->t[i].id, .state = c->t[i].state,
            .link = r->ok ? r->link : NULL, .expiry = r->ok ? r->expiry : SK_TIME_ABSENT,
            .message = r->ok ? r->message : NULL, .error = r->ok ? NULL : r->error,
        };
        ok = link_rows_csv(&b, &lr);
    }
    errno = 0;
    ok = ok && write_all(c->fd, b.s ? b.s : "", b.len) && fsync(c->fd) == 0;
    int e = errno;
    buf_free(&b);
    ok = close(c->fd) == 0 && ok;
    c->fd = -1;
    if (a->closing)
        ;
    else if (!ok)
        data_set_error(a, "links not written to %s: %s", c->path, e ? strerror(e) : "out of memory");
    else if (c->ok == c->n)
        data_set_notice(a, "wrote %zu link%s: %s", c->n, c->n == 1 ? "" : "s", c->path);
    else
        data_set_error(a, "wrote %zu of %zu links (%zu failed: see the error column): %s", c->ok,
                       c->n, c->n - c->ok, c->path);
    camp_free(c);
}

static void camp_send(camp *c);

static void link_done(void *ud, const sk_link_outcome *o)
{
    camp_ticket *k = ud;
    camp *c = k->c;
    tui_app *a = c->app;
    const tui_target *t = &c->t[k->i];
    camp_row *r = &c->rows[k->i];
    /* Every link issued is journaled, as in the link view. */
    char result[640];
    verify_link_journal(o, result, sizeof result);
    data_journal(a, "link", t->id, t->identifier, t->connector, result);
    r->answered = true;
    r->ok = o->outcome == SK_OUTCOME_DONE && !o->expired && o->link;
    if (r->ok) {
        r->link = strdup(o->link);
        r->expiry = o->expiry;
        r->message = link_message(t->identifier, t->connector, o->link, o->expiry, time_now(),
                                  a->cfg->message);
        r->ok = r->link && r->message;
    }
    if (!r->ok) {
        /* The journal's words say what happened ("failed: ...", "unknown: ..."). */
        r->error = strdup(o->outcome == SK_OUTCOME_DONE && o->expired
                              ? "the link had already expired" : result);
    } else {
        c->ok++;
    }
    c->answered++;
    c->in_flight--;
    if (c->answered == c->n) {
        camp_finish(c);
        return;
    }
    if (!a->closing)
        data_set_notice(a, "links: %zu of %zu", c->answered, c->n);
    camp_send(c);
}

/* Keeps `limit` requests on the wire until every account has been asked. */
static void camp_send(camp *c)
{
    if (c->sending)
        return;
    c->sending = true;
    while (c->sent < c->n && c->in_flight < (size_t)c->limit && !c->app->closing) {
        size_t i = c->sent++;
        c->k[i].c = c;
        c->k[i].i = i;
        c->in_flight++;
        sk_selector sel = { .id = c->t[i].id };
        verify_link(c->app->client, &sel, link_done, &c->k[i]);   /* may answer at once */
        if (running != c)
            return;   /* that answer was the last one: c is gone */
    }
    c->sending = false;
    /* Closing: what was never sent is a row that says so. */
    if (c->app->closing && c->sent < c->n && c->in_flight == 0) {
        for (size_t i = c->sent; i < c->n; i++) {
            c->rows[i].error = strdup("not asked: the dashboard was closing");
            c->answered++;
        }
        c->sent = c->n;
        camp_finish(c);
    }
}

void act_links_file(tui_app *a, int arg)
{
    (void)arg;
    if (running) {
        data_set_notice(a, "links are being written already (%zu of %zu)", running->answered,
                        running->n);
        return;
    }
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "no account selected");
        return;
    }
    camp *c = calloc(1, sizeof *c);
    camp_row *rows = c ? calloc(n, sizeof *rows) : NULL;
    camp_ticket *k = rows ? calloc(n, sizeof *k) : NULL;
    if (!k) {
        free(rows);
        free(c);
        data_targets_free(t, n);
        data_set_error(a, "out of memory");
        return;
    }
    char why[4200];
    c->fd = open_file(c->path, sizeof c->path, why, sizeof why);
    if (c->fd < 0) {
        free(rows);
        free(k);
        free(c);
        data_targets_free(t, n);
        data_set_error(a, "links not written: %s", why);
        return;
    }
    c->app = a;
    c->t = t;
    c->rows = rows;
    c->k = k;
    c->n = n;
    c->limit = a->o.concurrency > 0 ? a->o.concurrency : 4;
    running = c;
    data_set_notice(a, "links: 0 of %zu", n);
    camp_send(c);
}

