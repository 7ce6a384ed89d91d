/* accent.h: the colour a profile's name is shown in (`accent = red` in the profile), so that
 * nobody deletes in production thinking it is dev; and the rule that makes a production-looking
 * profile stand out when it names no accent. The dashboard maps these to its colours. */
#ifndef ACCENT_H
#define ACCENT_H

#include <stdbool.h>

typedef enum {
    SK_ACCENT_UNSET = 0,   /* the profile names none: the production rule decides */
    SK_ACCENT_NONE,        /* `accent = none`: plain, even when the profile looks like prod */
    SK_ACCENT_RED,
    SK_ACCENT_GREEN,
    SK_ACCENT_YELLOW,
    SK_ACCENT_BLUE,
    SK_ACCENT_MAGENTA,
    SK_ACCENT_CYAN,
    SK_ACCENT_COUNT
} sk_accent;

/* "red", "green", ... (lower case; any case accepted by accent_parse); "" for UNSET. */
const char *accent_name(sk_accent a);
/* The names accepted, joined: "none, red, green, yellow, blue, magenta, cyan". */
const char *accent_names(void);
bool accent_parse(const char *s, sk_accent *out);

/* How the header shows a profile: its accent colour, and whether it stands out (reverse video,
 * for a production-looking profile that names no accent of its own). */
typedef struct sk_accent_look {
    sk_accent colour;      /* SK_ACCENT_NONE: no colour */
    bool loud;             /* reverse video (and bold): production with no accent given */
} sk_accent_look;

/* The production rule: the profile's name or the environment URL's host contains "prod" (any
 * case: prod, production, acme-prod, PROD-eu). */
bool accent_looks_production(const char *profile, const char *environment_url);
/* An accent given wins (colour, bold); none given and production-looking: red, reverse; else
 * plain. */
sk_accent_look accent_look(sk_accent given, const char *profile, const char *environment_url);

#endif
