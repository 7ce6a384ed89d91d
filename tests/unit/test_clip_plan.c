/* test_clip_plan.c: which OSC 52 form a copy sends and what it may claim: plain outside any
 * multiplexer, screen's chunks under screen (STY), and inside tmux what its settings let
 * through (set-clipboard on: plain; allow-passthrough on/all or absent: passthrough; neither:
 * nothing, and why; settings unknown: both, claiming nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osc52.h"

static sk_osc52_tmux tmux_with(const char *clip, const char *pass)
{
    sk_osc52_tmux t = { .known = true };
    snprintf(t.set_clipboard, sizeof t.set_clipboard, "%s", clip);
    snprintf(t.allow_passthrough, sizeof t.allow_passthrough, "%s", pass);
    return t;
}

static void test_outside_tmux(void **st)
{
    (void)st;
    sk_osc52_plan p;
    osc52_plan(SK_OSC52_PLAIN, NULL, &p);
    assert_true(p.plain && p.sure && !p.tmux_passthrough && !p.screen);
    osc52_plan(SK_OSC52_SCREEN, NULL, &p);
    assert_true(p.screen && p.sure && !p.plain && !p.tmux_passthrough);
}

static void test_tmux_settings(void **st)
{
    (void)st;
    sk_osc52_plan p;
    sk_osc52_tmux t = tmux_with("on", "off");
    osc52_plan(SK_OSC52_TMUX, &t, &p);
    assert_true(p.plain && p.sure && !p.tmux_passthrough);

    t = tmux_with("external", "on");   /* external ignores programs' OSC 52 */
    osc52_plan(SK_OSC52_TMUX, &t, &p);
    assert_true(!p.plain && p.tmux_passthrough && p.sure);
    t = tmux_with("off", "all");
    osc52_plan(SK_OSC52_TMUX, &t, &p);
    assert_true(!p.plain && p.tmux_passthrough);
    t = tmux_with("off", "");          /* tmux before 3.3: no such option, passthrough works */
    osc52_plan(SK_OSC52_TMUX, &t, &p);
    assert_true(p.tmux_passthrough);

    t = tmux_with("external", "off");
    osc52_plan(SK_OSC52_TMUX, &t, &p);
    assert_true(!p.plain && !p.tmux_passthrough && !p.screen && !p.sure);
    assert_non_null(strstr(p.said, "tmux set-clipboard external"));
    assert_non_null(strstr(p.said, "allow-passthrough off"));

    osc52_plan(SK_OSC52_TMUX, NULL, &p);   /* tmux did not answer */
    assert_true(p.plain && p.tmux_passthrough && !p.sure);
}

static void test_detect_screen_by_sty(void **st)
{
    (void)st;
    unsetenv("TMUX");
    setenv("TERM", "xterm-256color", 1);
    setenv("STY", "1234.pts-0.host", 1);
    assert_int_equal(osc52_detect(), SK_OSC52_SCREEN);
    setenv("TMUX", "/tmp/tmux-1/default,1,0", 1);
    assert_int_equal(osc52_detect(), SK_OSC52_TMUX);
    unsetenv("TMUX");
    unsetenv("STY");
    assert_int_equal(osc52_detect(), SK_OSC52_PLAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outside_tmux),
        cmocka_unit_test(test_tmux_settings),
        cmocka_unit_test(test_detect_screen_by_sty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
