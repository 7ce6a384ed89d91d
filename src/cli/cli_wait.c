/* cli_wait.c: `skdash link --wait`: after the link is printed, the account is read every two
 * seconds until it is ACTIVE, the link expires or Ctrl-C; a countdown on a terminal's stderr. */
#include "cli_find.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "link_message.h"
#include "sk_time.h"
#include "text.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct wait_ctx {
    sk_request *req;
    bool answered;
    sk_error err;
    sk_state state;
    int64_t updated_at, token_expires_at;
} wait_ctx;

static void on_detail(void *ud, const sk_account_detail *d, const sk_error *err)
{
    wait_ctx *w = ud;
    w->req = NULL;
    w->answered = true;
    w->err = *err;
    if (err->status == SK_OK && d) {
        w->state = d->a.state;
        w->updated_at = d->a.updated_at;
        w->token_expires_at = d->a.token_expires_at;
    } else if (err->status == SK_OK) {
        sk_error_set(&w->err, SK_ERR_PARSE, "the server sent no account");
    }
}

/* ACTIVE, and, for an account ACTIVE before the link, changed since (the link was used). */
static bool authorized(const sk_account *before, const wait_ctx *w)
{
    if (w->state != SK_STATE_ACTIVE)
        return false;
    if (before->state != SK_STATE_ACTIVE)
        return true;
    return w->updated_at != before->updated_at || w->token_expires_at != before->token_expires_at;
}

static void countdown(const char *who, int64_t expiry)
{
    char left[32] = "";
    if (expiry != SK_TIME_ABSENT)
        time_countdown(expiry, time_now(), left, sizeof left);
    if (*left)
        fprintf(stderr, "\r\033[Kwaiting for %s to open the link: expires in %s (Ctrl-C stops)",
                who, left);
    else
        fprintf(stderr, "\r\033[Kwaiting for %s to open the link (Ctrl-C stops)", who);
    fflush(stderr);
}

int cli_link_wait(cli_session *s, const sk_account *before, int64_t expiry)
{
    char who[300];
    text_safe_format(who, sizeof who, "%s on %s", before->identifier ? before->identifier : "",
                     before->connector ? before->connector : "");
    sk_selector sel = { .id = before->id };
    wait_ctx w = { 0 };
    sk_error_clear(&w.err);
    bool tty = isatty(STDERR_FILENO);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);

    long long next_poll = mono_ms() + CLI_WAIT_POLL_MS, next_draw = 0;
    bool final_look = false, warned = false;
    int rc = -1;
    sk_error fail;
    sk_error_clear(&fail);
    while (rc < 0) {
        if (interrupted) {
            rc = CLI_EXIT_INTERRUPTED;
            break;
        }
        long long t = mono_ms();
        bool expired = expiry != SK_TIME_ABSENT && time_now() >= expiry;
        if (tty && t >= next_draw) {
            countdown(who, expiry);
            next_draw = t + 1000;
        }
        /* Once the link has expired, one last look: it may have been used since the last. */
        if (!w.req && (t >= next_poll || (expired && !final_look))) {
            final_look = expired;
            w.answered = false;
            w.req = api_get_account(s->client, &sel, on_detail, &w);
            if (!w.req && !w.answered) {
                sk_error_set(&fail, SK_ERR_NOMEM, "out of memory");
                rc = SK_EXIT_API;
                break;
            }
        }
        client_step(s->client);
        if (w.answered) {
            w.answered = false;
            next_poll = mono_ms() + CLI_WAIT_POLL_MS;
            if (w.err.status == SK_OK) {
                if (authorized(before, &w))
                    rc = SK_EXIT_OK;
            } else if (w.err.status == SK_ERR_NOT_FOUND) {
                fail = w.err;
                rc = SK_EXIT_NOT_FOUND;
            } else if (w.err.status == SK_ERR_AUTH || w.err.status == SK_ERR_CONFIG ||
                       w.err.status == SK_ERR_NOMEM) {
                fail = w.err;
                rc = sk_status_exit_code(w.err.status);
            } else if (w.err.status != SK_ERR_CANCELLED && !warned) {
                /* Retries are the client's; what is left is said once, and the wait goes on. */
                if (tty)
                    fputs("\r\033[K", stderr);
                cli_error("warning: reading the account failed: %s; still waiting",
                          w.err.message);
                warned = true;
            }
            if (rc < 0 && final_look)
                rc = CLI_EXIT_LINK_EXPIRED;
        }
        if (rc >= 0)
            break;
        long long wake = next_poll - mono_ms();
        if (wake > 250)
            wake = 250;   /* the countdown, Ctrl-C and the expiry are looked at this often */
        client_wait(s->client, NULL, 0, wake < 0 ? 0 : (int)wake);
    }
    if (w.req)
        client_cancel(s->client, w.req);
    sigaction(SIGINT, &old, NULL);
    if (tty)
        fputs("\r\033[K", stderr);

    const char *result;
    char failed[320];
    switch (rc) {
    case SK_EXIT_OK:
        fprintf(stderr, "skdash: %s is ACTIVE: authorized\n", who);
        result = "ok: ACTIVE";
        break;
    case CLI_EXIT_LINK_EXPIRED:
        cli_error("the link expired before %s was authorized; ask for another", who);
        result = "failed: the link expired before the account was authorized";
        break;
    case CLI_EXIT_INTERRUPTED: {
        char until[128];
        link_expiry_local(expiry, time_now(), until, sizeof until);
        if (*until)
            cli_error("stopped waiting (Ctrl-C); the link stays valid until %s", until);
        else
            cli_error("stopped waiting (Ctrl-C)");
        result = "failed: the wait was stopped (Ctrl-C)";
        break;
    }
    case SK_EXIT_NOT_FOUND:
        cli_error("%s no longer exists", who);
        result = "failed: the account no longer exists";
        break;
    default:
        cli_fail(&fail);
        snprintf(failed, sizeof failed, "failed: %s", fail.message);
        result = failed;
        break;
    }
    cli_journal_note(s, "link-wait", before, NULL, result);
    return rc;
}
