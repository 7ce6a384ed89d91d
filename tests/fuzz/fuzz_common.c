/* fuzz_common.c: the checks shared by the fuzz targets: terminal-safety of every string a
 * parser returns, the error message promise, and timestamp formatting. */
#include "fuzz_common.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sk_time.h"
#include "text.h"

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    abort();
}

void fuzz_init_locale(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "");
}

/* Every target starts the same way, so libFuzzer and the replay driver find it here. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_locale();
    return 0;
}

/* No C0 control, no DEL, no C1 control encoded as UTF-8 (0xC2 0x80..0x9F). */
static void check_no_controls(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
        if (c == 0xc2 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1];
            FUZZ_CHECK(d < 0x80 || d > 0x9f);
        }
    }
}

void fuzz_check_error(const sk_error *err)
{
    size_t n = strnlen(err->message, sizeof err->message);
    FUZZ_CHECK(n < sizeof err->message);
    check_no_controls(err->message, n);
}

void fuzz_check_string(const char *s)
{
    if (!s)
        return;
    size_t len = strlen(s);
    sk_buf b;
    buf_init(&b);
    FUZZ_CHECK(text_sanitize(&b, s, len));
    FUZZ_CHECK(b.s != NULL && strlen(b.s) == b.len);
    check_no_controls(b.s, b.len);
    FUZZ_CHECK(text_width(b.s) >= 0);
    static const int widths[] = { 0, 1, 2, 7, 40 };
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        for (int utf8 = 0; utf8 <= 1; utf8++) {
            sk_buf f;
            buf_init(&f);
            int w = text_fit(&f, b.s, widths[i], true, utf8);
            FUZZ_CHECK(w >= 0 && w <= widths[i]);
            if (f.s)
                check_no_controls(f.s, f.len);
            buf_free(&f);
        }
    }
    buf_free(&b);
    char *d = text_sanitize_dup(s);
    FUZZ_CHECK(d != NULL);
    check_no_controls(d, strlen(d));
    free(d);
}

void fuzz_check_time(int64_t t)
{
    char buf[64];
    static const int64_t nows[] = { 0, 1744786565, 4102444800 };   /* 1970, 2025, 2100 */
    for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
        time_relative(t, nows[i], buf, sizeof buf);
        FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
        time_countdown(t, nows[i], buf, sizeof buf);
        FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
    }
    time_rfc3339(t, buf, sizeof buf);
    FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
    char tiny[4];
    time_relative(t, 1744786565, tiny, sizeof tiny);
    FUZZ_CHECK(strnlen(tiny, sizeof tiny) < sizeof tiny);
}

void fuzz_check_account(const sk_account *a)
{
    const char *strs[] = { a->id, a->identifier, a->connector, a->connection_id, a->provider,
                           a->status, a->authorization_type };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        FUZZ_CHECK(FUZZ_PRESENT_OK(strs[i]));   /* "" reads as absent (parse.h) */
        fuzz_check_string(strs[i]);
    }
    FUZZ_CHECK(a->state >= 0 && a->state < SK_STATE_COUNT);
    FUZZ_CHECK(a->state == state_from_wire(a->status));
    fuzz_check_time(a->token_expires_at);
    fuzz_check_time(a->updated_at);
    fuzz_check_time(a->last_used_at);
}
