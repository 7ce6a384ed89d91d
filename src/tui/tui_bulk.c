/* tui_bulk.c: what the dashboard says about work on many accounts at once: the dialogs' count
 * per connection and state ("33 accounts: 33 REVOKED in zendesk"), and one result line for a
 * batch of deletes or disconnects ("deleted 31 of 33; not deleted: ...") once all have
 * answered. */
#include "tui_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

typedef struct group {
    const char *conn;
    sk_state state;
    size_t n;
} group;

static int group_cmp(const void *x, const void *y)
{
    const group *a = x, *b = y;
    int c = strcmp(a->conn, b->conn);
    if (c)
        return c;
    return (int)a->state - (int)b->state;
}

char *bulk_summary(const tui_target *t, size_t n)
{
    group *g = calloc(n ? n : 1, sizeof *g);
    if (!g)
        return NULL;
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        const char *conn = t[i].connector ? t[i].connector : "";
        size_t j = 0;
        while (j < ng && !(g[j].state == t[i].state && strcmp(g[j].conn, conn) == 0))
            j++;
        if (j == ng) {
            g[ng].conn = conn;
            g[ng].state = t[i].state;
            ng++;
        }
        g[j].n++;
    }
    qsort(g, ng, sizeof *g, group_cmp);
    sk_buf b;
    buf_init(&b);
    buf_printf(&b, "%zu account%s:", n, n == 1 ? "" : "s");
    for (size_t j = 0; j < ng; j++) {
        char *safe = text_sanitize_dup(g[j].conn);
        buf_printf(&b, "%s %zu %s in %s", j ? "," : "", g[j].n, state_name(g[j].state),
                    safe ? safe : "?");
        free(safe);
    }
    free(g);
    return b.s;   /* NULL only when out of memory */
}

/* ---------------------------------------------------------------- a batch's result line */

tui_batch *batch_new(tui_app *a, const char *verb, const char *failed_word, size_t n)
{
    tui_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->app = a;
    b->verb = verb;
    b->failed_word = failed_word;
    b->n = n;
    return b;
}

/* One account has answered. `failure` (NULL: it went through) names it and why; it is made
 * safe with the rest of the line.
 * The last answer words the whole batch and frees it. */
void batch_answered(tui_batch *b, const char *failure)
{
    if (!b)
        return;
    b->answered++;
    if (!failure) {
        b->ok++;
    } else {
        b->failed++;
        size_t len = strlen(b->failures);
        if (b->failed <= 3 && len + 4 < sizeof b->failures)
            snprintf(b->failures + len, sizeof b->failures - len, "%s%s", len ? "; " : "",
                     failure);
    }
    tui_app *a = b->app;
    if (b->answered < b->n) {
        if (!a->closing)
            data_set_notice(a, "%s: %zu of %zu answered", b->verb, b->answered, b->n);
        return;
    }
    if (!a->closing) {
        if (!b->failed)
            data_set_notice(a, "%s %zu of %zu", b->verb, b->ok, b->n);
        else {
            char more[48] = "";
            if (b->failed > 3)
                snprintf(more, sizeof more, "; and %zu more (J shows them)", b->failed - 3);
            data_set_error(a, "%s %zu of %zu; %s: %s%s", b->verb, b->ok, b->n, b->failed_word,
                           b->failures, more);
        }
    }
    free(b);
}

/* ---------------------------------------------------------------- disconnect */

void data_disconnect(tui_app *a, const tui_target *t, size_t n)
{
    (void)t;
    (void)n;
    data_set_error(a, "disconnect: not built yet");
}
