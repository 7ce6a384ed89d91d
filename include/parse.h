/* parse.h: pure, defensive parsers for every body the API sends (no I/O; fuzzed).
 * Missing, null and "" are all absent. Wrong types are treated as absent, never as a crash.
 * Each result owns one arena; free it with the matching parse_*_free. RFC 3339 times are read by
 * sk_time.h, error answers by parse_error.h (private to the core). */
#ifndef PARSE_H
#define PARSE_H

#include "account.h"
#include "sk_status.h"

typedef struct sk_arena sk_arena;   /* bump allocator, private to the core (src/core/arena.h) */

typedef struct sk_token {
    char *access_token;   /* heap, wiped on free */
    long expires_in;      /* seconds; 0 when absent */
    char *token_type;
} sk_token;

typedef struct sk_account_page {
    sk_account *rows;
    size_t n;
    const char *next_page_token;   /* NULL when absent/"" (last page) */
    long long total_size;          /* -1 when absent */
    sk_arena *arena;
    size_t bad_times;              /* non-empty times that could not be read (shown as absent) */
} sk_account_page;

typedef struct sk_connection_page {
    sk_connection *rows;
    size_t n;
    const char *next_page_token;
    long long total_size;
    sk_arena *arena;
} sk_connection_page;

typedef struct sk_detail_result {
    sk_account_detail d;
    sk_arena *arena;
} sk_detail_result;

typedef struct sk_link_result {
    sk_link l;
    sk_arena *arena;
} sk_link_result;

sk_status parse_token(const char *body, size_t len, sk_token *out, sk_error *err);
void parse_token_free(sk_token *t);

/* {"connected_accounts":[...],"total_size":N,"next_page_token":"..."} (list and search). */
sk_status parse_account_page(const char *body, size_t len, sk_account_page *out, sk_error *err);
/* The same through json-c's tree alone (parse_account_page reads plain pages itself and hands
 * everything else to this one): the reference its fast path is tested against. */
sk_status parse_account_page_dom(const char *body, size_t len, sk_account_page *out,
                                 sk_error *err);
/* parse_account_page of a malloc'd body (len bytes and a NUL) that it takes: read in place
 * when it can (the page's arena then frees body), else as parse_account_page does (body freed
 * before it returns). The same results and errors either way. */
sk_status parse_account_page_owned(char *body, size_t len, sk_account_page *out, sk_error *err);
void parse_account_page_free(sk_account_page *p);

/* {"connected_account":{...}} (details, create, update). */
sk_status parse_account_detail(const char *body, size_t len, sk_detail_result *out, sk_error *err);
void parse_account_detail_free(sk_detail_result *r);

/* {"connections":[...],"next_page_token":"...","total_size":N} */
sk_status parse_connection_page(const char *body, size_t len, sk_connection_page *out, sk_error *err);
void parse_connection_page_free(sk_connection_page *p);

/* {"link":"...","expiry":"..."}: a body with no link is SK_ERR_PARSE. */
sk_status parse_link(const char *body, size_t len, sk_link_result *out, sk_error *err);
void parse_link_free(sk_link_result *r);

#endif
