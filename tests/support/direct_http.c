/* direct_http.c: libcurl requests to skemu for the tests' expected values: one request, a
 * token by client credentials, every account page by page. */
#include "direct_http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "run_skdash.h"
#include "skemu_proc.h"

typedef struct body {
    char *s;
    size_t n;
} body;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    body *b = ud;
    run_append(&b->s, &b->n, p, sz * n);
    return sz * n;
}

long direct_http(const char *method, const char *url, const char *bearer, const char *data,
                 int flags, char **out)
{
    CURL *h = curl_easy_init();
    assert_non_null(h);
    body b = { NULL, 0 };
    run_append(&b.s, &b.n, "", 0);
    struct curl_slist *hd = NULL;
    char auth[4096];
    if (bearer) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        hd = curl_slist_append(hd, auth);
    }
    if (data)
        hd = curl_slist_append(hd, flags & DIRECT_FORM
                                       ? "Content-Type: application/x-www-form-urlencoded"
                                       : "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (data)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, flags & DIRECT_FOLLOW ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    *out = b.s;
    return status;
}

char *direct_token(const char *base)
{
    char url[256], *b = NULL;
    snprintf(url, sizeof url, "%s/oauth/token", base);
    long st = 0;
    for (int k = 0; k < 60 && st != 200; k++) {
        free(b);
        st = direct_http("POST", url, NULL, "grant_type=client_credentials&client_id="
                         SKEMU_DEMO_CLIENT_ID "&client_secret=" SKEMU_DEMO_CLIENT_SECRET,
                         DIRECT_FORM, &b);
    }
    assert_int_equal(st, 200);
    json_object *o = json_tokener_parse(b), *t;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "access_token", &t));
    char *tok = strdup(json_object_get_string(t));
    json_object_put(o);
    free(b);
    return tok;
}

/* Adds one page's accounts to all and writes its next_page_token, URL-encoded, to next ("" on
 * the last page). */
static void add_page(json_object *all, const char *b, char *next, size_t n)
{
    json_object *o = json_tokener_parse(b), *arr, *nt;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "connected_accounts", &arr));
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        json_object_array_add(all, json_object_get(json_object_array_get_idx(arr, i)));
    const char *t = json_object_object_get_ex(o, "next_page_token", &nt)
                        ? json_object_get_string(nt) : "";
    char *enc = curl_easy_escape(NULL, t ? t : "", 0);
    snprintf(next, n, "%s", enc);
    curl_free(enc);
    json_object_put(o);
}

json_object *direct_accounts(const char *base)
{
    char *tok = direct_token(base);
    json_object *all = json_object_new_array();
    char next[256] = "";
    for (int guard = 0; guard < 1000; guard++) {
        char url[512], *b;
        snprintf(url, sizeof url, "%s/api/v1/connected_accounts?page_size=99%s%s", base,
                 next[0] ? "&page_token=" : "", next);
        assert_int_equal(direct_http("GET", url, tok, NULL, 0, &b), 200);
        add_page(all, b, next, sizeof next);
        free(b);
        if (!next[0])
            break;
    }
    free(tok);
    return all;
}
