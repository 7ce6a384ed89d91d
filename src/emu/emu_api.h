/* emu_api.h: skemu's insides shared by the router (emu_api.c) and the endpoints
 * (emu_endpoints.c): the emulator state, the per-request context and reply helpers. */
#ifndef EMU_API_H
#define EMU_API_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "emu.h"
#include "emu_fault.h"
#include "emu_store.h"
#include "emu_util.h"

/* Room for an access token: an RS256 JWT with Scalekit's claims (about 720 bytes; see
 * emu_token_issue), with a long client id and base URL. */
#define EMU_TOKEN_MAX 1152

typedef struct emu_token {
    char token[EMU_TOKEN_MAX];
    double expires;       /* monotonic seconds */
} emu_token;

typedef struct emu_link {
    char token[48];
    char *account_id;
    double expires;       /* wall-clock seconds */
} emu_link;

struct emu {
    /* Taken for reading by the listings (list, search, connections: they only read), for
     * writing by everything else; guards everything below except the faults. Answers to parallel reads are
     * built side by side, as a real server would, so latency and listing benchmarks measure the
     * client rather than this lock. */
    pthread_rwlock_t lock;
    pthread_mutex_t fault_lock;  /* guards faults (their counters and random stream) */
    emu_options opt;
    char *client_id;
    char *client_secret;
    emu_store store;
    emu_faults faults;
    char base_url[128];
    emu_token *tokens;
    size_t ntokens, captokens;
    emu_link *links;
    size_t nlinks, caplinks;
};

typedef struct emu_ctx {
    emu *e;
    const emu_request *rq;
    emu_response *rs;
    char *path;           /* decoded path */
    emu_query query;
} emu_ctx;

void emu_reply_json(emu_response *rs, int status, json_object *o);
/* An answer already written as JSON text; takes ownership of json (malloc'd, len bytes). */
void emu_reply_text(emu_response *rs, int status, char *json, size_t len);
/* Scalekit's error body; code is the gRPC code number. */
void emu_reply_error(emu_response *rs, int status, int code, const char *message);
/* title and text must already be HTML-safe. */
void emu_reply_html(emu_response *rs, int status, const char *title, const char *text);

bool emu_token_valid(emu *e, const char *authorization);
void emu_token_issue(emu *e, char *out, size_t outlen);

void emu_ep_token(emu_ctx *c);
void emu_ep_connections(emu_ctx *c);
void emu_ep_list(emu_ctx *c);
void emu_ep_search(emu_ctx *c);
void emu_ep_details(emu_ctx *c);
void emu_ep_auth(emu_ctx *c);
void emu_ep_create(emu_ctx *c);
void emu_ep_update(emu_ctx *c);
void emu_ep_delete(emu_ctx *c);
void emu_ep_magic_link(emu_ctx *c);
/* POST /api/v1/connected_accounts/{id}:disconnect; id is the decoded path segment. */
void emu_ep_disconnect(emu_ctx *c, const char *id);
void emu_ep_magic_open(emu_ctx *c, const char *token);

#endif
