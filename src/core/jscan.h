/* jscan.h: the fast path of parse_account_page (private to the core): a page of accounts in
 * plain JSON read in one pass, without json-c's tree. */
#ifndef JSCAN_H
#define JSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* Fills out (arena included) and returns true when body is a plain page it can read; false,
 * with out untouched and nothing allocated, for anything else, valid or not: the caller then
 * hands the body to parse_account_page_dom, whose results and errors are the reference. */
bool jscan_account_page(const char *body, size_t len, sk_account_page *out);
/* The same read in place, without a copy: body is malloc'd, len bytes and a NUL. On true the
 * page's arena owns body (freed with it); on false body is as it came, still the caller's. */
bool jscan_account_page_owned(char *body, size_t len, sk_account_page *out);

/* A quick look at the end of a page's body for its next_page_token, before any parse: copies
 * a plain token (no escapes, shorter than cap) into out. Only a guess: the body may still turn
 * out damaged, or its parse find another token; the listing sends the next page's request on
 * it and checks it against the parsed page before keeping that request. */
bool jscan_peek_next_token(const char *body, size_t len, char *out, size_t cap);

#endif
