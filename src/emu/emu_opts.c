/* emu_opts.c: skemu's command line: defaults, parsing and checking every flag, --help.
 * Bad flags are reported on stderr and make skemu exit with status 2. */
#include "emu.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void emu_options_default(emu_options *o)
{
    memset(o, 0, sizeof *o);
    o->port = 8484;
    o->generate = -1;
    o->connections = -1;
    o->seed = 1;
    o->epoch = -1;
    o->client_id = "skc_demo";
    const char *env = getenv("SKEMU_CLIENT_SECRET");
    o->client_secret = env && *env ? env : "skemu-demo-secret";
    o->token_ttl = 3600;
    o->link_ttl = 600;
    o->retry_after = 1;
}

void emu_usage(FILE *f)
{
    fputs("usage: skemu [options]\n"
          "Local emulator of the Scalekit AgentKit connected-accounts REST API (127.0.0.1 only).\n"
          "\n"
          "  --port N                 listen port (default 8484; 0 picks a free one)\n"
          "  --data FILE              load connections and accounts from a JSON file\n"
          "  --generate N             generate N accounts (default 300)\n"
          "  --connections M          ... over M connections (default 6)\n"
          "  --seed S                 seed for generated data and faults (default 1)\n"
          "  --epoch SECS             anchor of generated timestamps (default: today 00:00Z)\n"
          "  --client-id ID           accepted client id (default skc_demo)\n"
          "  --client-secret SECRET   accepted secret (default $SKEMU_CLIENT_SECRET or\n"
          "                           skemu-demo-secret)\n"
          "  --token-ttl SECS         access token lifetime (default 3600)\n"
          "  --link-ttl SECS          magic link lifetime (default 600)\n"
          "  --link-pad N             make magic links N characters longer (a query the\n"
          "                           link page ignores; for testing long links)\n"
          "  --latency-ms N           delay every /oauth and /api request by N ms\n"
          "  --fail-rate F            share of requests answered 500 or 503\n"
          "  --rate-limit N           more than N requests in one second -> 429\n"
          "  --retry-after SECS       Retry-After on 429 (default 1; 0 sends none)\n"
          "  --truncate-rate F        share of 200 bodies cut in half\n"
          "  --malformed-rate F       share of 200 bodies replaced by malformed JSON\n"
          "  --wrong-types-rate F     share of 200 bodies with fields of the wrong JSON type\n"
          "  --hang-rate F            share of requests never answered\n"
          "  --lose-rate F            share of POST/PUT /api/v1/ requests carried out whose\n"
          "                           answer is then lost (the connection is closed)\n"
          "  --no-connections-endpoint  /api/v1/connections/app answers 404\n"
          "  --no-disconnect[=404|501]  POST /api/v1/connected_accounts/{id}:disconnect is not\n"
          "                           offered: answered 404 (the default) or 501\n"
          "  --fault-after N          faults start after the first N requests\n"
          "  --tls-cert PEM           serve HTTPS (TLS by GnuTLS) with this certificate\n"
          "                           (PEM, the chain after it); needs --tls-key\n"
          "  --tls-key PEM            the certificate's private key (PEM, unencrypted)\n"
          "  --quiet                  no request log on stderr\n"
          "  --help, --version\n",
          f);
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int parse_rate(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= 0.0 && v <= 1.0)) return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = (uint64_t)v;
    return 0;
}

enum {
    OPT_PORT = 256, OPT_DATA, OPT_GENERATE, OPT_CONNECTIONS, OPT_SEED, OPT_EPOCH, OPT_CLIENT_ID,
    OPT_CLIENT_SECRET, OPT_TOKEN_TTL, OPT_LINK_TTL, OPT_LATENCY, OPT_FAIL, OPT_RATE_LIMIT,
    OPT_RETRY_AFTER, OPT_TRUNCATE, OPT_MALFORMED, OPT_WRONG_TYPES, OPT_HANG, OPT_NO_CONN,
    OPT_FAULT_AFTER, OPT_QUIET, OPT_HELP, OPT_VERSION, OPT_LINK_PAD, OPT_LOSE, OPT_TLS_CERT,
    OPT_TLS_KEY, OPT_NO_DISCONNECT
};

static const struct option long_opts[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"data", required_argument, NULL, OPT_DATA},
    {"generate", required_argument, NULL, OPT_GENERATE},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"epoch", required_argument, NULL, OPT_EPOCH},
    {"client-id", required_argument, NULL, OPT_CLIENT_ID},
    {"client-secret", required_argument, NULL, OPT_CLIENT_SECRET},
    {"token-ttl", required_argument, NULL, OPT_TOKEN_TTL},
    {"link-ttl", required_argument, NULL, OPT_LINK_TTL},
    {"link-pad", required_argument, NULL, OPT_LINK_PAD},
    {"latency-ms", required_argument, NULL, OPT_LATENCY},
    {"fail-rate", required_argument, NULL, OPT_FAIL},
    {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
    {"retry-after", required_argument, NULL, OPT_RETRY_AFTER},
    {"truncate-rate", required_argument, NULL, OPT_TRUNCATE},
    {"malformed-rate", required_argument, NULL, OPT_MALFORMED},
    {"wrong-types-rate", required_argument, NULL, OPT_WRONG_TYPES},
    {"hang-rate", required_argument, NULL, OPT_HANG},
    {"lose-rate", required_argument, NULL, OPT_LOSE},
    {"no-connections-endpoint", no_argument, NULL, OPT_NO_CONN},
    {"no-disconnect", optional_argument, NULL, OPT_NO_DISCONNECT},
    {"fault-after", required_argument, NULL, OPT_FAULT_AFTER},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* One flag with its argument; returns 0, or -1 when the value is out of range. */
static int apply_opt(emu_options *o, int c, const char *arg)
{
    long v = 0;
    switch (c) {
    case OPT_PORT: if (parse_long(arg, 0, 65535, &v)) return -1; o->port = (int)v; return 0;
    case OPT_DATA: if (!*arg) return -1; o->data_path = arg; return 0;
    case OPT_GENERATE: return parse_long(arg, 0, 10000000, &o->generate);
    case OPT_CONNECTIONS: return parse_long(arg, 1, 100000, &o->connections);
    case OPT_SEED: return parse_u64(arg, &o->seed);
    case OPT_EPOCH:
        /* Year 3000 at most: generated times must stay printable as RFC 3339. */
        if (parse_long(arg, 0, 32503680000L, &v)) return -1;
        o->epoch = v;
        return 0;
    case OPT_CLIENT_ID: if (!*arg) return -1; o->client_id = arg; return 0;
    case OPT_CLIENT_SECRET: if (!*arg) return -1; o->client_secret = arg; return 0;
    case OPT_TOKEN_TTL: return parse_long(arg, 1, 100000000, &o->token_ttl);
    case OPT_LINK_TTL: return parse_long(arg, 1, 100000000, &o->link_ttl);
    case OPT_LINK_PAD: return parse_long(arg, 0, 2000, &o->link_pad);
    case OPT_LATENCY: return parse_long(arg, 0, 600000, &o->latency_ms);
    case OPT_FAIL: return parse_rate(arg, &o->fail_rate);
    case OPT_RATE_LIMIT: return parse_long(arg, 0, 100000000, &o->rate_limit);
    case OPT_RETRY_AFTER: return parse_long(arg, 0, 86400, &o->retry_after);
    case OPT_TRUNCATE: return parse_rate(arg, &o->truncate_rate);
    case OPT_MALFORMED: return parse_rate(arg, &o->malformed_rate);
    case OPT_WRONG_TYPES: return parse_rate(arg, &o->wrong_types_rate);
    case OPT_HANG: return parse_rate(arg, &o->hang_rate);
    case OPT_LOSE: return parse_rate(arg, &o->lose_rate);
    case OPT_NO_CONN: o->no_connections_endpoint = true; return 0;
    case OPT_NO_DISCONNECT:
        if (!arg || strcmp(arg, "404") == 0) o->no_disconnect = 404;
        else if (strcmp(arg, "501") == 0) o->no_disconnect = 501;
        else return -1;
        return 0;
    case OPT_FAULT_AFTER: return parse_long(arg, 0, LONG_MAX, &o->fault_after);
    case OPT_QUIET: o->quiet = true; return 0;
    case OPT_TLS_CERT: if (!*arg) return -1; o->tls_cert = arg; return 0;
    case OPT_TLS_KEY: if (!*arg) return -1; o->tls_key = arg; return 0;
    default: return -1;
    }
}

int emu_options_parse(emu_options *o, int argc, char **argv, FILE *out, FILE *err)
{
    emu_options_default(o);
    opterr = 0;
    optind = 1;
    int c, idx = 0;
    while ((c = getopt_long(argc, argv, ":", long_opts, &idx)) != -1) {
        if (c == OPT_HELP) {
            emu_usage(out);
            return 1;
        }
        if (c == OPT_VERSION) {
            fprintf(out, "skemu %s\n", EMU_VERSION);
            return 1;
        }
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1] ? argv[optind - 1] : "?";
            fprintf(err, "skemu: %s: %s\n", bad,
                    c == ':' ? "needs a value" : "unknown option");
            fputs("Try 'skemu --help'.\n", err);
            return 2;
        }
        if (apply_opt(o, c, optarg) != 0) {
            fprintf(err, "skemu: --%s: invalid value \"%s\"\n", long_opts[idx].name,
                    optarg ? optarg : "");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "skemu: unexpected argument \"%s\"\nTry 'skemu --help'.\n", argv[optind]);
        return 2;
    }
    if (!o->tls_cert != !o->tls_key) {
        fputs("skemu: --tls-cert and --tls-key go together\n", err);
        return 2;
    }
    if (o->data_path && (o->generate >= 0 || o->connections >= 0)) {
        fputs("skemu: --data cannot be combined with --generate/--connections\n", err);
        return 2;
    }
    return 0;
}
