/* config.h: where skdash finds its environment and credentials.
 * Settings are named as Scalekit's SDKs name them: SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID,
 * SCALEKIT_CLIENT_SECRET. Precedence: flags over environment over the config file's profile.
 * The config file is $XDG_CONFIG_HOME/skdash/config (default ~/.config/skdash/config), INI:
 *
 *   [default]                      # used when no --profile / SKDASH_PROFILE
 *   environment_url = https://acme.scalekit.dev
 *   client_id = skc_123
 *   client_secret_command = pass show scalekit/acme   # run with /bin/sh -c, first line of stdout
 *   client_secret_command_timeout = 30   # seconds (default 10, at most 3600)
 *   [prod]
 *   environment_url = ...
 *   client_secret = ...           # refused unless the file is mode 0600 or stricter
 *   read_only = true
 *   cache = false                 # no start-up cache of the last listing for this profile
 *   ca_bundle = /etc/corp/ca.pem  # CA certificates (PEM) to verify the server with
 *   expiring_within = 3d          # the "Expiring soon" view's window (duration.h; default 3d)
 *   unused_for = 30d              # the "Unused" view's window (default 30d)
 *   message = Please re-authorize {connection}: {link} (before {expiry})   # the paste-ready
 *                                 # message's template ("" = the built-in text)
 *
 * The environment URL is an origin: https://HOST[:PORT], http:// only for a loopback host
 * (the client secret would otherwise travel unencrypted); letters of the scheme in any case,
 * surrounding blanks trimmed; a path, a query or a fragment is refused. user:password@ in it
 * is split off into url_user/url_password, so that environment_url, which messages, the trace,
 * the journal and the cache's name use, never holds them.
 *
 * A key given twice in the profile is an error; a UTF-8 byte order mark is skipped.
 * The secret never comes from argv. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sk_status.h"

/* client_secret_command: stopped (its whole process group killed) after this many seconds,
 * or once it has printed more than 64 KiB; either is a configuration error. */
#define CONFIG_SECRET_TIMEOUT_DEFAULT 10
#define CONFIG_SECRET_TIMEOUT_MAX 3600
/* The saved views' windows when the profile gives none (seconds). */
#define CONFIG_EXPIRING_WITHIN_DEFAULT ((int64_t)3 * 86400)
#define CONFIG_UNUSED_FOR_DEFAULT ((int64_t)30 * 86400)

typedef struct sk_config_flags {     /* what the command line gave (NULL = not given) */
    const char *environment_url;
    const char *client_id;
    const char *profile;
    const char *config_path;         /* --config FILE (overrides the XDG path) */
    int read_only;                   /* -1 not given, 0/1 */
    bool no_cache;                   /* --no-cache (false: not given) */
    const char *ca_bundle;           /* --ca-bundle FILE */
} sk_config_flags;

typedef struct sk_config {
    char environment_url[512];       /* scheme (lower case) :// host[:port]: no '/', no user:pw@ */
    char *url_user, *url_password;   /* heap, %-decoded, from user:password@ (NULL when none);
                                      * the password is wiped by config_free */
    char client_id[256];
    char *client_secret;             /* heap; wiped and freed by config_free */
    char profile[64];                /* "default" unless chosen */
    char config_path[512];           /* the file read ("" when none) */
    bool read_only;
    /* Where each setting came from, for messages: "flag", "environment", "config file", "command". */
    const char *url_source, *id_source, *secret_source;
    /* The dashboard's start-up cache (cache.h): true unless the profile says `cache = false`
     * or --no-cache is given (SKDASH_NO_CACHE is checked by cache_disabled()). */
    bool cache;
    int secret_command_timeout;      /* seconds: client_secret_command_timeout, else 10 */
    /* Whom to trust for TLS, curl's tool's way: --ca-bundle, SKDASH_CA_BUNDLE, the profile's
     * ca_bundle, CURL_CA_BUNDLE, then SSL_CERT_FILE (with SSL_CERT_DIR as ca_dir); "" = the
     * system's. Verification itself is never turned off. ca_source names where it came from. */
    char ca_bundle[512];
    char ca_dir[512];
    const char *ca_source;
    /* The saved views over time (saved_view.h): `expiring_within` (default 3d) and
     * `unused_for` (default 30d) of the profile, in seconds. */
    int64_t expiring_within, unused_for;
    /* `message = ...` of the profile: the paste-ready message's template, with {identifier},
     * {connection}, {link} and {expiry}; "" when the profile gives none (the built-in text). */
    char message[1024];
} sk_config;

void config_flags_init(sk_config_flags *f);
/* Resolve the configuration. Fails (SK_ERR_CONFIG, with a message that says what is missing or
 * why the file was refused) when url, id or secret cannot be found. */
sk_status config_load(sk_config *cfg, const sk_config_flags *flags, sk_error *err);
/* Same, but a missing secret/url/id is not an error (for --help-like paths and tests). */
sk_status config_load_partial(sk_config *cfg, const sk_config_flags *flags, sk_error *err);
/* The config file's parser alone (for tests and the fuzzer): text, len bytes that need not be
 * NUL-terminated, is read as a config file's contents and cfg is filled from the profile's
 * section only: no flags, no environment, no file-mode rule. profile NULL means "default", where
 * a missing section is no error; a named profile that is absent is SK_ERR_CONFIG, as in
 * config_load. A client_secret_command is never run: *has_secret_command (may be NULL) says
 * whether the profile sets one. cfg->config_path is "" and messages name the text "(text)".
 * On failure cfg holds no secret. */
sk_status config_parse_text(const char *text, size_t len, const char *profile, sk_config *cfg,
                            bool *has_secret_command, sk_error *err);
void config_free(sk_config *cfg);
/* Default config file path (XDG), written into buf. */
void config_default_path(char *buf, size_t n);
/* Whether host (a URL's host as written: name, IPv4 or [IPv6]; n bytes) is loopback:
 * "localhost", 127.0.0.0/8 or [::1]. The one place that decides where http:// is allowed. */
bool config_host_is_loopback(const char *host, size_t n);
/* Host part of the environment URL, for the dashboard's header. */
const char *config_host(const sk_config *cfg, char *buf, size_t n);

#endif
