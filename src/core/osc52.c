/* osc52.c: the OSC 52 escape sequence that sets the terminal's clipboard, wrapped for tmux or
 * screen when skdash runs inside one, and the base64 it carries. */
#include "osc52.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

char *osc52_base64(const unsigned char *in, size_t n)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n > ((size_t)-1 - 1) / 4 * 3 - 3)
        return NULL;
    size_t out_len = (n + 2) / 3 * 4;
    char *out = malloc(out_len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

sk_osc52_wrap osc52_detect(void)
{
    const char *tmux = getenv("TMUX");
    if (tmux && *tmux)
        return SK_OSC52_TMUX;
    const char *sty = getenv("STY"), *term = getenv("TERM");
    if ((sty && *sty) || (term && strncmp(term, "screen", 6) == 0))
        return SK_OSC52_SCREEN;
    return SK_OSC52_PLAIN;
}

/* tmux passes a DCS "tmux;" payload to the outer terminal once every ESC in it is doubled. */
static bool wrap_tmux(sk_buf *out, const char *seq)
{
    bool ok = buf_adds(out, "\033Ptmux;");
    for (const char *p = seq; ok && *p; p++)
        ok = *p == '\033' ? buf_add(out, "\033\033", 2) : buf_addc(out, *p);
    return ok && buf_adds(out, "\033\\");
}

/* screen limits a DCS string's length, so the sequence travels in chunks of at most 76 bytes,
 * each in its own DCS; screen passes their contents through joined. */
static bool wrap_screen(sk_buf *out, const char *seq)
{
    size_t len = strlen(seq);
    bool ok = true;
    for (size_t i = 0; ok && i < len; i += 76) {
        size_t n = len - i < 76 ? len - i : 76;
        ok = buf_adds(out, "\033P") && buf_add(out, seq + i, n) && buf_adds(out, "\033\\");
    }
    return ok;
}

char *osc52_sequence(const char *text, sk_osc52_wrap wrap)
{
    if (!text)
        text = "";
    char *b64 = osc52_base64((const unsigned char *)text, strlen(text));
    if (!b64)
        return NULL;
    sk_buf seq, out;
    buf_init(&seq);
    buf_init(&out);
    bool ok = buf_printf(&seq, "\033]52;c;%s\a", b64);
    free(b64);
    if (ok) {
        if (wrap == SK_OSC52_TMUX)
            ok = wrap_tmux(&out, seq.s);
        else if (wrap == SK_OSC52_SCREEN)
            ok = wrap_screen(&out, seq.s);
        else
            ok = buf_adds(&out, seq.s);
    }
    buf_free(&seq);
    if (!ok) {
        buf_free(&out);
        return NULL;
    }
    return out.s;
}

static void plan_say(sk_osc52_plan *p, const char *said)
{
    snprintf(p->said, sizeof p->said, "%s", said);
}

void osc52_plan(sk_osc52_wrap wrap, const sk_osc52_tmux *tmux, sk_osc52_plan *out)
{
    memset(out, 0, sizeof *out);
    if (wrap == SK_OSC52_SCREEN) {
        /* screen passes its DCS strings through to the terminal whatever its settings. */
        out->screen = out->sure = true;
        plan_say(out, "OSC 52 through screen");
        return;
    }
    if (wrap != SK_OSC52_TMUX) {
        out->plain = out->sure = true;
        plan_say(out, "OSC 52");
        return;
    }
    if (!tmux || !tmux->known) {
        /* Both forms are harmless where they are not taken: send both, claim nothing. */
        out->plain = out->tmux_passthrough = true;
        plan_say(out, "tmux's settings unknown: needs set-clipboard on or allow-passthrough on");
        return;
    }
    if (strcmp(tmux->set_clipboard, "on") == 0) {
        out->plain = out->sure = true;
        plan_say(out, "OSC 52 to tmux: set-clipboard on");
        return;
    }
    const char *pt = tmux->allow_passthrough;
    if (!*pt || strcmp(pt, "on") == 0 || strcmp(pt, "all") == 0) {
        out->tmux_passthrough = out->sure = true;
        plan_say(out, "OSC 52 through tmux's passthrough");
        return;
    }
    snprintf(out->said, sizeof out->said, "tmux set-clipboard %s, allow-passthrough %s",
             *tmux->set_clipboard ? tmux->set_clipboard : "off", pt);
}
