/* damaged_fx.c: the damaged listing of damaged_fx.h: a good page, a damaged page (an account
 * without its identifier, as a field of the wrong type parses), everything else not found. */
#include "damaged_fx.h"

#include <stdlib.h>
#include <string.h>

#define ACCOUNT(id, ident, conn) "{\"id\":\"" id "\",\"identifier\":" ident ",\"connector\":\"" \
    conn "\",\"connection_id\":\"conn_" conn "\",\"provider\":\"GMAIL\",\"status\":\"ACTIVE\"," \
    "\"authorization_type\":\"OAUTH\",\"updated_at\":\"2025-04-16T06:56:05Z\"}"

static const char connections[] =
    "{\"connections\":["
    "{\"id\":\"conn_gmail\",\"key_id\":\"gmail\",\"provider_key\":\"GMAIL\",\"type\":\"OAUTH\","
    "\"status\":\"COMPLETED\",\"enabled\":true},"
    "{\"id\":\"conn_slack\",\"key_id\":\"slack\",\"provider_key\":\"SLACK\",\"type\":\"OAUTH\","
    "\"status\":\"COMPLETED\",\"enabled\":true}],\"total_size\":2}";

static const char gmail_page[] =
    "{\"connected_accounts\":[" ACCOUNT("ca_good1", "\"ana@example.com\"", "gmail") ","
    ACCOUNT("ca_good2", "\"bo@example.com\"", "gmail") "],\"total_size\":2}";

/* The identifier is a number: the parser takes it as absent, and the row is damaged. */
static const char slack_page[] =
    "{\"connected_accounts\":[" ACCOUNT("ca_slack_ok", "\"cy@example.com\"", "slack") ","
    ACCOUNT("ca_slack_bad", "12345", "slack") "],\"total_size\":2}";

bool damaged_fx_answer(void *ud, int fd, const char *line)
{
    (void)ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (strstr(line, "/connections/app"))
        return fake_http_reply(fd, 200, connections);
    if (strstr(line, "/connected_accounts?") && strstr(line, "connector=gmail"))
        return fake_http_reply(fd, 200, gmail_page);
    if (strstr(line, "/connected_accounts?") && strstr(line, "connector=slack"))
        return fake_http_reply(fd, 200, slack_page);
    return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
}

void damaged_fx_start(fake_http *srv)
{
    fake_http_start(srv, damaged_fx_answer, NULL);
    setenv("SCALEKIT_ENVIRONMENT_URL", srv->url, 1);
}
