/* csv.h: the CSV of accounts that `skdash list --format csv` prints and the dashboard's
 * `:export` writes: one header, one row per account, the same columns and quoting for both. */
#ifndef CSV_H
#define CSV_H

#include <stdbool.h>
#include "account.h"
#include "buf.h"

/* RFC 4180: a field is quoted when it holds a comma or a quote or starts or ends with a blank;
 * quotes are doubled. The value is first made safe (no control character at all). A NULL
 * field is empty. `first`: no comma before it. False on out-of-memory. */
bool csv_field(sk_buf *b, const char *s, bool first);
/* n fields and the line's '\n'. */
bool csv_line(sk_buf *b, const char *const *fields, int n);
/* The accounts' header line: connector,identifier,state,status,authorization_type,
 * token_expires_at,last_used_at,updated_at,id,connection_id,provider */
bool csv_account_header(sk_buf *b);
/* One account as a line of those columns (times in RFC 3339 UTC, the state's name). */
bool csv_account_row(sk_buf *b, const sk_account *a);

#endif
