/* acct_fixture.c: build one account the way every store test wants it, and upsert it alone.
 * The state is state_from_wire's, so counts checked by the tests follow the real mapping. */
#include "acct_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

sk_account acct_make(const char *id, const char *ident, const char *conn, const char *status)
{
    sk_account a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.identifier = ident;
    a.connector = conn;
    a.connection_id = "conn_1";
    a.provider = "GMAIL";
    a.status = status;
    a.authorization_type = "OAUTH";
    a.token_expires_at = SK_TIME_ABSENT;
    a.updated_at = 1700000000;
    a.last_used_at = SK_TIME_ABSENT;
    a.state = state_from_wire(status);
    return a;
}

void acct_upsert1(sk_store *s, sk_account a)
{
    assert_int_equal(store_upsert(s, &a, 1), SK_OK);
}
