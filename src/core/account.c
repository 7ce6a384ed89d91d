/* account.c: the five states the product shows and how wire status values map onto them
 * (the table in SCALEKIT-API.md). */
#include "account.h"

#include <string.h>
#include <strings.h>

static const char *const names[SK_STATE_COUNT] = {
    "PENDING", "ACTIVE", "EXPIRED", "REVOKED", "ERROR"
};
static const char *const names_lower[SK_STATE_COUNT] = {
    "pending", "active", "expired", "revoked", "error"
};

static const struct { const char *wire; sk_state state; } wire_map[] = {
    { "PENDING_AUTH", SK_STATE_PENDING },
    { "PENDING_VERIFICATION", SK_STATE_PENDING },
    { "PENDING", SK_STATE_PENDING },
    { "ACTIVE", SK_STATE_ACTIVE },
    { "EXPIRED", SK_STATE_EXPIRED },
    { "DISCONNECTED", SK_STATE_REVOKED },
    { "REVOKED", SK_STATE_REVOKED },
    { "ERROR", SK_STATE_ERROR },
};

/* Exact, case-sensitive comparison: the wire values are enum names; anything else is unknown
 * and shows as ERROR (with the raw value kept beside it). */
sk_state state_from_wire(const char *wire)
{
    if (!wire)
        return SK_STATE_ERROR;
    for (size_t i = 0; i < sizeof wire_map / sizeof wire_map[0]; i++)
        if (strcmp(wire, wire_map[i].wire) == 0)
            return wire_map[i].state;
    return SK_STATE_ERROR;
}

const char *state_name(sk_state s)
{
    return (unsigned)s < SK_STATE_COUNT ? names[s] : "ERROR";
}

const char *state_name_lower(sk_state s)
{
    return (unsigned)s < SK_STATE_COUNT ? names_lower[s] : "error";
}

bool state_parse(const char *s, sk_state *out)
{
    if (!s)
        return false;
    for (int i = 0; i < SK_STATE_COUNT; i++) {
        if (strcasecmp(s, names[i]) == 0) {
            if (out)
                *out = (sk_state)i;
            return true;
        }
    }
    return false;
}

bool state_raw_differs(sk_state s, const char *wire)
{
    /* "" is absent on the wire (SCALEKIT-API.md), so there is nothing to show. */
    return wire && *wire && strcmp(wire, state_name(s)) != 0;
}
