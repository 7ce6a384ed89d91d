/* test_emu_json.c: skemu's hand-written list view of an account (emu_account_list_json) is
 * byte for byte what json-c writes of emu_account_to_json(EMU_VIEW_LIST), on generated data
 * and on hostile strings (every byte value, long ones, quotes, backslashes, slashes, control bytes, UTF-8,
 * invalid UTF-8), with each field absent, null, "" or set; and the cached text follows changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/emu/emu_store.h"
#include "../../src/emu/emu_util.h"

/* json-c's text of the list view, as skemu wrote it before (malloc'd). */
static char *json_c_text(const emu_store *s, emu_account *a)
{
    json_object *o = emu_account_to_json(s, a, EMU_VIEW_LIST);
    char *t = strdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    assert_non_null(t);
    return t;
}

static void assert_same_text(const emu_store *s, emu_account *a)
{
    char *want = json_c_text(s, a);
    emu_list_text *fresh = emu_account_list_text_new(a);
    assert_int_equal(fresh->len, strlen(want));
    assert_string_equal(fresh->text, want);
    size_t n = 0;
    const char *cached = emu_account_list_json(s, a, &n);
    assert_int_equal(n, strlen(want));
    assert_string_equal(cached, want);
    free(fresh);
    free(want);
}

static void test_generated_accounts(void **st)
{
    (void)st;
    emu_store s;
    emu_store_init(&s, 7);
    emu_store_generate(&s, 3000, 12, 7, 1764547200);
    size_t seen = 0;
    for (size_t b = 0; b < s.nbuckets; b++)
        for (size_t i = 0; i < s.buckets[b].n; i++, seen++)
            assert_same_text(&s, s.buckets[b].items[i]);
    assert_int_equal(seen, 3000);
    emu_store_free(&s);
}

static void set_all_opts(emu_account *a, int kind, const char *v)
{
    emu_opt *opts[] = {&a->status, &a->authorization_type, &a->token_expires_at, &a->updated_at,
                       &a->last_used_at};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        if (kind == EMU_OPT_SET)
            emu_opt_set(opts[i], v);
        else
            emu_opt_clear(opts[i], kind);
    }
}

static void test_hostile_strings(void **st)
{
    (void)st;
    emu_store s;
    emu_store_init(&s, 1);
    char every[256];
    for (int i = 1; i < 256; i++)
        every[i - 1] = (char)i;
    every[255] = '\0';
    static char longer[5000];   /* past the writer's stack buffer, with escapes all along */
    for (size_t i = 0; i + 1 < sizeof longer; i++)
        longer[i] = "ab\"c/\\\n\x01d\xc3\xa9"[i % 11];
    const char *values[] = {
        every, longer, "", "\"", "\\", "/", "a/b\\c\"d", "\b\f\n\r\t\x01\x1f\x7f", "josé 山田 🦊",
        "\xff\xfe\x80 bad utf-8", "</script>", "\\u0000", "end\\",
    };
    const int kinds[] = {EMU_OPT_ABSENT, EMU_OPT_NULL, EMU_OPT_EMPTY, EMU_OPT_SET};
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            emu_account *a = emu_account_new();
            a->id = emu_strdup(values[v]);
            a->identifier = k % 2 ? emu_strdup(values[v]) : NULL;
            a->connector = k == 2 ? NULL : emu_strdup(values[v]);
            a->connection_id = emu_strdup(values[v]);
            a->provider = k == 3 ? NULL : emu_strdup(values[v]);
            set_all_opts(a, kinds[k], values[v]);
            assert_same_text(&s, a);
            emu_account_free(a);
        }
    }
    /* nothing at all: "{}" */
    emu_account *a = emu_account_new();
    assert_same_text(&s, a);
    emu_account_free(a);
    emu_store_free(&s);
}

static void test_cache_follows_changes(void **st)
{
    (void)st;
    emu_store s;
    emu_store_init(&s, 1);
    emu_account *a = emu_account_new();
    a->id = emu_strdup("ca_1");
    emu_opt_set(&a->status, "ACTIVE");
    assert_same_text(&s, a);
    emu_opt_set(&a->status, "REVOKED");
    emu_account_changed(a);
    assert_same_text(&s, a);
    assert_non_null(strstr(emu_account_list_json(&s, a, NULL), "REVOKED"));
    emu_account_free(a);
    emu_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_accounts),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_cache_follows_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
