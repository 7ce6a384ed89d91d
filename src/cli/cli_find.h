/* cli_find.h: an account named by its identifier alone, found across connections on the
 * server; and `link --wait`, which watches the account until the link is used or expires. */
#ifndef CLI_FIND_H
#define CLI_FIND_H

#include "cli_cmd.h"

/* The accounts whose identifier is exactly ident, in every connection (GET
 * /api/v1/connected_accounts?identifier=..., every page, loop-guarded). One: *id_out is its
 * id (malloc'd) and SK_EXIT_OK. None: "no account with the identifier ..." and
 * SK_EXIT_NOT_FOUND. Several: says so and lists them on stderr (connection, state, id), and
 * SK_EXIT_USAGE: the connection must be named. An API error: printed, its exit code. */
int cli_find_identifier(cli_session *s, const char *cmd, const char *ident, char **id_out);

/* `link --wait`: exit codes of its own (0-4 are sk_status.h's; 5 is taken by issue 11 for a
 * declined confirmation). */
#define CLI_EXIT_LINK_EXPIRED 6     /* the link expired before the account was authorized */
#define CLI_EXIT_INTERRUPTED 130    /* Ctrl-C (SIGINT) stopped the wait */
/* How often the account is read while waiting (the dashboard's link view polls as often). */
#define CLI_WAIT_POLL_MS 2000

/* Watches the account (details by id every CLI_WAIT_POLL_MS; 429 and Retry-After as every
 * request) until it is ACTIVE (an account already ACTIVE when the link was made counts once
 * its record changes: updated_at or token expiry), the link's expiry passes (after one last
 * look), or SIGINT. A countdown on stderr when stderr is a terminal, the line cleared after.
 * Journals the outcome (action "link-wait"). Returns 0, CLI_EXIT_LINK_EXPIRED,
 * CLI_EXIT_INTERRUPTED, SK_EXIT_NOT_FOUND (the account was deleted) or an API error's code. */
int cli_link_wait(cli_session *s, const sk_account *before, int64_t expiry);

#endif
