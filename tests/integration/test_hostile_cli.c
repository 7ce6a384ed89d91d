/* test_hostile_cli.c: a hostile server's strings through every CLI table and text, and the
 * printed link: OSC 52 (clipboard), screen clear, title change, BEL, C1 controls, bidi
 * overrides, invalid UTF-8, 10,000 characters, wide CJK and emoji. The test reads the bytes
 * skdash writes (on a real terminal and piped): nothing raw gets through, the text stays valid
 * UTF-8, every line fits the width and the table columns stay aligned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <json-c/json.h>

#include "../support/fake_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

static skemu_proc emu;
static char data_path[128], tmp_dir[64];

/* ------------------------------------------------------------------ hostile data */

static char long_ident[10001];

static const char *const idents[] = {
    "osc52\033]52;c;ZWNobyBvd25lZA==\007@x.com",     /* writes the clipboard */
    "clear\033[2J\033[H@x.com",                        /* clears the screen */
    "title\033]0;owned\033\\@x.com",                   /* sets the window title */
    "bel\007\007@x.com",
    "c1\xc2\x9b" "31m\xc2\x9d" "0;t\xc2\x9c@x.com",    /* CSI, OSC, ST as C1 controls */
    "bidi\xe2\x80\xae" "fdp.exe\xe2\x81\xa6@x.com",    /* RLO, LRI */
    "bad\xff\xfe\xc3(\xc0\x80@x.com",                  /* invalid UTF-8 */
    "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e@wide.jp",   /* 山田太郎 */
    "\xf0\x9f\x98\x80\xf0\x9f\x8e\x89 "
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7@emoji",
    long_ident,
};
#define NIDENTS (sizeof idents / sizeof idents[0])

static void write_data(void)
{
    memset(long_ident, 'L', 10000);
    long_ident[5000] = '\033';
    long_ident[10000] = '\0';
    json_object *root = json_object_new_object(), *conns = json_object_new_array();
    json_object *accts = json_object_new_array();
    /* Connection names stay plain: the API itself refuses others in a listing's filter. */
    const char *names[] = { "evil", "evil2" };
    for (int i = 0; i < 2; i++) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "key_id", json_object_new_string(names[i]));
        json_object_object_add(c, "provider_key", json_object_new_string("P\033]52;c;eA==\007"));
        json_object_object_add(c, "type", json_object_new_string("OAUTH\xc2\x9b" "2J"));
        json_object_array_add(conns, c);
    }
    for (size_t i = 0; i < NIDENTS; i++) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "connector", json_object_new_string(names[i % 2]));
        json_object_object_add(a, "identifier", json_object_new_string(idents[i]));
        json_object_object_add(a, "status", json_object_new_string(
                                   i == 0 ? "\033[5mACTIVE" : i % 3 ? "ACTIVE" : "EXPIRED"));
        json_object_object_add(a, "authorization_type", json_object_new_string(
                                   i == 1 ? "OAUTH\033]0;t\007" : "OAUTH"));
        json_object_object_add(a, "provider", json_object_new_string("GMAIL\xe2\x80\xae"));
        json_object_array_add(accts, a);
    }
    json_object_object_add(root, "connections", conns);
    json_object_object_add(root, "connected_accounts", accts);
    snprintf(data_path, sizeof data_path, "%s/data.json", tmp_dir);
    FILE *f = fopen(data_path, "w");
    assert_non_null(f);
    fputs(json_object_to_json_string(root), f);
    fclose(f);
    json_object_put(root);
}

/* ------------------------------------------------------------------ running skdash */

/* stdout (and stderr, merged) of skdash on a terminal `cols` wide, or piped when cols == 0. */
static char *run(int cols, const char *const *args, int *code, size_t *len)
{
    char *out = run_on_tty(NULL, cols, true, args, code, len);
    if (!out)
        fail_msg("no terminal for skdash (posix_openpt)");
    return out;
}

/* ------------------------------------------------------------------ what reached the terminal */

/* Strictly valid UTF-8 with no C0 (but '\n'), DEL, C1, bidi control or line separator. */
static void assert_terminal_safe(const char *what, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = p[i], cp = 0, n = 0;
        if (c < 0x80) { cp = c; n = 1; }
        else if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1F; n = 2; }
        else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0F; n = 3; }
        else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07; n = 4; }
        else fail_msg("%s: invalid UTF-8 byte 0x%02x at %zu", what, c, i);
        if (i + n > len)
            fail_msg("%s: truncated UTF-8 at %zu", what, i);
        for (unsigned k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                fail_msg("%s: invalid UTF-8 at %zu", what, i);
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        bool bad = (cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
                   cp == 0x061C || cp == 0x200E || cp == 0x200F ||
                   (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                   cp == 0x2028 || cp == 0x2029 || (cp >= 0xD800 && cp <= 0xDFFF);
        if (bad)
            fail_msg("%s: raw control U+%04X at byte %zu", what, cp, i);
        i += n;
    }
}

/* The character drawn at display column `col` of a line (0 past its end). */
static wchar_t char_at(const char *line, size_t n, int col)
{
    mbstate_t ps;
    memset(&ps, 0, sizeof ps);
    int x = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, line + i, n - i, &ps);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
            return L'?';
        int w = wcwidth(wc);
        if (w < 0)
            w = 1;
        if (col >= x && col < x + (w ? w : 0))
            return wc;
        x += w;
        i += k;
    }
    return 0;
}

static int line_width(const char *line, size_t n)
{
    mbstate_t ps;
    memset(&ps, 0, sizeof ps);
    int x = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, line + i, n - i, &ps);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
            return 100000;
        int w = wcwidth(wc);
        x += w < 0 ? 1 : w;
        i += k;
    }
    return x;
}

/* Every line fits `width`; the gutter before each column of the header (two spaces, then a
 * name) is blank in every row: no cell pushed the columns out of line. */
static void assert_table(const char *what, const char *s, int width, size_t min_rows)
{
    const char *nl = strchr(s, '\n');
    assert_non_null(nl);
    size_t hn = (size_t)(nl - s);
    int starts[32], ns = 0;
    for (int col = 2; ns < 32; col++) {
        wchar_t c = char_at(s, hn, col);
        if (!c)
            break;
        if (c != L' ' && char_at(s, hn, col - 1) == L' ' && char_at(s, hn, col - 2) == L' ')
            starts[ns++] = col;
    }
    assert_true(ns >= 2);
    size_t rows = 0;
    for (const char *line = s; (nl = strchr(line, '\n')); line = nl + 1) {
        size_t n = (size_t)(nl - line);
        int lw = line_width(line, n);
        if (width > 0 && lw > width)
            fail_msg("%s: a line is %d columns wide, more than %d", what, lw, width);
        for (int k = 0; k < ns; k++) {
            wchar_t c = char_at(line, n, starts[k] - 1);
            if (c != L' ' && c != 0)
                fail_msg("%s: row %zu breaks the gutter before column %d (found U+%04X)",
                         what, rows, k + 1, (unsigned)c);
        }
        rows++;
    }
    assert_true(rows >= min_rows + 1);
}

/* Runs a command piped and on a terminal (with colour); both must be safe. Returns the piped
 * output (caller frees). */
static char *both(const char *what, int cols, const char *const *args, int want_code)
{
    int code;
    size_t len;
    char *tty = run(cols, args, &code, &len);
    if (code != want_code)
        fail_msg("%s on a terminal: exit %d: %s", what, code, tty);
    len = run_strip_sgr(tty, len);
    assert_terminal_safe(what, tty, len);
    free(tty);
    char *piped = run(0, args, &code, &len);
    if (code != want_code)
        fail_msg("%s piped: exit %d: %s", what, code, piped);
    assert_null(memchr(piped, '\033', len));   /* no colour at all on a pipe */
    assert_terminal_safe(what, piped, len);
    return piped;
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **st)
{
    (void)st;
    setlocale(LC_ALL, "C.UTF-8");
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-hostile-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    write_data();
    const char *args[] = { "--data", data_path, NULL };
    if (skemu_start(&emu, args) != 0)
        return -1;
    skemu_env(&emu);
    setenv("XDG_STATE_HOME", tmp_dir, 1);
    setenv("SKDASH_NO_CACHE", "1", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("COLUMNS", "100", 1);   /* the width of piped tables */
    unsetenv("NO_COLOR");
    unsetenv("SKDASH_PROFILE");
    return 0;
}

static int group_teardown(void **st)
{
    (void)st;
    skemu_stop(&emu);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The id of the account whose identifier is idents[i], from skemu's JSON via skdash's own
 * JSON (exactness of that JSON is test_cli's business). */
static char *id_of(size_t i)
{
    int code;
    size_t len;
    char *out = run(0, (const char *const[]){ "list", "--format", "json", NULL }, &code, &len);
    assert_int_equal(code, 0);
    json_object *arr = json_tokener_parse(out);
    assert_non_null(arr);
    char *id = NULL;
    for (size_t k = 0; k < json_object_array_length(arr) && !id; k++) {
        json_object *a = json_object_array_get_idx(arr, k), *v, *ident;
        /* Invalid UTF-8 comes back as U+FFFD in JSON: that one is found by its prefix. */
        const char *want = idents[i];
        size_t cmp_len = strstr(want, "\xff") ? 3 : strlen(want) + 1;
        if (json_object_object_get_ex(a, "identifier", &ident) &&
            strncmp(json_object_get_string(ident), want, cmp_len) == 0 &&
            json_object_object_get_ex(a, "id", &v))
            id = strdup(json_object_get_string(v));
    }
    json_object_put(arr);
    free(out);
    if (!id)
        fail_msg("no account with identifier #%zu", i);
    return id;
}

/* ------------------------------------------------------------------ tables */

static void test_list_table(void **st)
{
    (void)st;
    int widths[] = { 100, 80, 60 };
    for (size_t w = 0; w < 3; w++) {
        int code;
        size_t len;
        char *out = run(widths[w], (const char *const[]){ "list", NULL }, &code, &len);
        assert_int_equal(code, 0);
        len = run_strip_sgr(out, len);
        assert_terminal_safe("list (terminal)", out, len);
        assert_table("list (terminal)", out, widths[w], NIDENTS);
        free(out);
    }
    char *out = both("list", 100, (const char *const[]){ "list", NULL }, 0);
    assert_table("list (piped)", out, 100, NIDENTS);
    assert_non_null(strstr(out, "\\x1b"));      /* the escapes are shown, visibly */
    assert_non_null(strstr(out, "\xe5\xb1\xb1\xe7\x94\xb0"));   /* and CJK kept as it is */
    free(out);
    /* The same filtered to one connection, and as CSV. */
    out = both("list -c", 100, (const char *const[]){ "list", "-c", "evil2", NULL }, 0);
    assert_table("list -c", out, 100, NIDENTS / 2);
    free(out);
    free(both("list csv", 100, (const char *const[]){ "list", "--format", "csv", NULL }, 0));
}

static void test_connections_table(void **st)
{
    (void)st;
    char *out = both("connections", 100, (const char *const[]){ "connections", NULL }, 0);
    assert_table("connections", out, 100, 2);
    free(out);
    int code;
    size_t len;
    out = run(60, (const char *const[]){ "connections", NULL }, &code, &len);
    assert_int_equal(code, 0);
    len = run_strip_sgr(out, len);
    assert_table("connections (60)", out, 60, 2);
    free(out);
}

static void test_show_and_dry_run(void **st)
{
    (void)st;
    for (size_t i = 0; i < NIDENTS; i++) {
        char *id = id_of(i);
        free(both("show", 100, (const char *const[]){ "show", "--id", id, NULL }, 0));
        free(both("show json", 100,
                  (const char *const[]){ "show", "--id", id, "--format", "json", NULL }, 0));
        char *out = both("delete --dry-run", 100,
                         (const char *const[]){ "delete", "--id", id, "--dry-run", NULL }, 0);
        assert_non_null(strstr(out, "Dry run: nothing deleted."));
        free(out);
        free(id);
    }
}

/* The commands over a selection: the campaign's rows in each format, and the counts per
 * connection and state that delete and disconnect confirm with. (On a terminal the campaign's
 * progress line is skdash's own control text, so its outputs are read piped here.) */
static void test_bulk_outputs(void **st)
{
    (void)st;
    static const char *const fmts[] = { "table", "csv", "json" };
    for (int f = 0; f < 3; f++) {
        int code;
        size_t len;
        char *out = run(0, (const char *const[]){ "link", "--all", "--format", fmts[f], NULL },
                        &code, &len);
        if (code != 0)
            fail_msg("link --all --format %s: exit %d: %s", fmts[f], code, out);
        assert_null(memchr(out, '\033', len));
        assert_terminal_safe("link SELECTION", out, len);
        free(out);
    }
    char *out = both("delete SELECTION --dry-run", 100,
                     (const char *const[]){ "delete", "--all", "--dry-run", NULL }, 0);
    assert_non_null(strstr(out, " accounts: "));
    assert_non_null(strstr(out, "\\x1b"));   /* a hostile connection or identifier, escaped */
    free(out);
    free(both("disconnect SELECTION --dry-run", 100,
              (const char *const[]){ "disconnect", "-c", "evil2", "--dry-run", NULL }, 0));
}

/* The journal of those dry runs (hostile names and all), as a table and as JSON. */
static void test_journal_table(void **st)
{
    (void)st;
    char *out = both("journal", 100, (const char *const[]){ "journal", NULL }, 0);
    assert_table("journal", out, 100, NIDENTS);
    free(out);
    int code;
    size_t len;
    out = run(0, (const char *const[]){ "journal", "--format", "json", NULL }, &code, &len);
    assert_int_equal(code, 0);
    assert_terminal_safe("journal json", out, len);
    json_object *arr = json_tokener_parse(out);
    assert_non_null(arr);
    assert_true(json_object_array_length(arr) >= NIDENTS);
    /* Valid identifiers come back exactly (escaped in the JSON text, not lost). */
    size_t exact = 0;
    for (size_t k = 0; k < json_object_array_length(arr); k++) {
        json_object *v;
        if (json_object_object_get_ex(json_object_array_get_idx(arr, k), "identifier", &v) &&
            strcmp(json_object_get_string(v), idents[0]) == 0)
            exact++;
    }
    assert_true(exact >= 1);
    json_object_put(arr);
    free(out);
}

/* ------------------------------------------------------------------ a hostile link */

#define HOSTILE_LINK "https://evil.example/\\u001b]52;c;cHduZWQ=\\u0007\\u009b2J\\u202e/" \
                     "\\u001b[2J\\u001b]0;t\\u001b\\\\x\\u00ff"

/* A server whose account and link are hostile: token, details, magic_link. The account is the
 * one asked for (ca_h): an answer about another one is refused before anything is shown. */
static bool link_answer(void *ud, int fd, const char *line)
{
    (void)ud;
    if (strncmp(line, "POST /oauth/token", 17) == 0)
        return fake_http_reply(fd, 200, "{\"access_token\":\"t\",\"expires_in\":3600}");
    if (strstr(line, "/details"))
        return fake_http_reply(fd, 200, "{\"connected_account\":{\"id\":\"ca_h\","
                               "\"identifier\":\"\\u001b]52;c;eA==\\u0007u@x\","
                               "\"connector\":\"gm\\u202eail\",\"status\":\"PENDING_AUTH\"}}");
    return fake_http_reply(fd, 200, "{\"link\":\"" HOSTILE_LINK "\","
                           "\"expiry\":\"2030-01-01T00:00:00Z\"}");
}

static void test_hostile_link(void **st)
{
    (void)st;
    fake_http srv;
    fake_http_start(&srv, link_answer, NULL);
    setenv("SCALEKIT_ENVIRONMENT_URL", srv.url, 1);

    /* Issue #12: a "link" with controls in it is not a link: refused (exit 1), never printed,
     * never drawn as a QR code; the refusal itself is safe on a terminal. */
    char *out = both("link", 100, (const char *const[]){ "link", "--id", "ca_h", NULL }, 1);
    assert_non_null(strstr(out, "the server sent a link with spaces, control or non-ASCII"));
    assert_null(strstr(out, "evil.example"));
    free(out);
    out = both("link json", 100,
               (const char *const[]){ "link", "--id", "ca_h", "--format", "json", NULL }, 1);
    assert_null(strstr(out, "evil.example"));
    free(out);
    out = both("link --qr", 100, (const char *const[]){ "link", "--id", "ca_h", "--qr", NULL }, 1);
    assert_null(strstr(out, "evil.example"));
    free(out);
    free(both("show", 100, (const char *const[]){ "show", "--id", "ca_h", NULL }, 0));
    /* The journal now holds hostile names from this server too: still safe, still aligned. */
    out = both("journal", 100, (const char *const[]){ "journal", NULL }, 0);
    assert_table("journal", out, 100, 1);
    free(out);

    fake_http_stop(&srv);
    setenv("SCALEKIT_ENVIRONMENT_URL", emu.url, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_table),
        cmocka_unit_test(test_connections_table),
        cmocka_unit_test(test_show_and_dry_run),
        cmocka_unit_test(test_journal_table),
        cmocka_unit_test(test_bulk_outputs),
        cmocka_unit_test(test_hostile_link),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
