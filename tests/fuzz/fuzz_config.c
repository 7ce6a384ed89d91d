/* fuzz_config.c: libFuzzer target for the config file parser (config_parse_text); it never
 * runs a client_secret_command. The first line of the input names the profile ("-" for none),
 * the rest is the file. What parses holds a URL with an http(s) scheme and no trailing '/'. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "fuzz_common.h"

static void check_config(const sk_config *c)
{
    FUZZ_CHECK(strnlen(c->environment_url, sizeof c->environment_url) < sizeof c->environment_url);
    FUZZ_CHECK(strnlen(c->client_id, sizeof c->client_id) < sizeof c->client_id);
    size_t n = strlen(c->environment_url);
    if (n) {
        FUZZ_CHECK(strncasecmp(c->environment_url, "http://", 7) == 0 ||
                   strncasecmp(c->environment_url, "https://", 8) == 0);
        FUZZ_CHECK(c->environment_url[n - 1] != '/');
    }
    FUZZ_CHECK(!c->client_secret || c->client_secret[0]);
    char host[128];
    config_host(c, host, sizeof host);
    FUZZ_CHECK(strnlen(host, sizeof host) < sizeof host);
    FUZZ_CHECK(strchr(host, '@') == NULL);   /* never a user:password@ part */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t plen = nl ? (size_t)(nl - text) : size;
    char *profile = malloc(plen + 1);
    if (!profile)
        return 0;
    memcpy(profile, text, plen);
    profile[plen] = '\0';
    size_t off = nl ? plen + 1 : size;
    sk_config cfg;
    sk_error err;
    bool has_cmd = true;
    sk_status st = config_parse_text(text + off, size - off,
                                     strcmp(profile, "-") == 0 ? NULL : profile, &cfg, &has_cmd, &err);
    if (st == SK_OK) {
        check_config(&cfg);
    } else {
        FUZZ_CHECK(err.status == st);
        FUZZ_CHECK(cfg.client_secret == NULL);
        FUZZ_CHECK(!has_cmd);
        fuzz_check_error(&err);
    }
    config_free(&cfg);
    FUZZ_CHECK(cfg.client_secret == NULL);
    free(profile);
    return 0;
}
