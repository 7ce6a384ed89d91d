/* parse_error.c: an API error answer made into an sk_error: Scalekit's {"code","message",
 * "details"}, RFC 6749's {"error","error_description"}, or a non-JSON body quoted safely. */
#include "parse_error.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#define SNIPPET_MAX 80   /* bytes of a non-JSON error body quoted in a message */

/* The member `key` of o when o is an object and the member has type t; NULL otherwise. */
static json_object *member(json_object *o, const char *key, json_type t)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, t) ? v : NULL;
}

static sk_status status_for_http(long http_status)
{
    if (http_status == 401)
        return SK_ERR_AUTH;
    if (http_status == 404)
        return SK_ERR_NOT_FOUND;
    return SK_ERR_API;
}

/* The first details[].error_code of a Scalekit error body, or NULL. */
static const char *error_code_of(json_object *o)
{
    json_object *details = member(o, "details", json_type_array);
    size_t n = details ? json_object_array_length(details) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ec = member(json_object_array_get_idx(details, i), "error_code",
                                 json_type_string);
        if (ec && json_object_get_string_len(ec) > 0)
            return json_object_get_string(ec);
    }
    return NULL;
}

static const char *nonempty_str(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v && json_object_get_string_len(v) > 0 ? json_object_get_string(v) : NULL;
}

/* Scalekit's or RFC 6749's error object -> message. False when o has neither shape. */
static bool error_from_json(json_object *o, long http_status, sk_error *err)
{
    sk_status st = status_for_http(http_status);
    const char *msg = nonempty_str(o, "message");
    const char *code = error_code_of(o);
    json_object *grpc = member(o, "code", json_type_int);
    const char *oauth_err = nonempty_str(o, "error");
    const char *oauth_desc = nonempty_str(o, "error_description");
    if (!msg && !code && !grpc && !oauth_err && !oauth_desc)
        return false;
    if (msg || code || grpc) {
        if (!msg)
            msg = oauth_desc ? oauth_desc : "request failed";
        if (code)
            sk_error_set(err, st, "HTTP %ld: %.160s (%.40s)", http_status, msg, code);
        else
            sk_error_set(err, st, "HTTP %ld: %.200s", http_status, msg);
    } else if (oauth_desc && oauth_err) {
        sk_error_set(err, st, "HTTP %ld: %.160s (%.40s)", http_status, oauth_desc, oauth_err);
    } else {
        sk_error_set(err, st, "HTTP %ld: %.200s", http_status, oauth_desc ? oauth_desc : oauth_err);
    }
    if (grpc)
        err->grpc_code = json_object_get_int(grpc);
    return true;
}

static const char *http_reason(long s)
{
    switch (s) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "error";
    }
}

/* A non-JSON body: the status, and the first bytes of the body on one line (sk_error_set
 * escapes anything unprintable). */
static void error_from_text(const char *body, size_t len, long http_status, sk_error *err)
{
    char snip[SNIPPET_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; body && i < len && n < SNIPPET_MAX; i++) {
        char c = body[i];
        if (c == '\r' || c == '\n' || c == '\t')
            c = ' ';
        if (c == ' ' && (n == 0 || snip[n - 1] == ' '))
            continue;
        if (c == '\0')
            break;
        snip[n++] = c;
    }
    while (n > 0 && snip[n - 1] == ' ')
        n--;
    snip[n] = '\0';
    if (n)
        sk_error_set(err, status_for_http(http_status), "HTTP %ld %s: %s%s", http_status,
                     http_reason(http_status), snip, len > SNIPPET_MAX ? "..." : "");
    else
        sk_error_set(err, status_for_http(http_status), "HTTP %ld %s", http_status,
                     http_reason(http_status));
}

void parse_error_body(const char *body, size_t len, long http_status, sk_error *err)
{
    if (!err)
        return;
    sk_error_clear(err);
    json_object *o = NULL;
    if (body && len > 0 && len <= INT_MAX) {
        json_tokener *tok = json_tokener_new();
        if (tok) {
            o = json_tokener_parse_ex(tok, body, (int)len);
            if (json_tokener_get_error(tok) != json_tokener_success) {
                json_object_put(o);
                o = NULL;
            }
            json_tokener_free(tok);
        }
    }
    if (!(o && json_object_is_type(o, json_type_object) && error_from_json(o, http_status, err)))
        error_from_text(body, len, http_status, err);
    json_object_put(o);
    err->http_status = http_status;
}
