/* accent.c: accent names and the production rule for the header's profile name. */
#include "accent.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *const names[SK_ACCENT_COUNT] = {
    [SK_ACCENT_UNSET] = "", [SK_ACCENT_NONE] = "none", [SK_ACCENT_RED] = "red",
    [SK_ACCENT_GREEN] = "green", [SK_ACCENT_YELLOW] = "yellow", [SK_ACCENT_BLUE] = "blue",
    [SK_ACCENT_MAGENTA] = "magenta", [SK_ACCENT_CYAN] = "cyan",
};

const char *accent_name(sk_accent a)
{
    return (unsigned)a < SK_ACCENT_COUNT ? names[a] : "";
}

const char *accent_names(void)
{
    return "none, red, green, yellow, blue, magenta, cyan";
}

bool accent_parse(const char *s, sk_accent *out)
{
    for (int a = SK_ACCENT_NONE; s && a < SK_ACCENT_COUNT; a++) {
        if (strcasecmp(s, names[a]) == 0) {
            *out = (sk_accent)a;
            return true;
        }
    }
    return false;
}

static bool has_prod(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (strncasecmp(s + i, "prod", 4) == 0)
            return true;
    return false;
}

bool accent_looks_production(const char *profile, const char *environment_url)
{
    if (profile && has_prod(profile, strlen(profile)))
        return true;
    if (!environment_url)
        return false;
    const char *h = strstr(environment_url, "://");
    h = h ? h + 3 : environment_url;
    return has_prod(h, strcspn(h, "/:?#"));
}

sk_accent_look accent_look(sk_accent given, const char *profile, const char *environment_url)
{
    sk_accent_look l = { SK_ACCENT_NONE, false };
    if (given != SK_ACCENT_UNSET)
        l.colour = given;
    else if (accent_looks_production(profile, environment_url)) {
        l.colour = SK_ACCENT_RED;
        l.loud = true;
    }
    return l;
}
