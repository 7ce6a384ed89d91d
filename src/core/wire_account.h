/* wire_account.h: the member names of an account on the wire, shared by the json-c reader
 * (parse.c) and the fast page scanner (jscan.c) so that both read the same fields. */
#ifndef WIRE_ACCOUNT_H
#define WIRE_ACCOUNT_H

#include <stddef.h>
#include <string.h>

enum wire_field {
    WIRE_NONE, WIRE_ID, WIRE_IDENTIFIER, WIRE_CONNECTOR, WIRE_CONNECTION_ID, WIRE_PROVIDER,
    WIRE_STATUS, WIRE_AUTH_TYPE, WIRE_EXPIRES, WIRE_UPDATED, WIRE_LAST_USED
};

/* The field a member name k (n bytes, no NUL needed) stands for: its length and at most
 * one comparison decide (every key of every row comes here). */
static inline enum wire_field wire_account_field(const char *k, size_t n)
{
#define IS(lit) (n == sizeof lit - 1 && memcmp(k, lit, n) == 0)
    switch (n) {
    case 2: return IS("id") ? WIRE_ID : WIRE_NONE;
    case 6: return IS("status") ? WIRE_STATUS : WIRE_NONE;
    case 8: return IS("provider") ? WIRE_PROVIDER : WIRE_NONE;
    case 9: return IS("connector") ? WIRE_CONNECTOR : WIRE_NONE;
    case 10: return IS("identifier") ? WIRE_IDENTIFIER : IS("updated_at") ? WIRE_UPDATED : WIRE_NONE;
    case 12: return IS("last_used_at") ? WIRE_LAST_USED : WIRE_NONE;
    case 13: return IS("connection_id") ? WIRE_CONNECTION_ID : WIRE_NONE;
    case 16: return IS("token_expires_at") ? WIRE_EXPIRES : WIRE_NONE;
    case 18: return IS("authorization_type") ? WIRE_AUTH_TYPE : WIRE_NONE;
    default: return WIRE_NONE;
    }
#undef IS
}

#endif
