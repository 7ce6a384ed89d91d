/* state.c: the five states, how wire status values map onto them (SCALEKIT-API.md), and one
 * table of what each state means and what to do about it. */
#include "state.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const names_lower[SK_STATE_COUNT] = {
    "pending", "active", "expired", "revoked", "error"
};

static const sk_state_info infos[SK_STATE_COUNT];

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
    return state_info(s)->name;
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
        if (strcasecmp(s, state_name((sk_state)i)) == 0) {
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

/* ---------------------------------------------------------------- what each state means */

/* One wording for both front ends: the dashboard mentions an action by its key, the CLI by
 * its command; the sentences are the same. */
static const sk_state_info infos[SK_STATE_COUNT] = {
    [SK_STATE_PENDING] = { "PENDING", SK_TONE_WAITING, { SK_ACTION_LINK, {
        { "The user has not finished authorizing: send them a fresh link", SK_ACTION_LINK },
        { ".", SK_ACTION_NONE } } } },
    [SK_STATE_ACTIVE] = { "ACTIVE", SK_TONE_GOOD, { SK_ACTION_NONE, {
        { "Credentials are valid and ready for tool calls: nothing to do.", SK_ACTION_NONE } } } },
    [SK_STATE_EXPIRED] = { "EXPIRED", SK_TONE_LAPSED, { SK_ACTION_LINK, {
        { "Credentials expired or were invalidated: the user must authorize again. Send them "
          "a fresh link", SK_ACTION_LINK },
        { ".", SK_ACTION_NONE } } } },
    [SK_STATE_REVOKED] = { "REVOKED", SK_TONE_ENDED, { SK_ACTION_LINK, {
        { "Access was revoked or disconnected: send a fresh link", SK_ACTION_LINK },
        { " if the user should connect again, or delete the account", SK_ACTION_DELETE },
        { ".", SK_ACTION_NONE } } } },
    [SK_STATE_ERROR] = { "ERROR", SK_TONE_BROKEN, { SK_ACTION_LINK, {
        { "Configuration or authorization error, or a status this version does not know: "
          "check the connection's setup in the Scalekit dashboard; a fresh link", SK_ACTION_LINK },
        { " may fix it.", SK_ACTION_NONE } } } },
};

/* PENDING_VERIFICATION: a new link alone does not help unless the right person signs in. */
static const sk_advice verification_advice = { SK_ACTION_LINK, {
    { "The user authorized, but their identity is not verified yet: the person who opens the "
      "link must also be signed in to the customer's app. Send a fresh link", SK_ACTION_LINK },
    { " and ask them to sign in first.", SK_ACTION_NONE } } };

const sk_state_info *state_info(sk_state s)
{
    return &infos[(unsigned)s < SK_STATE_COUNT ? s : SK_STATE_ERROR];
}

const sk_advice *state_advice(sk_state s, const char *wire)
{
    if (s == SK_STATE_PENDING && wire && strcmp(wire, "PENDING_VERIFICATION") == 0)
        return &verification_advice;
    return &state_info(s)->advice;
}

int state_advice_text(const sk_advice *adv, sk_action_word_fn word, void *ud, char *buf,
                      size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < SK_ADVICE_PARTS && adv->part[i].text; i++) {
        const sk_advice_part *p = &adv->part[i];
        const char *w = p->action != SK_ACTION_NONE && word ? word(p->action, ud) : NULL;
        int k = snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s%s%s", p->text,
                         w ? " (" : "", w ? w : "", w ? ")" : "");
        if (k > 0)
            len += (size_t)k;
    }
    return (int)len;
}

void state_detail(sk_state s, const char *wire, char *buf, size_t n)
{
    if (!n)
        return;
    buf[0] = '\0';
    if (!state_raw_differs(s, wire))
        return;
    /* PENDING_VERIFICATION -> "verification": the state's own prefix says nothing new. */
    const char *name = state_name(s);
    size_t nl = strlen(name);
    const char *raw = wire;
    if (strncmp(raw, name, nl) == 0 && raw[nl] == '_' && raw[nl + 1])
        raw += nl + 1;
    size_t i = 0;
    for (; raw[i] && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)raw[i]);
    buf[i] = '\0';
}

void state_label(sk_state s, const char *wire, bool utf8, char *buf, size_t n)
{
    char detail[96];
    state_detail(s, wire, detail, sizeof detail);
    snprintf(buf, n, "%s%s%s", state_name(s), *detail ? (utf8 ? "\xc2\xb7" : ".") : "", detail);
}

