/* tui_run.c: the dashboard's one loop (no threads): client_wait() on curl's sockets, the
 * terminal and a self-pipe for signals, with a timeout for the next timer; keys go through the
 * action table's dispatcher; the screen is redrawn once per turn when something changed. */
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

#include "util.h"
#include "tui_rows.h"
#include "tui_script.h"
#include "tui_theme.h"

#define KEY_ESC 27

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

void tui_clipboard(tui_app *a, const char *text, const char *what)
{
    char *seq = osc52_sequence(text ? text : "", osc52_detect());
    if (!seq) {
        data_set_error(a, "could not copy %s", what);
        return;
    }
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
    data_set_notice(a, "copied %s to the clipboard (OSC 52)", what);
}

/* ---------------------------------------------------------------- moving */

static void follow_cursor(tui_app *a)
{
    sk_account acc;
    if (data_current(a, &acc, NULL))
        snprintf(a->sel_id, sizeof a->sel_id, "%s", acc.id ? acc.id : "");
    data_detail_want(a);
    a->dirty = true;
}

static size_t clamp_move(size_t cur, size_t n, long delta)
{
    if (n == 0)
        return 0;
    long v = (long)cur + delta;
    if (v < 0)
        v = 0;
    if (v >= (long)n)
        v = (long)n - 1;
    return (size_t)v;
}

static void move_by(tui_app *a, long delta)
{
    if (a->focus == PANE_CONNS) {
        size_t c = clamp_move(a->conn_cur, data_conn_items(a), delta);
        if (c != a->conn_cur) {
            a->conn_cur = c;
            data_spec_rebuild(a);
        }
    } else if (a->focus == PANE_DETAIL) {
        long v = (long)a->detail_scroll + delta;
        a->detail_scroll = v < 0 ? 0 : (size_t)v;
    } else {
        if (a->view_dirty)
            data_view_update(a);
        a->cur = clamp_move(a->cur, a->view.n, delta);
        follow_cursor(a);
    }
    a->dirty = true;
}

static void next_pane(tui_app *a, int dir)
{
    int n = a->detail_open ? 3 : 2;
    a->focus = (tui_pane)(((int)a->focus + n + dir) % n);
    a->dirty = true;
}

/* ---------------------------------------------------------------- the dispatcher */

static void filter_changed(tui_app *a)
{
    a->error[0] = '\0';
    data_spec_rebuild(a);
}

static void filter_erase(tui_app *a)
{
    size_t n = strlen(a->filter);
    /* Back over UTF-8 continuation bytes to the start of the last character. */
    while (n > 0 && ((unsigned char)a->filter[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    a->filter[n] = '\0';
    filter_changed(a);
}

static void filter_type(tui_app *a, wint_t wc)
{
    if (wc < 32 || wc == 127 || !iswprint(wc))
        return;
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    size_t len = strlen(a->filter);
    if (n == (size_t)-1 || len + n + 1 > sizeof a->filter)
        return;
    memcpy(a->filter + len, mb, n);
    a->filter[len + n] = '\0';
    filter_changed(a);
}

static void toggle_state(tui_app *a, sk_state s)
{
    a->base_mask ^= 1u << s;
    data_spec_rebuild(a);
    data_set_notice(a, "%s %s", state_name(s), a->base_mask & (1u << s) ? "shown" : "hidden");
}

static void mark_all(tui_app *a)
{
    bool all = a->view.n > 0;
    for (size_t i = 0; i < a->view.n && all; i++)
        all = store_marked(a->store, a->view.rows[i]);
    for (size_t i = 0; i < a->view.n; i++)
        store_mark(a->store, a->view.rows[i], !all);
    a->dirty = true;
}

static void mark_one(tui_app *a)
{
    sk_row r;
    sk_account acc;
    if (!data_current(a, &acc, &r))
        return;
    store_mark(a->store, r, !store_marked(a->store, r));
    move_by(a, 1);
}

static void escape(tui_app *a)
{
    if (*a->error)
        a->error[0] = '\0';
    else if (*a->warning)
        a->warning[0] = '\0';
    else if (*a->filter) {
        a->filter[0] = '\0';
        data_spec_rebuild(a);
    } else if (a->detail_open) {
        a->detail_open = false;
        if (a->focus == PANE_DETAIL)
            a->focus = PANE_TABLE;
    } else if (store_mark_count(a->store)) {
        store_clear_marks(a->store);
    }
    a->notice[0] = '\0';
    a->dirty = true;
}

static void start_delete(tui_app *a)
{
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "nothing to delete");
        return;
    }
    data_targets_free(a->confirm.t, a->confirm.n);
    a->confirm.t = t;
    a->confirm.n = n;
    a->confirm.typed[0] = '\0';
    a->modal = MODAL_CONFIRM;
}

static void confirm_close(tui_app *a, bool go)
{
    if (go)
        data_delete(a, a->confirm.t, a->confirm.n);
    else
        data_set_notice(a, "nothing deleted");
    data_targets_free(a->confirm.t, a->confirm.n);
    a->confirm.t = NULL;
    a->confirm.n = 0;
    a->modal = MODAL_NONE;
}

static void confirm_count(tui_app *a)
{
    char want[16];
    snprintf(want, sizeof want, "%zu", a->confirm.n);
    if (strcmp(a->confirm.typed, want) == 0)
        confirm_close(a, true);
    else
        data_set_error(a, "type %s to delete %s accounts (Esc keeps them)", want, want);
}

static void open_links(tui_app *a, bool print)
{
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "no account selected");
        return;
    }
    link_open(a, t, n);
    a->print_pending = print;
}

static void print_link(tui_app *a)
{
    if (a->modal != MODAL_LINK) {
        open_links(a, true);
        return;
    }
    if (a->lv.link) {
        free(a->print_link);
        a->print_link = strdup(a->lv.link);
        a->print_expiry = a->lv.expiry;
        a->quit = true;
    } else {
        a->print_pending = true;
    }
}

static void copy_current(tui_app *a, bool identifier)
{
    sk_account acc;
    if (!data_current(a, &acc, NULL)) {
        data_set_notice(a, "no account selected");
        return;
    }
    tui_clipboard(a, identifier ? acc.identifier : acc.id, identifier ? "the identifier" : "the id");
}

static void copy_message(tui_app *a)
{
    if (!a->lv.link)
        return;
    char *msg = link_message(a->lv.t[a->lv.i].connector, a->lv.link, a->lv.expiry);
    tui_clipboard(a, msg, "the message");
    free(msg);
}

static void dispatch_list(tui_app *a, tui_action act)
{
    long page = draw_table_rows(a);
    switch (act) {
    case ACT_UP: move_by(a, -1); break;
    case ACT_DOWN: move_by(a, 1); break;
    case ACT_PAGE_UP: move_by(a, -page); break;
    case ACT_PAGE_DOWN: move_by(a, page); break;
    case ACT_TOP: move_by(a, -1000000000L); break;
    case ACT_BOTTOM: move_by(a, 1000000000L); break;
    case ACT_NEXT_PANE: next_pane(a, 1); break;
    case ACT_PREV_PANE: next_pane(a, -1); break;
    case ACT_DETAIL:
        if (a->focus == PANE_CONNS) {
            a->focus = PANE_TABLE;
            break;
        }
        a->detail_open = !a->detail_open;
        if (!a->detail_open && a->focus == PANE_DETAIL)
            a->focus = PANE_TABLE;
        data_detail_want(a);
        break;
    case ACT_FILTER: a->filtering = true; break;
    case ACT_ESCAPE: escape(a); break;
    case ACT_TOGGLE_PENDING: toggle_state(a, SK_STATE_PENDING); break;
    case ACT_TOGGLE_ACTIVE: toggle_state(a, SK_STATE_ACTIVE); break;
    case ACT_TOGGLE_EXPIRED: toggle_state(a, SK_STATE_EXPIRED); break;
    case ACT_TOGGLE_REVOKED: toggle_state(a, SK_STATE_REVOKED); break;
    case ACT_TOGGLE_ERROR: toggle_state(a, SK_STATE_ERROR); break;
    case ACT_SORT:
        a->spec.sort = (sk_sort_key)((a->spec.sort + 1) % SK_SORT_COUNT);
        a->view_dirty = true;
        data_set_notice(a, "sorted by %s", sort_key_name(a->spec.sort));
        break;
    case ACT_SORT_REVERSE:
        a->spec.reverse = !a->spec.reverse;
        a->view_dirty = true;
        break;
    case ACT_MARK: mark_one(a); break;
    case ACT_MARK_ALL: mark_all(a); break;
    case ACT_DELETE: start_delete(a); break;
    case ACT_LINK: open_links(a, false); break;
    case ACT_COPY_ID: copy_current(a, false); break;
    case ACT_COPY_IDENTIFIER: copy_current(a, true); break;
    case ACT_REFRESH: data_start_refresh(a); break;
    case ACT_QUIT: a->quit = true; break;
    default: break;
    }
}

static void dispatch(tui_app *a, tui_action act)
{
    a->dirty = true;
    switch (act) {
    case ACT_HELP: a->modal = MODAL_HELP; a->help_scroll = 0; return;
    case ACT_REDRAW: clearok(curscr, TRUE); return;
    case ACT_PRINT_LINK: print_link(a); return;
    case ACT_FILTER_ACCEPT: a->filtering = false; return;
    case ACT_FILTER_CANCEL: a->filtering = false; a->filter[0] = '\0'; filter_changed(a); return;
    case ACT_FILTER_ERASE: filter_erase(a); return;
    case ACT_FILTER_KILL: a->filter[0] = '\0'; filter_changed(a); return;
    case ACT_LINK_NEW: link_request(a); return;
    case ACT_LINK_COPY: if (a->lv.link) tui_clipboard(a, a->lv.link, "the link"); return;
    case ACT_LINK_MESSAGE: copy_message(a); return;
    case ACT_LINK_NEXT: link_move(a, 1); return;
    case ACT_LINK_PREV: link_move(a, -1); return;
    case ACT_LINK_CLOSE: link_close(a); a->print_pending = false; return;
    case ACT_CONFIRM_YES: confirm_close(a, true); return;
    case ACT_CONFIRM_NO: confirm_close(a, false); return;
    case ACT_CONFIRM_ENTER: confirm_count(a); return;
    case ACT_CONFIRM_ERASE: {
        size_t n = strlen(a->confirm.typed);
        if (n)
            a->confirm.typed[n - 1] = '\0';
        return;
    }
    case ACT_HELP_CLOSE: a->modal = MODAL_NONE; return;
    case ACT_JOURNAL: journal_open(a); return;
    case ACT_JOURNAL_CLOSE: journal_close(a); return;
    default: break;
    }
    if (a->modal == MODAL_HELP || a->modal == MODAL_JOURNAL) {
        long page = a->rows - 3;
        long d = act == ACT_UP ? -1 : act == ACT_DOWN ? 1 : act == ACT_PAGE_UP ? -page
               : act == ACT_PAGE_DOWN ? page : act == ACT_TOP ? -100000 : act == ACT_BOTTOM ? 100000 : 0;
        size_t *scroll = a->modal == MODAL_HELP ? &a->help_scroll : &a->journal_scroll;
        long v = (long)*scroll + d;
        *scroll = v < 0 ? 0 : (size_t)v;
        return;
    }
    dispatch_list(a, act);
}

static tui_ctx current_ctx(const tui_app *a)
{
    switch (a->modal) {
    case MODAL_HELP: return CTX_HELP;
    case MODAL_JOURNAL: return CTX_JOURNAL;
    case MODAL_LINK: return CTX_LINK;
    case MODAL_CONFIRM: return a->confirm.n > 1 ? CTX_CONFIRM_COUNT : CTX_CONFIRM;
    default: return a->filtering ? CTX_FILTER : CTX_LIST;
    }
}

static void on_mouse(tui_app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || a->modal != MODAL_NONE)
        return;
    if (ev.bstate & BUTTON4_PRESSED) {
        move_by(a, -3);
        return;
    }
    if (ev.bstate & BUTTON5_PRESSED) {
        move_by(a, 3);
        return;
    }
    tui_pane pane;
    size_t idx;
    if (!draw_hit(a, ev.y, ev.x, &pane, &idx))
        return;
    a->focus = pane;
    if (pane == PANE_CONNS) {
        a->conn_cur = idx;
        data_spec_rebuild(a);
    } else {
        a->cur = idx;
        follow_cursor(a);
    }
    a->dirty = true;
}

static void on_key(tui_app *a, int rc, wint_t wc)
{
    int key = rc == KEY_CODE_YES ? (int)wc : (wc < 128 ? (int)wc : 0);
    if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
        a->dirty = true;
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
    if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
        on_mouse(a);
        return;
    }
    tui_ctx ctx = current_ctx(a);
    bool refused = false;
    tui_action act = actions_resolve(ctx, key, a->read_only, &refused);
    if (refused) {
        data_set_error(a, "read-only session: deleting is disabled");
        if (a->modal == MODAL_CONFIRM)
            confirm_close(a, false);
        return;
    }
    if (act != ACT_NONE) {
        dispatch(a, act);
        return;
    }
    /* Not an action: text for the filter line or the typed count. */
    if (ctx == CTX_FILTER && rc == OK)
        filter_type(a, wc);
    else if (ctx == CTX_CONFIRM_COUNT && rc == OK && wc >= '0' && wc <= '9' &&
             strlen(a->confirm.typed) + 1 < sizeof a->confirm.typed) {
        size_t n = strlen(a->confirm.typed);
        a->confirm.typed[n] = (char)wc;
        a->confirm.typed[n + 1] = '\0';
        a->dirty = true;
    }
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

static int next_timeout(const tui_app *a, long long now)
{
    long long due = -1;
    if (busy(a))
        take_min(&due, now + TUI_SPIN_MS);
    if (a->modal == MODAL_LINK || *a->refresh_error) {
        take_min(&due, (now / 1000 + 1) * 1000);   /* the countdowns */
        take_min(&due, a->lv.next_watch_ms);
    }
    take_min(&due, a->next_refresh_ms);
    long ct = client_next_timer_ms(a->client);
    if (ct >= 0)
        take_min(&due, now + (ct > 0 ? ct : 1));
    if (due < 0)
        return -1;   /* nothing to wait for but input: no idle wake-ups */
    return due > now ? (int)(due - now) : 0;
}

static void run_timers(tui_app *a, long long now, long long *last_spin, int64_t *last_sec)
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
    if (a->modal == MODAL_LINK) {
        int64_t sec = time_now();
        if (sec != *last_sec) {
            *last_sec = sec;
            a->dirty = true;
        }
        link_watch_tick(a, now);
    }
    if (a->next_refresh_ms && now >= a->next_refresh_ms && !(a->listing && !a->listing_over)) {
        a->next_refresh_ms = 0;
        data_start_refresh(a);
    }
}

static void redraw(tui_app *a)
{
    if (a->view_dirty)
        data_view_update(a);
    data_detail_want(a);
    draw_all(a);
    refresh();
    a->dirty = false;
}

static void loop(tui_app *a)
{
    long long last_spin = 0;
    int64_t last_sec = 0;
    while (!a->quit && !got_signal) {
        if (a->dirty || a->view_dirty)
            redraw(a);
        struct curl_waitfd fds[2] = {
            { .fd = tui_script_input_fd(STDIN_FILENO, busy(a)), .events = CURL_WAIT_POLLIN },
            { .fd = sig_pipe[0], .events = CURL_WAIT_POLLIN },
        };
        long long now = tui_now_ms();
        client_wait(a->client, fds, sig_pipe[0] >= 0 ? 2 : 1, next_timeout(a, now));
        drain_pipe();
        client_step(a->client);
        data_after_listing(a);
        wint_t wc;
        int rc;
        while (!a->quit && (rc = tui_script_get_wch(a, busy(a), &wc)) != ERR)
            on_key(a, rc, wc);
        run_timers(a, tui_now_ms(), &last_spin, &last_sec);
    }
}

/* ---------------------------------------------------------------- entry */

static void app_free(tui_app *a)
{
    a->closing = true;
    trace_stop(a);
    if (a->listing && !a->listing_over)
        listing_cancel(a->listing);
    link_close(a);
    journal_close(a);
    if (a->client)
        client_free(a->client);   /* runs what is left with SK_ERR_CANCELLED */
    a->client = NULL;
    if (a->listing)
        listing_free(a->listing);
    data_detail_clear(&a->det);
    data_targets_free(a->confirm.t, a->confirm.n);
    view_free(&a->view);
    store_free(a->store);
}

static void print_after_exit(tui_app *a)
{
    if (!a->print_link)
        return;
    char *safe = sanitize_dup(a->print_link);
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
    a->utf8 = locale_is_utf8();
    a->last_refresh = SK_TIME_ABSENT;
    a->base_mask = SK_ALL_STATES;
    a->focus = PANE_TABLE;
    a->det.gen = 1;
    a->lv.gen = 1;
    config_host(cfg, a->host, sizeof a->host);
    view_init(&a->view);
    view_spec_init(&a->spec);
    a->debug_fd = -1;
    sk_client_opts co;
    trace_client_opts(&co);
    a->client = client_new(cfg, &co, err);
    a->store = store_new();
    if (a->client)
        trace_start(a);
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
