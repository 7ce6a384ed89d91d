/* damaged_fx.h: one damaged listing (fake_http) fed to the CLI and the dashboard alike: "gmail"
 * lists two good accounts, "slack" one page where one account lacks its identifier. */
#ifndef DAMAGED_FX_H
#define DAMAGED_FX_H

#include <stdbool.h>

#include "fake_http.h"

#define DAMAGED_FX_GOOD_IDS { "ca_good1", "ca_good2" }
#define DAMAGED_FX_GOOD_SLACK_ID "ca_slack_ok"   /* on the damaged page: never stored */
/* What both front ends say about this answer. */
#define DAMAGED_FX_ERROR "the server sent 1 damaged rows (fields missing or of the wrong type)"

/* A fake_http_fn: answers the token, /connections/app and /connected_accounts requests. */
bool damaged_fx_answer(void *ud, int fd, const char *line);

/* Starts the server and points SCALEKIT_ENVIRONMENT_URL at it. */
void damaged_fx_start(fake_http *srv);

#endif
