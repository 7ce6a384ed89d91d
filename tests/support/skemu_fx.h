/* skemu_fx.h: the fixture of the client-level tests: a real skemu and an sk_client talking to
 * it with the demo credentials, and a group teardown for skemus a failed assertion left. */
#ifndef SKEMU_FX_H
#define SKEMU_FX_H

#include "client.h"
#include "config.h"
#include "skemu_proc.h"

typedef struct skemu_fx {
    skemu_proc p;
    sk_config cfg;
    sk_client *c;
} skemu_fx;

/* The defaults with a backoff short enough for tests (20 ms doubling to 200 ms). */
void skemu_fx_fast_opts(sk_client_opts *o, int max_tries);

/* Starts skemu with args and a client on it: options o (NULL: fast ones with 8 tries), the
 * demo secret unless `secret` is given. Fails the test when either cannot start. */
void skemu_fx_start(skemu_fx *f, const char *const *args, const sk_client_opts *o,
                    const char *secret);
/* Frees the client (f->c may already be NULL) and stops skemu, which must exit cleanly. */
void skemu_fx_stop(skemu_fx *f);

/* A cmocka group teardown: stops every skemu skemu_fx_start started and no stop reached
 * (a failed assertion jumps past skemu_fx_stop). */
int skemu_fx_stop_leftovers(void **state);

#endif
