/* osc52.h: setting the terminal's clipboard with an OSC 52 escape sequence (the dashboard's
 * copy), wrapped so that tmux and screen pass it on. */
#ifndef OSC52_H
#define OSC52_H

#include <stddef.h>

typedef enum { SK_OSC52_PLAIN, SK_OSC52_TMUX, SK_OSC52_SCREEN } sk_osc52_wrap;
/* Pick the wrapping from the environment: TMUX set -> tmux; TERM starting "screen" without
 * TMUX -> screen; otherwise plain. */
sk_osc52_wrap osc52_detect(void);
/* malloc'd escape sequence that sets the clipboard to `text` (base64), wrapped as asked
 * (tmux: DCS tmux; with ESCs doubled; screen: DCS chunks of at most 76 bytes). */
char *osc52_sequence(const char *text, sk_osc52_wrap wrap);
/* malloc'd standard base64 (with '=' padding) of n bytes; NULL on OOM. */
char *osc52_base64(const unsigned char *in, size_t n);

#endif
