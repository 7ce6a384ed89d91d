/* tui_run.c: the dashboard's one loop (no threads): client_wait() on curl's sockets, the
 * terminal and a self-pipe for signals, with a timeout for the next timer; the stack of screens;
 * keys go through the action table's gate to their handlers (or to the top screen as text);
 * the screens are settled and redrawn once per turn when something changed. */
#include "tui_app.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "osc52.h"
#include "saved_view.h"
#include "sk_time.h"
#include "text.h"
#include "tui_script.h"
#include "tui_term.h"
#include "tui_theme.h"


/* ---------------------------------------------------------------- terminal and signals */

static volatile sig_atomic_t got_signal;
static int sig_pipe[2] = { -1, -1 };
static bool curses_on;
static struct sigaction old_winch;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig != SIGWINCH)
        got_signal = sig;
    else if (old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN &&
             old_winch.sa_handler)
        old_winch.sa_handler(sig);   /* ncurses' own: it queues KEY_RESIZE */
    if (sig_pipe[1] >= 0) {
        ssize_t w = write(sig_pipe[1], "s", 1);
        (void)w;
    }
    errno = saved;
}

/* The terminal as it was before curses, for the fatal-signal path, where endwin() (not
 * async-signal-safe) cannot be called. */
static struct termios saved_tty;
static bool saved_tty_ok;

/* A crash (SIGSEGV, SIGABRT...) must not leave the user's terminal in raw mode on the
 * alternate screen: put it back with async-signal-safe calls only, then die as the signal
 * says. */
static void on_fatal(int sig)
{
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    if (curses_on) {
        ssize_t w = write(tui_script_output_fd(STDOUT_FILENO), reset, sizeof reset - 1);
        (void)w;
        if (saved_tty_ok)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void term_guard(void)
{
    if (curses_on && !isendwin())
        endwin();
    curses_on = false;
}

static void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    struct sigaction fatal;
    memset(&fatal, 0, sizeof fatal);
    fatal.sa_handler = on_fatal;
    sigemptyset(&fatal.sa_mask);
    fatal.sa_flags = SA_RESETHAND;
    int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    for (size_t i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
        sigaction(fatal_sigs[i], &fatal, NULL);
    /* After initscr(), so ncurses' resize handler is chained, not replaced. */
    sigaction(SIGWINCH, &sa, &old_winch);
}

static bool term_start(tui_app *a)
{
    if (pipe(sig_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    atexit(term_guard);
    saved_tty_ok = !tui_script_on() && isatty(STDIN_FILENO) &&
                   tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    if (tui_script_on() ? !tui_script_start() : !initscr())   /* SKDASH_SCRIPT: no terminal */
        return false;
    curses_on = true;
    tui_term_buffered();   /* before the modes below: endwin() and refresh() keep them */
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    a->mono = theme_want_mono(a->o.no_color, has_colors());
    theme_init(a->mono);
    if (a->o.mouse)
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    signals_install();
    getmaxyx(stdscr, a->rows, a->cols);
    return true;
}

static void drain_pipe(void)
{
    char buf[64];
    while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof buf) > 0)
        ;
}

static bool clip_write(const char *text, sk_osc52_wrap wrap)
{
    char *seq = osc52_sequence(text ? text : "", wrap);
    if (!seq)
        return false;
    /* Straight to the terminal, outside curses' buffer, so it also works over SSH. */
    fflush(stdout);
    size_t len = strlen(seq), off = 0;
    while (off < len) {
        ssize_t w = write(tui_script_output_fd(STDOUT_FILENO), seq + off, len - off);
        if (w <= 0 && errno != EINTR)
            break;
        if (w > 0)
            off += (size_t)w;
    }
    free(seq);
    return true;
}

/* The footer says what can have happened: copied, only sent (tmux's settings unknown), or
 * nothing possible here (then the text to select by hand, when it is short). */
bool tui_clipboard(tui_app *a, const char *text, const char *what)
{
    sk_osc52_plan p;
    clip_plan(&p);
    if (!p.plain && !p.tmux_passthrough && !p.screen) {
        /* The text first: on 80 columns the reason is what gives way (data_set_error makes
         * it safe for the terminal). */
        if (text && strlen(text) <= 64)
            data_set_error(a, "copy by hand: %s (%s not copied: %s)", text, what, p.said);
        else
            data_set_error(a, "copy %s by hand from the screen (not copied: %s)", what, p.said);
        return false;
    }
    bool ok = (!p.plain || clip_write(text, SK_OSC52_PLAIN)) &&
              (!p.tmux_passthrough || clip_write(text, SK_OSC52_TMUX)) &&
              (!p.screen || clip_write(text, SK_OSC52_SCREEN));
    if (!ok) {
        data_set_error(a, "could not copy %s", what);
        return false;
    }
    a->error[0] = '\0';   /* a copy that went replaces one that could not */
    data_set_notice(a, "%s %s to the clipboard (%s)", p.sure ? "copied" : "sent", what, p.said);
    return true;
}

/* ---------------------------------------------------------------- the screen stack */

const tui_screen *tui_screen_top(const tui_app *a)
{
    return a->depth > 0 ? a->stack[a->depth - 1] : &tui_overview_screen;
}

const tui_screen *tui_screen_below(const tui_app *a, const tui_screen *s)
{
    for (int i = a->depth - 1; i > 0; i--)
        if (a->stack[i] == s)
            return a->stack[i - 1];
    return NULL;
}

bool tui_screen_is_open(const tui_app *a, const tui_screen *s)
{
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i] == s)
            return true;
    return false;
}

void tui_screen_push(tui_app *a, const tui_screen *s)
{
    if (a->depth == TUI_MAX_DEPTH)
        tui_screen_pop(a);
    a->stack[a->depth++] = s;
    a->dirty = true;
}

void tui_screen_pop(tui_app *a)
{
    if (a->depth <= 1)
        return;
    const tui_screen *s = a->stack[--a->depth];
    if (s->close)
        s->close(a);
    a->dirty = true;
}

void tui_screen_close(tui_app *a, const tui_screen *s)
{
    while (tui_screen_is_open(a, s) && a->depth > 1) {
        bool last = a->stack[a->depth - 1] == s;
        tui_screen_pop(a);
        if (last)
            break;
    }
}

size_t tui_scroll_by(size_t scroll, long delta)
{
    long v = (long)scroll + delta;
    return v < 0 ? 0 : (size_t)v;
}

size_t tui_scroll_clamp(size_t scroll, size_t n, size_t shown)
{
    if (n <= shown)
        return 0;
    return scroll > n - shown ? n - shown : scroll;
}

/* ---------------------------------------------------------------- generic actions */

/* Moving is the screen's own business; the table only says which way. */
void act_move(tui_app *a, int delta)
{
    const tui_screen *s = tui_screen_top(a);
    if (s->step)
        s->step(a, delta);
}

void act_page(tui_app *a, int dir)
{
    const tui_screen *s = tui_screen_top(a);
    if (s->step)
        s->step(a, (long)dir * (s->page ? s->page(a) : 1));
}

void act_edge(tui_app *a, int dir)
{
    const tui_screen *s = tui_screen_top(a);
    if (s->step)
        s->step(a, dir < 0 ? -1000000000L : 1000000000L);
}

void act_close(tui_app *a, int arg)
{
    (void)arg;
    tui_screen_pop(a);
}

void act_redraw(tui_app *a, int arg)
{
    (void)arg;
    (void)a;
    clearok(curscr, TRUE);
}

/* ---------------------------------------------------------------- the dispatcher */

static void on_key(tui_app *a, int rc, wint_t wc)
{
    int key = rc == KEY_CODE_YES ? (int)wc : (wc < 128 ? (int)wc : 0);
    if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
        a->dirty = a->at_once = true;
        clearok(curscr, TRUE);
        return;
    }
    if (a->view_dirty)
        data_view_update(a);
    if (a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS) {
        if (key == 'q')
            a->quit = true;
        return;
    }
    a->at_once = true;   /* drawn at once, whatever the pace of pages */
    const tui_screen *s = tui_screen_top(a);
    tui_ctx ctx = s->ctx_now ? s->ctx_now(a) : s->ctx;
    bool refused = false;
    tui_action act = actions_resolve(ctx, key, a->read_only, &refused);
    a->dirty = true;
    if (refused) {
        /* The gate: an action that writes never runs in a read-only session, whatever the
         * screen; a dialog that would lead to one is closed. */
        char msg[96];
        action_refusal(actions_bound(ctx, key), msg, sizeof msg);
        data_set_error(a, "%s", msg);
        if (s->overlay)
            tui_screen_pop(a);
        return;
    }
    if (act != ACT_NONE) {
        const tui_action_def *d = action_def(act);
        d->run(a, d->arg);
        return;
    }
    /* Not an action: text for the filter line or the typed count, a mouse event. */
    if (s->text)
        s->text(a, rc, wc);
}

/* ---------------------------------------------------------------- timers */

static void take_min(long long *due, long long t)
{
    if (t > 0 && (*due < 0 || t < *due))
        *due = t;
}

static bool busy(const tui_app *a)
{
    return client_pending(a->client) > 0 || (a->listing && !a->listing_over);
}

/* Busy, or work of the dashboard's own left for the next turns: the script's :wait waits. */
static bool working(const tui_app *a)
{
    return busy(a) || data_background_due(a);
}

/* Rows still coming in: a listing's pages, or the cache's rest. */
static bool streaming(const tui_app *a)
{
    return (a->listing && !a->listing_over) || data_cache_loading(a, NULL);
}

static int next_timeout(const tui_app *a, long long now)
{
    long long due = -1;
    if (data_background_due(a))
        return 0;
    if (busy(a))
        take_min(&due, now + TUI_SPIN_MS);
    if ((a->dirty || a->view_dirty) && streaming(a))
        take_min(&due, a->frame_ms > now && store_count(a->store) >= TUI_FRAME_PACE_FROM
                           ? a->frame_ms : now);   /* the paced frame */
    if (a->view_dirty && streaming(a))
        take_min(&due, a->merge_ms > now ? a->merge_ms : now);   /* the paced merge */
    if (*a->refresh_error)
        take_min(&due, (now / 1000 + 1) * 1000);   /* the "trying again in N s" countdown */
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i]->due)
            take_min(&due, a->stack[i]->due(a, now));
    take_min(&due, a->next_refresh_ms);
    long ct = client_next_timer_ms(a->client);
    if (ct >= 0)
        take_min(&due, now + (ct > 0 ? ct : 1));
    if (due < 0)
        return -1;   /* nothing to wait for but input: no idle wake-ups */
    return due > now ? (int)(due - now) : 0;
}

static void run_timers(tui_app *a, long long now, long long *last_spin)
{
    /* How long requests have been pending, for the footer's "waiting for the server". */
    if (!busy(a))
        a->busy_since_ms = 0;
    else if (!a->busy_since_ms)
        a->busy_since_ms = now;
    static long long last_retry_sec;
    if (*a->refresh_error && now / 1000 != last_retry_sec) {
        last_retry_sec = now / 1000;   /* the "retrying in N s" countdown */
        a->dirty = true;
    }
    if (busy(a) && now - *last_spin >= TUI_SPIN_MS) {
        a->spin++;
        *last_spin = now;
        a->dirty = true;
    }
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i]->tick)
            a->stack[i]->tick(a, now);
    if (a->next_refresh_ms && now >= a->next_refresh_ms && !(a->listing && !a->listing_over)) {
        a->next_refresh_ms = 0;
        data_start_refresh(a);
    }
}

/* The screens from the first one not covered by an overlay up to the top. */
static void draw_screens(const tui_app *a)
{
    if (a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS) {
        draw_small(a);
        return;
    }
    int from = a->depth - 1;
    while (from > 0 && a->stack[from]->overlay)
        from--;
    for (int i = from; i < a->depth; i++)
        a->stack[i]->draw(a);
}

static void redraw(tui_app *a)
{
    getmaxyx(stdscr, a->rows, a->cols);
    /* State fitted to the window first (scrolls, the QR fit): drawing only reads. */
    overview_settle(a);
    for (int i = 1; i < a->depth; i++)
        if (a->stack[i]->settle)
            a->stack[i]->settle(a);
    draw_screens(a);
    refresh();
    a->dirty = false;
}

/* While a listing streams in, pages alone are drawn at a pace: the next frame no sooner than
 * TUI_FRAME_FACTOR times what the last one cost, nor than TUI_FRAME_MIN_MS after it (the
 * view's merge of the rows that landed grows with the rows already there: at a million,
 * drawing every 4 ms turn spent most of the listing's time there). A key, an answer the user
 * waits on (a search's rows, a link, a single delete, a message: tui_draw_now), anything once
 * the listing is over, and the first pages (until the store holds TUI_FRAME_PACE_FROM
 * accounts: the first full screen waits for nothing) are drawn at once. */
static bool draw_due(const tui_app *a, long long now)
{
    if (!a->dirty && !a->view_dirty)
        return false;
    return !streaming(a) || a->at_once || now >= a->frame_ms ||
           store_count(a->store) < TUI_FRAME_PACE_FROM;
}

/* Pages that landed, merged into the view between frames at the pace of what merging costs:
 * the frame that follows (a key's, drawn at once, or the paced one) has little left to do. */
static bool merge_due(const tui_app *a, long long now)
{
    return a->view_dirty && streaming(a) && now >= a->merge_ms;
}

static long long paced_gap(long long cost_us)
{
    long long gap = cost_us * TUI_FRAME_FACTOR / 1000;
    return gap < TUI_FRAME_MAX_MS ? gap : TUI_FRAME_MAX_MS;
}

static void merge(tui_app *a)
{
    long long t0 = tui_now_us();
    data_view_update(a);
    long long t1 = tui_now_us();
    a->merge_ms = t1 / 1000 + paced_gap(t1 - t0);
    a->dirty = true;
}

static void frame(tui_app *a)
{
    long long t0 = tui_now_us();
    redraw(a);
    long long t1 = tui_now_us();
    long long gap = paced_gap(t1 - t0);
    a->merge_ms = t1 / 1000 + gap;
    a->frame_ms = t1 / 1000 + (gap > TUI_FRAME_MIN_MS ? gap : TUI_FRAME_MIN_MS);
    a->at_once = false;
}

static void loop(tui_app *a)
{
    long long last_spin = 0;
    while (!a->quit && !got_signal) {
        long long turn = tui_now_ms();
        if (draw_due(a, turn))
            frame(a);
        else if (merge_due(a, turn))
            merge(a);
        data_after_draw(a);
        struct curl_waitfd fds[3] = {
            { .fd = tui_script_input_fd(STDIN_FILENO, working(a)), .events = CURL_WAIT_POLLIN },
        };
        unsigned nfds = 1;
        if (sig_pipe[0] >= 0)
            fds[nfds++] = (struct curl_waitfd){ .fd = sig_pipe[0], .events = CURL_WAIT_POLLIN };
        if (data_cache_fd(a) >= 0)   /* the cache's writer, done */
            fds[nfds++] = (struct curl_waitfd){ .fd = data_cache_fd(a), .events = CURL_WAIT_POLLIN };
        long long now = tui_now_ms();
        client_wait(a->client, fds, nfds, next_timeout(a, now));
        drain_pipe();
        client_step(a->client);
        data_after_listing(a);
        data_cache_bg(a);
        wint_t wc;
        int rc;
        bool keyed = false;
        a->in_keys = true;
        while (!a->quit && (rc = tui_script_get_wch(a, working(a), &wc)) != ERR) {
            on_key(a, rc, wc);
            keyed = true;
        }
        a->in_keys = false;
        if (keyed && !a->quit)
            search_follow(a);   /* the text the keys leave (the same text: search_want does nothing) */
        run_timers(a, tui_now_ms(), &last_spin);
        data_background(a);
    }
}

/* ---------------------------------------------------------------- entry */

/* A listing's answers are taken a few milliseconds at a time, and none while a key waits on
 * the terminal: at 0 ms a step could otherwise parse and store hundreds of pages in one go
 * while the key waits (script mode reads no terminal). */
static void step_budget(tui_app *a)
{
    client_set_step_budget(a->client, TUI_STEP_BUDGET_US, tui_script_on() ? -1 : STDIN_FILENO);
}

/* Everything built for one environment, let go of: the listing and every request (their
 * callbacks run cancelled while `closing` says so), the screens above the overview, the client,
 * the store and the view. */
static void env_free(tui_app *a)
{
    a->closing = true;
    trace_stop(a);
    if (a->listing && !a->listing_over)
        listing_cancel(a->listing);
    while (a->depth > 1)
        tui_screen_pop(a);   /* each screen lets go of what it holds */
    search_stop(a);
    if (a->client)
        client_free(a->client);   /* runs what is left with SK_ERR_CANCELLED */
    a->client = NULL;
    if (a->listing)
        listing_free(a->listing);
    a->listing = NULL;
    if (a->store)
        data_cache_flush(a);   /* deletes and disconnects the once-a-minute bound held back */
    data_detail_clear(&a->det);
    view_free(&a->view);
    store_free(a->store);
    a->store = NULL;
}

static void app_free(tui_app *a)
{
    env_free(a);
    cmdbar_free();
    if (a->own_cfg) {
        config_free(a->own_cfg);
        free(a->own_cfg);
    }
    a->own_cfg = NULL;
}

/* The state of one environment as at start: nothing listed, nothing filtered or marked, the
 * cursor at the top; the sort order is the user's and stays. */
static void env_reset(tui_app *a, const sk_config *cfg)
{
    a->cfg = cfg;
    a->read_only = cfg->read_only;
    config_host(cfg, a->host, sizeof a->host);
    a->closing = a->listing_over = false;
    a->last_refresh = SK_TIME_ABSENT;
    a->next_refresh_ms = a->retry_ms = 0;
    a->refresh_error[0] = a->trouble[0] = '\0';
    a->refresh_stopped = a->from_cache = false;
    a->cache_saved_at = 0;
    a->trouble_ms = a->last_answer_ms = a->busy_since_ms = 0;
    sk_sort_key sort = a->spec.sort;
    bool reverse = a->spec.reverse;
    view_init(&a->view);
    view_spec_init(&a->spec);
    a->spec.sort = sort;
    a->spec.reverse = reverse;
    a->base_mask = SK_ALL_STATES;
    a->filter[0] = a->filter_msg[0] = a->filter_said[0] = '\0';
    a->filtering = a->filter_bad = false;
    a->conn_cur = a->conn_top = a->cur = a->top = 0;
    memset(a->saved_count, 0, sizeof a->saved_count);
    memset(a->saved_tally, 0, sizeof a->saved_tally);
    memset(a->saved_ready, 0, sizeof a->saved_ready);
    a->tally_pending = a->prepare_pending = false;
    a->tally_layout = 0;
    a->sel_id[0] = '\0';
    a->focus = PANE_TABLE;
    a->detail_open = false;
    a->detail_scroll = 0;
    a->deletes_in_flight = 0;
    a->error[0] = a->warning[0] = a->notice[0] = '\0';
    a->print_pending = false;
    a->dirty = a->view_dirty = true;
}

bool tui_env_switch(tui_app *a, sk_config *next, sk_error *err)
{
    /* The new client first: when it cannot be made, the environment in use stays as it was. */
    sk_client_opts co;
    trace_client_opts(&co);
    sk_client *client = client_new(next, &co, err);
    sk_store *store = client ? store_new() : NULL;
    if (!store) {
        if (client)
            client_free(client);
        if (err->status == SK_OK)
            sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return false;
    }
    env_free(a);
    if (a->own_cfg) {
        config_free(a->own_cfg);
        free(a->own_cfg);
    }
    a->own_cfg = next;
    env_reset(a, next);
    saved_view_set_windows(next->expiring_within, next->unused_for);   /* the new profile's */
    a->client = client;
    a->store = store;
    step_budget(a);
    trace_start(a);
    data_cache_load(a);   /* the new environment's cache, if it has one */
    data_spec_rebuild(a);
    data_start_refresh(a);
    return true;
}

static void print_after_exit(tui_app *a)
{
    if (!a->print_link)
        return;
    char *safe = text_sanitize_dup(a->print_link);
    char when[40];
    time_rfc3339(a->print_expiry, when, sizeof when);
    printf("%s\n", safe ? safe : "");
    if (*when)
        printf("expires %s\n", when);
    free(safe);
    sk_qr qr;
    sk_error err;
    if (qr_encode(a->print_link, SK_QR_ECC_M, &qr, &err) != SK_OK) {
        fprintf(stderr, "skdash: QR code: %s\n", err.message);
        return;
    }
    char *txt = qr_render(&qr, 4, a->utf8 ? SK_QR_HALF_BLOCKS : SK_QR_TWO_CHAR);
    bool color = !a->mono && isatty(STDOUT_FILENO);
    for (char *line = txt, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        /* Dark modules on light, whatever the terminal's own colours. */
        printf(color ? "\x1b[30;47m%s\x1b[0m\n" : "%s\n", line);
    }
    free(txt);
    qr_free(&qr);
}

static bool app_init(tui_app *a, const sk_config *cfg, const tui_opts *o, sk_error *err)
{
    memset(a, 0, sizeof *a);
    a->cfg = cfg;
    a->o = *o;
    a->read_only = cfg->read_only;
    a->utf8 = text_locale_utf8();
    a->last_refresh = SK_TIME_ABSENT;
    a->base_mask = SK_ALL_STATES;
    a->focus = PANE_TABLE;
    a->det.gen = 1;
    a->stack[0] = &tui_overview_screen;
    a->depth = 1;
    config_host(cfg, a->host, sizeof a->host);
    view_init(&a->view);
    view_spec_init(&a->spec);
    sk_client_opts co;
    trace_client_opts(&co);
    a->client = client_new(cfg, &co, err);
    a->store = store_new();
    if (a->client) {
        step_budget(a);
        trace_start(a);
    }
    return a->client && a->store;
}

int tui_run(const sk_config *cfg, const tui_opts *o)
{
    static tui_app app;
    tui_app *a = &app;
    sk_error err;
    sk_error_clear(&err);
    if (!app_init(a, cfg, o, &err)) {
        fprintf(stderr, "skdash: %s\n", err.message[0] ? err.message : "out of memory");
        app_free(a);
        return err.status != SK_OK ? sk_status_exit_code(err.status) : SK_EXIT_API;
    }
    if (!term_start(a)) {
        fprintf(stderr, "skdash: cannot start the terminal (is TERM set?)\n");
        app_free(a);
        return SK_EXIT_USAGE;
    }
    data_cache_load(a);   /* the last listing on screen at once, marked cached */
    data_spec_rebuild(a);
    data_start_refresh(a);
    a->dirty = true;
    loop(a);
    int sig = got_signal;
    app_free(a);
    term_guard();
    print_after_exit(a);
    free(a->print_link);
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
    }
    return sig ? 128 + sig : a->exit_code;
}

void tui_draw_now(tui_app *a)
{
    a->dirty = a->at_once = true;
}
