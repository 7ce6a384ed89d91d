/* fuzz_emu_common.c: what the skemu fuzz targets share: a fresh emulator with fixed data,
 * requests read from text (see fuzz_emu.c and README.md) and the check that, with no faults,
 * every answer is one skdash's own parsers accept. */
#include "fuzz_emu_common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "parse.h"
#include "parse_error.h"

void fuzz_emu_options(emu_options *o)
{
    emu_options_default(o);
    o->port = 8484;
    o->generate = 12;
    o->connections = 3;
    o->epoch = FUZZ_EMU_EPOCH;
    o->quiet = true;
    o->client_id = "skc_demo";
    o->client_secret = "skemu-demo-secret";
}

/* A NUL-terminated copy of n bytes with every @TOKEN@ / @LINK@ replaced. */
static char *expand(const char *s, size_t n, const char *token, const char *link, size_t *outlen)
{
    size_t cap = n + 1, len = 0;
    char *out = malloc(cap);
    for (size_t i = 0; out && i < n;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (n - i >= 7 && memcmp(s + i, "@TOKEN@", 7) == 0) { rep = token; skip = 7; }
        else if (n - i >= 6 && memcmp(s + i, "@LINK@", 6) == 0) { rep = link; skip = 6; }
        const char *piece = rep ? rep : s + i;
        size_t plen = rep ? strlen(rep) : 1;
        if (len + plen + 1 > cap) {
            cap = (len + plen + 1) * 2;
            char *g = realloc(out, cap);
            if (!g) { free(out); return NULL; }
            out = g;
        }
        memcpy(out + len, piece, plen);
        len += plen;
        i += rep ? skip : 1;
    }
    if (out)
        out[len] = '\0';
    if (outlen)
        *outlen = len;
    return out;
}

/* Next line of [*p, end): returns its length without "\n" / "\r\n"; advances *p past it. */
static size_t next_line(const char **p, const char *end, const char **line)
{
    *line = *p;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    size_t n = (size_t)(stop - *line);
    if (n && (*line)[n - 1] == '\r')
        n--;
    return n;
}

static bool has_prefix(const char *line, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && strncasecmp(line, pre, k) == 0;
}

bool fuzz_emu_faults_on(const emu_options *o)
{
    return o->truncate_rate > 0 || o->malformed_rate > 0 || o->wrong_types_rate > 0 ||
           o->fail_rate > 0 || o->hang_rate > 0 || o->rate_limit > 0 || o->lose_rate > 0;
}

/* With faults off, an answer is what skdash reads: the parser of its endpoint takes a 200,
 * parse_error_body takes anything else, and a JSON answer is JSON. */
void fuzz_emu_check_answer(const emu_request *rq, const emu_response *rs)
{
    FUZZ_CHECK(!rs->hang);
    FUZZ_CHECK(rs->status >= 200 && rs->status <= 599);
    FUZZ_CHECK(rs->body != NULL || rs->body_len == 0);
    const char *ct = rs->content_type ? rs->content_type : "";
    if (strncmp(ct, "application/json", 16) == 0 && rs->body_len) {
        json_tokener *tok = json_tokener_new();
        json_object *o = json_tokener_parse_ex(tok, rs->body, (int)rs->body_len);
        FUZZ_CHECK(json_tokener_get_error(tok) == json_tokener_success && o);
        json_object_put(o);
        json_tokener_free(tok);
    }
    sk_error err;
    sk_error_clear(&err);
    if (rs->status != 200 || strncmp(ct, "application/json", 16) != 0) {
        if (rs->status != 200) {
            parse_error_body(rs->body, rs->body_len, rs->status, &err);
            fuzz_check_error(&err);
        }
        return;
    }
    const char *uri = rq->uri ? rq->uri : "/";
    size_t plen = strcspn(uri, "?");
    sk_status st = SK_OK;
    if (plen == 12 && strncmp(uri, "/oauth/token", 12) == 0) {
        sk_token t;
        st = parse_token(rs->body, rs->body_len, &t, &err);
        parse_token_free(&t);
    } else if (plen == 23 && strncmp(uri, "/api/v1/connections/app", 23) == 0) {
        sk_connection_page p;
        st = parse_connection_page(rs->body, rs->body_len, &p, &err);
        parse_connection_page_free(&p);
    } else if ((plen == 33 && strncmp(uri, "/api/v1/connected_accounts:search", 33) == 0) ||
               (plen == 26 && strncmp(uri, "/api/v1/connected_accounts", 26) == 0 &&
                strcmp(rq->method, "GET") == 0)) {
        sk_account_page p;
        st = parse_account_page(rs->body, rs->body_len, &p, &err);
        parse_account_page_free(&p);
    } else if ((plen == 34 && strncmp(uri, "/api/v1/connected_accounts/details", 34) == 0) ||
               (plen == 26 && strncmp(uri, "/api/v1/connected_accounts", 26) == 0)) {
        sk_detail_result r;
        st = parse_account_detail(rs->body, rs->body_len, &r, &err);
        parse_account_detail_free(&r);
    } else if (plen == 37 && strncmp(uri, "/api/v1/connected_accounts/magic_link", 37) == 0) {
        sk_link_result r;
        st = parse_link(rs->body, rs->body_len, &r, &err);
        parse_link_free(&r);
    }
    FUZZ_CHECK(st == SK_OK);
}

/* One request of the input: [p, end). */
void fuzz_emu_request(emu *e, const char *p, const char *end, bool check, const char *token)
{
    const char *line;
    size_t n = next_line(&p, end, &line);
    const char *sp = memchr(line, ' ', n);
    const char *link = e->nlinks ? e->links[e->nlinks - 1].token : "no-link";
    char *method = strndup(line, sp ? (size_t)(sp - line) : n);
    char *uri = sp ? expand(sp + 1, n - (size_t)(sp + 1 - line), token, link, NULL) : NULL;
    char *auth = NULL, *ctype = NULL;
    bool too_large = false;
    while (p < end && (n = next_line(&p, end, &line)) > 0) {
        if (has_prefix(line, n, "Authorization:") && !auth)
            auth = expand(line + 14 + (n > 14 && line[14] == ' '), n - 14 - (n > 14 && line[14] == ' '),
                          token, link, NULL);
        else if (has_prefix(line, n, "Content-Type:") && !ctype)
            ctype = strndup(line + 13, n - 13);
        else if (has_prefix(line, n, "X-Too-Large:"))
            too_large = true;
    }
    size_t blen = 0;
    char *body = p < end ? expand(p, (size_t)(end - p), token, link, &blen) : NULL;
    /* An exact-size copy, so reading past body_len is caught. */
    char *exact = body && blen ? malloc(blen) : NULL;
    if (exact)
        memcpy(exact, body, blen);
    emu_request rq = { .method = method, .uri = uri, .authorization = auth, .content_type = ctype,
                       .body = exact, .body_len = exact ? blen : 0, .body_too_large = too_large };
    emu_response rs;
    emu_handle(e, &rq, &rs);
    if (check && method)
        fuzz_emu_check_answer(&rq, &rs);
    emu_response_free(&rs);
    free(method);
    free(uri);
    free(auth);
    free(ctype);
    free(body);
    free(exact);
}

void fuzz_emu_script(emu *e, const char *p, const char *end, bool check, const char *token)
{
    for (int i = 0; i < FUZZ_EMU_MAX_REQUESTS && p < end; i++) {
        /* The request runs to the next "\n===\n" (or the end). */
        const char *stop = end, *q = p;
        while ((q = memchr(q, '=', (size_t)(end - q))) != NULL) {
            if (q > p && q[-1] == '\n' && end - q >= 3 && memcmp(q, "===", 3) == 0 &&
                (end - q == 3 || q[3] == '\n' || q[3] == '\r')) {
                stop = q;
                break;
            }
            q++;
        }
        fuzz_emu_request(e, p, stop, check, token);
        if (stop == end)
            break;
        p = stop + 3;
        while (p < end && (*p == '\r' || *p == '\n'))
            p++;
    }
}
