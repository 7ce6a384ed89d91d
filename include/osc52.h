/* osc52.h: setting the terminal's clipboard with an OSC 52 escape sequence (the dashboard's
 * copy), wrapped so that tmux and screen pass it on. */
#ifndef OSC52_H
#define OSC52_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { SK_OSC52_PLAIN, SK_OSC52_TMUX, SK_OSC52_SCREEN } sk_osc52_wrap;
/* Pick the wrapping from the environment: TMUX set -> tmux; STY set, or TERM starting
 * "screen", without TMUX -> screen; otherwise plain. */
sk_osc52_wrap osc52_detect(void);
/* malloc'd escape sequence that sets the clipboard to `text` (base64), wrapped as asked
 * (tmux: DCS tmux; with ESCs doubled; screen: DCS chunks of at most 76 bytes). */
char *osc52_sequence(const char *text, sk_osc52_wrap wrap);
/* What a copy sends, and whether it can reach a clipboard, given where skdash runs. Inside
 * tmux its own settings decide: `set-clipboard on` takes plain OSC 52 from programs into its
 * paste buffer (and on to the outer terminal); `external` and `off` ignore it; the passthrough
 * form reaches the outer terminal only with `allow-passthrough on` or `all` (tmux 3.3 and
 * later; before 3.3 the option did not exist and passthrough always worked). */
typedef struct sk_osc52_tmux {
    bool known;                     /* tmux answered (else both forms are sent, nothing claimed) */
    char set_clipboard[16];         /* "on", "external", "off" */
    char allow_passthrough[16];     /* "on", "all", "off"; "" when tmux has no such option */
} sk_osc52_tmux;

typedef struct sk_osc52_plan {
    bool plain;                     /* send the plain form */
    bool tmux_passthrough;          /* send the tmux DCS form */
    bool screen;                    /* send screen's DCS chunks */
    bool sure;                      /* it can only have landed (else: sent, not known) */
    char said[160];                 /* how, or why nothing was sent, for the footer */
} sk_osc52_plan;

/* The plan for `wrap` (osc52_detect); tmux's settings matter only for SK_OSC52_TMUX (NULL:
 * not known). Nothing to send (plain, tmux_passthrough and screen all false) means copying
 * cannot work here: `said` says why and what would make it work. */
void osc52_plan(sk_osc52_wrap wrap, const sk_osc52_tmux *tmux, sk_osc52_plan *out);

/* malloc'd standard base64 (with '=' padding) of n bytes; NULL on OOM. */
char *osc52_base64(const unsigned char *in, size_t n);

#endif
