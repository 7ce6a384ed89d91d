/* parse_error.h: the body of an API error answer made into an sk_error (private to the core:
 * client.c calls it for every answer that is not a success). */
#ifndef PARSE_ERROR_H
#define PARSE_ERROR_H

#include <stddef.h>

#include "sk_status.h"

/* Fills err from an error answer: Scalekit's {"code","message","details"} or RFC 6749's
 * {"error","error_description"}; falls back to the HTTP status when the body is not JSON.
 * Sets err->status from the HTTP status (401->AUTH, 404->NOT_FOUND, other->API). */
void parse_error_body(const char *body, size_t len, long http_status, sk_error *err);

#endif
