/* acct_fixture.h: plain accounts for the store and cache tests: a gmail-like OAuth account
 * with the given names and wire status, its state derived from that status. */
#ifndef ACCT_FIXTURE_H
#define ACCT_FIXTURE_H

#include "store.h"

/* Strings are borrowed, not copied; no token expiry, no last use, updated at 1700000000. */
sk_account acct_make(const char *id, const char *ident, const char *conn, const char *status);

/* Upserts the one account into s; fails the test unless it is taken. */
void acct_upsert1(sk_store *s, sk_account a);

#endif
