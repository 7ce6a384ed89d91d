/* asan_defaults.c: the sanitizer options every ASan/UBSan build of skdash's programs starts
 * with (linked only into $(BUILD)/asan and fuzz programs). Options in the environment still win. */

/* exitcode 86: a sanitizer report must never look like one of skdash's own exit codes (0-4),
 * so a test that checks an exit status notices it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "exitcode=86:detect_leaks=1:detect_stack_use_after_return=1:"
           "check_initialization_order=1:strict_init_order=1:halt_on_error=1";
}

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1:exitcode=86";
}

#ifndef SK_LSAN_SUPP
#define SK_LSAN_SUPP "tests/sanitize/lsan.supp"
#endif

/* Only third-party libraries' leaks are suppressed there (see the file). */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "suppressions=" SK_LSAN_SUPP ":print_suppressions=0:exitcode=86";
}
