/* api.h: one function per Scalekit endpoint. Each builds its request, queues it on the client
 * and hands the parsed answer to a callback (which runs from client_step()). Parsed results are
 * valid during the callback only; copy (e.g. into the store) what must outlive it. */
#ifndef API_H
#define API_H

#include "account.h"
#include "client.h"
#include "parse.h"

typedef struct api_list_query {
    const char *connector;               /* at most one of connector / connection_names */
    const char *const *connection_names; /* up to 20 */
    size_t n_connection_names;
    const char *identifier;
    const char *provider;
    const char *query;
    int page_size;                       /* 0 = server default; must be < 100 */
    const char *page_token;
    struct api_peek *peek;               /* optional: told the next token before the parse */
} api_list_query;

/* A page's next_page_token as a quick look at the raw answer finds it, told before the page is
 * parsed (only when one is found); the page's callback follows with the parsed page, whose
 * token is the one to trust. A listing asks for the next page on it while this one parses. */
typedef struct api_peek {
    void (*next_token)(void *ud, const char *token);
    void *ud;
} api_peek;

typedef void (*api_accounts_fn)(void *ud, const sk_account_page *page, const sk_error *err);
typedef void (*api_connections_fn)(void *ud, const sk_connection_page *page, const sk_error *err);
typedef void (*api_detail_fn)(void *ud, const sk_account_detail *d, const sk_error *err);
typedef void (*api_link_fn)(void *ud, const sk_link *l, const sk_error *err);
typedef void (*api_done_fn)(void *ud, const sk_error *err);

/* err->status == SK_OK on success; page/d/l are NULL on failure. The return value is the
 * queued request (NULL on immediate failure, in which case the callback has already run). */
sk_request *api_list_accounts(sk_client *c, const api_list_query *q, api_accounts_fn cb, void *ud);
/* GET /api/v1/connected_accounts:search (query 3..200 chars, page_size <= 30). */
sk_request *api_search_accounts(sk_client *c, const char *query, const char *connection_id,
                                int page_size, const char *page_token, api_accounts_fn cb, void *ud);
/* The same, with a peek at each answer's next token (api_list_query.peek). */
sk_request *api_search_accounts_peek(sk_client *c, const char *query, const char *connection_id,
                                     int page_size, const char *page_token, const api_peek *peek,
                                     api_accounts_fn cb, void *ud);
/* GET /api/v1/connections/app */
sk_request *api_list_connections(sk_client *c, int page_size, const char *page_token,
                                 api_connections_fn cb, void *ud);
/* GET /api/v1/connected_accounts/details */
sk_request *api_get_account(sk_client *c, const sk_selector *sel, api_detail_fn cb, void *ud);
/* POST /api/v1/connected_accounts:delete */
sk_request *api_delete_account(sk_client *c, const sk_selector *sel, api_done_fn cb, void *ud);
/* POST /api/v1/connected_accounts/magic_link */
sk_request *api_magic_link(sk_client *c, const sk_selector *sel, api_link_fn cb, void *ud);
/* POST /api/v1/connected_accounts/{id}:disconnect with body {} (a preview endpoint: an
 * environment may answer 404 or 501, i.e. "not offered here", see api_not_offered). The answer
 * {"connected_account":{...}} is checked like the others: about another account, it is refused
 * (SK_ERR_PARSE). */
sk_request *api_disconnect_account(sk_client *c, const char *account_id, api_detail_fn cb,
                                   void *ud);
/* True when err is an HTTP 404 or 501 answer: for disconnect, "this environment does not offer
 * disconnect" (the callers act on accounts they have just read, so a 404 cannot be the
 * account's). */
bool api_not_offered(const sk_error *err);
/* POST /api/v1/connected_accounts (authorization_type may be NULL) */
sk_request *api_create_account(sk_client *c, const char *connector, const char *identifier,
                               const char *authorization_type, api_detail_fn cb, void *ud);
/* PUT /api/v1/connected_accounts with a selector and
 * {"connected_account":{"api_config": <api_config_json>}} (must be a JSON object: else USAGE) */
sk_request *api_update_account(sk_client *c, const sk_selector *sel, const char *api_config_json,
                               api_detail_fn cb, void *ud);

/* Synchronous helpers for the CLI: run the client until that one answer arrives (other
 * requests in flight progress meanwhile). Not to be called from inside a callback. */
sk_status api_get_account_sync(sk_client *c, const sk_selector *sel, sk_detail_result *out, sk_error *err);
sk_status api_delete_account_sync(sk_client *c, const sk_selector *sel, sk_error *err);
sk_status api_magic_link_sync(sk_client *c, const sk_selector *sel, sk_link_result *out, sk_error *err);
sk_status api_disconnect_account_sync(sk_client *c, const char *account_id, sk_detail_result *out,
                                      sk_error *err);

#endif
