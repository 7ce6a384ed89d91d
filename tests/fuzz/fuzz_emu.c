/* fuzz_emu.c: libFuzzer target for skemu's request handling (emu_handle), in-process.
 * Input (text; see tests/fuzz/README.md):
 *   [@opts key=value ...]        optional first line: fault rates and switches
 *   METHOD URI                   one request: request line, headers, blank line, body
 *   Authorization: Bearer @TOKEN@
 *
 *   body...
 *   ===                          a line alone between requests (at most FUZZ_EMU_MAX_REQUESTS)
 * @TOKEN@ becomes a valid access token and @LINK@ the newest magic link's token, so the
 * fuzzer reaches the endpoints behind auth. Each input gets a fresh emulator (same seed, same
 * epoch) so a crash replays exactly. Without faults, every answer must be what skdash's own
 * parsers accept: a 200 from an endpoint parses with its parser, an error parses as an error. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_emu_common.h"

static void parse_opts(emu_options *o, const char *line, size_t n)
{
    char *s = strndup(line, n), *save = NULL;
    if (!s)
        return;
    for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(t, '=');
        double v = eq ? strtod(eq + 1, NULL) : 1;
        if (v != v || v < 0) v = 0;       /* NaN and negatives: off */
        if (v > 1e6) v = 1e6;
        if (eq) *eq = '\0';
        if (strcmp(t, "truncate") == 0) o->truncate_rate = v;
        else if (strcmp(t, "malformed") == 0) o->malformed_rate = v;
        else if (strcmp(t, "wrongtypes") == 0) o->wrong_types_rate = v;
        else if (strcmp(t, "fail") == 0) o->fail_rate = v;
        else if (strcmp(t, "hang") == 0) o->hang_rate = v;
        else if (strcmp(t, "lose") == 0) o->lose_rate = v;
        else if (strcmp(t, "rate") == 0) o->rate_limit = (long)v;
        else if (strcmp(t, "after") == 0) o->fault_after = (long)v;
        else if (strcmp(t, "noconn") == 0) o->no_connections_endpoint = v != 0;
        else if (strcmp(t, "linkttl") == 0) o->link_ttl = (long)v;
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    emu_options o;
    fuzz_emu_options(&o);
    if (size >= 5 && memcmp(p, "@opts", 5) == 0) {
        const char *nl = memchr(p, '\n', size);
        size_t n = nl ? (size_t)(nl - p) : size;
        parse_opts(&o, p + 5, n - 5);
        p = nl ? nl + 1 : end;
    }
    char err[256];
    emu *e = emu_new(&o, err, sizeof err);
    FUZZ_CHECK(e != NULL);
    char token[160];
    emu_token_issue(e, token, sizeof token);
    fuzz_emu_script(e, p, end, !fuzz_emu_faults_on(&o), token);
    emu_free(e);
    return 0;
}
