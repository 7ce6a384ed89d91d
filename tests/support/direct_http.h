/* direct_http.h: what skemu holds, read with libcurl straight from its REST API, never through
 * skdash's own code: the expected values of the CLI tests. */
#ifndef DIRECT_HTTP_H
#define DIRECT_HTTP_H

#include <stdbool.h>

#include <json-c/json.h>

enum {
    DIRECT_FORM = 1,     /* the body is application/x-www-form-urlencoded (else JSON) */
    DIRECT_FOLLOW = 2,   /* follow redirects */
};

/* One request (bearer and body may be NULL); *out: the body (malloc'd, never NULL). Returns
 * the HTTP status, 0 when no answer came. */
long direct_http(const char *method, const char *url, const char *bearer, const char *body,
                 int flags, char **out);

/* An access token for skemu's demo client at base, asked again (a while) while the server
 * answers 5xx; fails the test when none comes. */
char *direct_token(const char *base);

/* Every account skemu at base holds, paged by hand: a new array of the API's objects. */
json_object *direct_accounts(const char *base);

#endif
