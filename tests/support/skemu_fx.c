/* skemu_fx.c: start a skemu with a client on it and stop both; the skemus still running are
 * remembered so that a failed test does not leave servers behind. */
#include "skemu_fx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIVE 16

static skemu_proc live[MAX_LIVE];

static void live_add(const skemu_proc *p)
{
    for (size_t i = 0; i < MAX_LIVE; i++)
        if (live[i].pid <= 0) {
            live[i] = *p;
            return;
        }
}

static void live_del(const skemu_proc *p)
{
    for (size_t i = 0; i < MAX_LIVE; i++)
        if (live[i].pid == p->pid)
            live[i].pid = 0;
}

int skemu_fx_stop_leftovers(void **state)
{
    (void)state;
    for (size_t i = 0; i < MAX_LIVE; i++)
        if (live[i].pid > 0)
            skemu_stop(&live[i]);
    return 0;
}

void skemu_fx_fast_opts(sk_client_opts *o, int max_tries)
{
    client_opts_default(o);
    o->backoff_base_ms = 20;
    o->backoff_cap_ms = 200;
    o->max_tries = max_tries;
}

void skemu_fx_start(skemu_fx *f, const char *const *args, const sk_client_opts *o,
                    const char *secret)
{
    memset(f, 0, sizeof *f);
    if (skemu_start(&f->p, args) != 0)
        fail_msg("skemu did not start (SKEMU_BIN=%s)",
                 getenv("SKEMU_BIN") ? getenv("SKEMU_BIN") : "");
    live_add(&f->p);
    snprintf(f->cfg.environment_url, sizeof f->cfg.environment_url, "%s", f->p.url);
    snprintf(f->cfg.client_id, sizeof f->cfg.client_id, "%s", SKEMU_DEMO_CLIENT_ID);
    f->cfg.client_secret = strdup(secret ? secret : SKEMU_DEMO_CLIENT_SECRET);
    sk_client_opts d;
    skemu_fx_fast_opts(&d, 8);
    sk_error err;
    f->c = client_new(&f->cfg, o ? o : &d, &err);
    if (!f->c)
        fail_msg("client_new: %s", err.message);
}

void skemu_fx_stop(skemu_fx *f)
{
    client_free(f->c);
    f->c = NULL;
    free(f->cfg.client_secret);
    f->cfg.client_secret = NULL;
    live_del(&f->p);
    assert_int_equal(skemu_stop(&f->p), 0);
}
