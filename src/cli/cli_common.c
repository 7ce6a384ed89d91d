/* cli_common.c: what every command needs: one-line errors, the session (configuration, the
 * profile's read-only gate, client), the terminal's width and colour, formats and safe JSON. */
#include "cli_cmd.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "buf.h"
#include "saved_view.h"
#include "sk_time.h"
#include "text.h"

/* Messages may carry what a user typed; make them safe and keep them on one line. */
static void vreport(const char *fmt, va_list ap)
{
    char msg[1024];
    text_safe_vformat(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "skdash: %s\n", msg);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "try 'skdash --help'\n");
    return SK_EXIT_USAGE;
}

int cli_fail(const sk_error *err)
{
    /* The message is already safe to print (sk_error_set sanitises it). */
    const char *m = err->message[0] ? err->message : sk_status_name(err->status);
    fprintf(stderr, "skdash: %s\n", m);
    int rc = sk_status_exit_code(err->status);
    return rc == SK_EXIT_OK ? SK_EXIT_API : rc;
}

static void debug_line(void *ud, const char *line)
{
    (void)ud;
    /* The client redacts secrets; escape anything else odd a server put in a header. */
    sk_buf b;
    buf_init(&b);
    if (text_sanitize(&b, line, strlen(line)) && b.s)
        fprintf(stderr, "debug: %s\n", b.s);
    buf_free(&b);
}

/* SKDASH_TIMEOUT: seconds one try of a request may take (1..600); false when malformed. */
static bool timeout_from_env(sk_client_opts *o)
{
    const char *v = getenv("SKDASH_TIMEOUT");
    if (!v || !*v)
        return true;
    char *end;
    long secs = strtol(v, &end, 10);
    if (*end || secs < 1 || secs > 600)
        return false;
    o->timeout_ms = secs * 1000;
    if (o->connect_timeout_ms > o->timeout_ms)
        o->connect_timeout_ms = o->timeout_ms;
    return true;
}

int cli_connect(const cli_globals *g, cli_session *s)
{
    memset(s, 0, sizeof *s);
    sk_error err;
    sk_error_clear(&err);
    sk_client_opts o;
    client_opts_default(&o);
    o.debug = g->debug;
    /* A selection's requests go --concurrency side by side: room for them on the wire. */
    if (g->concurrency > o.max_connections)
        o.max_connections = g->concurrency;
    if (!timeout_from_env(&o))
        return cli_usage("SKDASH_TIMEOUT wants whole seconds from 1 to 600");
    if (config_load(&s->cfg, &g->cfg, &err) != SK_OK) {
        config_free(&s->cfg);
        if (err.status == SK_OK)
            err.status = SK_ERR_CONFIG;
        return cli_fail(&err);
    }
    s->have_cfg = true;
    saved_view_set_windows(s->cfg.expiring_within, s->cfg.unused_for);
    /* The profile's read_only is only known now; nothing has been asked of the server yet. */
    int rc = cli_gate_read_only(g->cmd, s->cfg.read_only, s->cfg.profile);
    if (rc) {
        cli_disconnect(s);
        return rc;
    }
    s->client = client_new(&s->cfg, &o, &err);
    if (!s->client) {
        cli_disconnect(s);
        if (err.status == SK_OK)
            sk_error_set(&err, SK_ERR_CONFIG, "cannot set up the HTTP client");
        return cli_fail(&err);
    }
    if (g->debug)
        client_set_debug(s->client, debug_line, NULL);
    s->debug = g->debug;
    return SK_EXIT_OK;
}

void cli_disconnect(cli_session *s)
{
    /* Times shown as "-" for want of a readable value, not for want of a value: say so. */
    unsigned long bad = time_unreadable_total();
    if (s->debug && s->client && bad)
        fprintf(stderr, "debug: %lu timestamp%s could not be read (shown as -)\n", bad,
                bad == 1 ? "" : "s");
    if (s->client)
        client_free(s->client);
    s->client = NULL;
    if (s->have_cfg)
        config_free(&s->cfg);
    s->have_cfg = false;
}

bool cli_color_enabled(const cli_globals *g)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc) && !g->no_color;
}

int cli_term_width(void)
{
    if (isatty(STDOUT_FILENO)) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            return ws.ws_col;
    }
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        char *end;
        long v = strtol(c, &end, 10);
        if (!*end && v > 0 && v < 100000)
            return (int)v;
    }
    return isatty(STDOUT_FILENO) ? 80 : 0;
}

bool cli_format_parse(const char *s, unsigned allowed, cli_format *out)
{
    static const char *const names[] = { "table", "text", "json", "csv" };
    for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++) {
        if ((allowed & (1u << k)) && strcasecmp(s, names[k]) == 0) {
            *out = (cli_format)k;
            return true;
        }
    }
    return false;
}

cli_format cli_format_of(const cli_parsed *p, cli_format def)
{
    cli_format f = def;
    const char *v = cli_flag_value(p, CLI_F_FORMAT, NULL);
    unsigned all = 1u << CLI_FMT_TABLE | 1u << CLI_FMT_TEXT | 1u << CLI_FMT_JSON |
                   1u << CLI_FMT_CSV;
    if (v && !cli_format_parse(v, all, &f))
        f = def;
    return f;
}

/* Length of the valid UTF-8 sequence at s (0 when invalid) and its code point. */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; }
    else return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static bool cp_needs_escape(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x7F;
}

/* json-c escapes C0 controls but passes other bytes through; everything it writes outside
 * strings is ASCII, so escaping here keeps the document valid. */
void cli_json_write(FILE *f, const char *json)
{
    const unsigned char *s = (const unsigned char *)json;
    while (*s) {
        uint32_t cp;
        size_t n = utf8_seq(s, &cp);
        if (n == 0) {
            fputs("\\ufffd", f);
            s++;
        } else if (cp_needs_escape(cp)) {
            fprintf(f, "\\u%04x", (unsigned)cp);
            s += n;
        } else {
            fwrite(s, 1, n, f);
            s += n;
        }
    }
}
