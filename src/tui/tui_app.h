/* tui_app.h: what the dashboard's screens share (not a public interface): the data side
 * (tui_data.c), the screens as small objects (tui_screen ops), and the loop (tui_run.c). */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "account.h"
#include "api.h"
#include "client.h"
#include "config.h"
#include "journal.h"
#include "listing.h"
#include "qr.h"
#include "saved_view.h"
#include "store.h"
#include "store_sink.h"
#include "tui.h"
#include "view.h"
#include "tui_actions.h"
#include "tui_line.h"
#include "tui_linkfit.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_WATCH_MS 2000
#define TUI_SPIN_MS 100
#define TUI_STEP_BUDGET_US 4000L  /* a loop turn's share of answers (client_set_step_budget) */
/* While a listing streams, pages are merged into the view no sooner than this many times the
 * last merge's (or frame's) cost after it, and at least every TUI_FRAME_MAX_MS
 * (tui_run.c:merge_due): a frame of 40 ms (a million rows appended to) waits 160 ms, one of a
 * whole sort of a million (a refresh that rewrites rows) waits a second, not most of the time.
 * They are drawn at that pace too, but no sooner than TUI_FRAME_MIN_MS after the last frame
 * (draw_due): 20 frames a second of counts going up is as live as the eye reads, where one
 * every 6 ms (a 1.5 ms frame at 25 ms a page) spent most of a 100,000-account listing's CPU on
 * drawing. Merging keeps its own pace so that a key, drawn at once, has few rows left to merge. */
#define TUI_FRAME_FACTOR 4
#define TUI_FRAME_MIN_MS 50
#define TUI_FRAME_MAX_MS 1000
#define TUI_FRAME_PACE_FROM 10000   /* accounts in the store: fewer are drawn unpaced */
#define TUI_RETRY_FIRST_MS 2000   /* a failed refresh is tried again after 2 s, 4 s, ... */
#define TUI_RETRY_CAP_MS 30000
#define TUI_WAIT_NOTICE_MS 1500   /* no answer for this long: the footer says it is waiting */
#define TUI_TROUBLE_MS 10000      /* a failed try is shown this long while work goes on */

#define TUI_MAX_SAVED 16         /* saved views the connections pane can count */
/* Rows a saved view counts in one turn (saved_view_tally_some): 100,000 accounts count before
 * the first screen, a million over a few turns after it ("counting" until then). */
#define TUI_TALLY_ROWS 131072
#define TUI_CACHE_FIRST 4096     /* cached accounts read before the first screen */
#define TUI_CACHE_SLICE 8192     /* then a turn (about 3 ms) */

/* One entry of the connections pane: a saved view, or a connection (saved == NULL). */
typedef struct tui_item {
    const sk_saved_view *saved;
    const char *name;
    size_t total, count[SK_STATE_COUNT];
    bool counting;            /* a saved view whose rows are still being counted: no figures */
} tui_item;

typedef enum { PANE_CONNS = 0, PANE_TABLE, PANE_DETAIL } tui_pane;

/* An account an action applies to, copied so it survives the store changing under it. */
typedef struct tui_target {
    char *id, *identifier, *connector;
    sk_state state;           /* as the row showed it (the dialogs count per state) */
} tui_target;

/* What /details added for the account shown in the detail pane. */
typedef struct tui_detail_cache {
    char *id;
    unsigned gen;
    bool loading;
    sk_request *req;
    char *error;
    char **scopes;
    size_t n_scopes;
    char *domain, *api_config;
} tui_detail_cache;

struct tui_app;

/* A screen: the overview, the link view, help, the journal, the delete dialog. Each owns its
 * state (in its own file) and offers these operations; the loop knows no screen by name.
 * draw() only reads: whatever depends on the window (scroll positions, the QR fit) is settled
 * in settle(), which runs when the state or the size changed, before drawing. */
typedef struct tui_screen {
    const char *name;
    tui_ctx ctx;                                   /* which bindings apply */
    tui_ctx (*ctx_now)(const struct tui_app *a);   /* NULL: always ctx; else it says */
    void (*settle)(struct tui_app *a);             /* NULL: nothing depends on the size */
    void (*draw)(const struct tui_app *a);
    void (*step)(struct tui_app *a, long delta);   /* up/down by delta rows; NULL: it does not move */
    int (*page)(const struct tui_app *a);          /* rows a page key moves */
    bool (*text)(struct tui_app *a, int rc, wint_t wc);  /* a key no action took; NULL: none */
    void (*close)(struct tui_app *a);              /* left (popped) */
    long long (*due)(const struct tui_app *a, long long now);  /* next timer (ms), -1 none */
    void (*tick)(struct tui_app *a, long long now);
    bool overlay;                                  /* drawn over the screen below it */
} tui_screen;

extern const tui_screen tui_overview_screen, tui_link_screen, tui_help_screen,
    tui_journal_screen, tui_confirm_screen, tui_cmdbar_screen;

#define TUI_MAX_DEPTH 4

typedef struct tui_app {
    const sk_config *cfg;
    sk_config *own_cfg;       /* after :profile, the config in use (cfg points to it), freed here */
    tui_opts o;
    bool read_only, utf8, mono;
    char host[256];

    sk_client *client;
    sk_store *store;
    sk_listing *listing;
    bool listing_over;        /* the listing called done(); free it from the loop */
    int64_t last_refresh;     /* wall clock of the last complete refresh, SK_TIME_ABSENT none */
    long long next_refresh_ms;
    char refresh_error[256];  /* why the last refresh failed; "" once one succeeds */
    long long retry_ms;       /* the backoff before the next automatic try; 0 when healthy */
    bool refresh_stopped;     /* credentials refused: no automatic tries until `r` */
    sk_store_sink sink;       /* the listing into the store (store_sink.h): damaged rows */
    struct sk_search *search; /* the server search the filter asks for (tui_search.c) */
    size_t view_found;        /* rows shown that only that search gave so far */

    /* The start-up cache (cache.h): rows shown from it until the first listing completes. */
    bool cache_on;            /* the profile, --no-cache and SKDASH_NO_CACHE allow it */
    bool from_cache;          /* what is on screen came from the cache (header says so) */
    int64_t cache_saved_at;   /* when that cache was written */

    /* What the client's trace says while requests go on (tui_trace.c). */
    char trouble[128];        /* the last failed try: "HTTP 503", "timed out" ... */
    long long trouble_ms;     /* when it was seen (monotonic ms), 0 = none */
    long long last_answer_ms; /* the last answer of any kind */
    long long busy_since_ms;  /* requests have been pending since; 0 = idle */

    sk_view view;
    sk_view_spec spec;
    unsigned base_mask;       /* states shown (1-5) */
    char filter[SK_FILTER_MAX];
    bool filtering;           /* typing after '/' */
    size_t filter_cur;        /* the filter line's cursor: a byte offset into filter (clamped
                               * to its end wherever filter is set from elsewhere) */
    bool filter_bad;
    char filter_msg[128];     /* why the typed filter does not parse */
    char filter_said[192];    /* what the filter in force keeps, in words */

    size_t conn_cur, conn_top;  /* the connections pane: saved views, then connections */
    size_t saved_count[TUI_MAX_SAVED][SK_STATE_COUNT];  /* per saved view, as of the last update */
    sk_saved_tally saved_tally[TUI_MAX_SAVED];          /* what keeps them cheap as pages land */
    bool saved_ready[TUI_MAX_SAVED];   /* saved_count[i] holds view i's figures (else counting) */
    bool tally_pending;                /* rows left to count: the loop goes on a slice a turn */
    bool prepare_pending;              /* the view's filter records to build, a slice a turn,
                                          once no listing streams (view_prepare) */
    uint64_t tally_layout;             /* store_layout_version() the slices go on over */
    size_t marks_here, marks_all;   /* marked in view, and in all then (data_marks_here) */
    size_t cur, top;
    char sel_id[64];            /* the account the cursor follows */
    tui_pane focus;
    bool detail_open;
    size_t detail_scroll;
    tui_detail_cache det;

    /* The screens open, the overview at the bottom; the top one gets the keys. */
    const tui_screen *stack[TUI_MAX_DEPTH];
    int depth;

    int deletes_in_flight;
    char error[256];
    char warning[256];        /* e.g. the journal could not be written (Esc clears) */
    char notice[256];

    int rows, cols;
    bool dirty, view_dirty, quit, closing;
    bool at_once;             /* a key, or an answer the user waits on: drawn at once (draw_due) */
    bool in_keys;             /* the keys waiting on the terminal are being read (tui_run.c) */
    long long frame_ms;       /* while a listing streams, pages are drawn from then on */
    long long merge_ms;       /* ... and merged into the view from then on (drawn later) */
    unsigned spin;
    char *print_link;           /* printed after endwin ('p') */
    int64_t print_expiry;
    bool print_pending;         /* 'p' pressed before the link arrived */
    int exit_code;              /* what tui_run returns (a key script that failed: 1) */
} tui_app;

/* tui_data.c */
long long tui_now_ms(void);
long long tui_now_us(void);
void data_start_refresh(tui_app *a);
void data_after_listing(tui_app *a);
void data_view_update(tui_app *a);
/* Work left for later turns (the saved views' counts, a slice a turn): due says there is some,
 * so the loop does not wait for input meanwhile. */
bool data_background_due(const tui_app *a);
void data_background(tui_app *a);
/* After a screen is drawn, before any answer is taken: the work over the whole store the first
 * screen need not wait for (a complete listing's save). */
void data_after_draw(tui_app *a);
void data_spec_rebuild(tui_app *a);
bool data_current(const tui_app *a, sk_account *out, sk_row *row);
void data_detail_want(tui_app *a);
void data_detail_clear(tui_detail_cache *d);
tui_target *data_targets(tui_app *a, size_t *n);
/* Marked accounts in the current view (store_mark_count(): in all). */
size_t data_marks_here(const tui_app *a);
/* The mark actions changed marks: `here` are marked in view now. */
void data_marks_changed(tui_app *a, size_t here);
void data_targets_free(tui_target *t, size_t n);
void data_delete(tui_app *a, const tui_target *t, size_t n);
/* tui_bulk.c: disconnects by id, journaled, one result line for several. */
void data_disconnect(tui_app *a, const tui_target *t, size_t n);
void data_set_error(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void data_set_notice(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void data_set_warning(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Shows the environment's cached listing, when there is one and the cache is allowed: the file
 * is checked whole, its first TUI_CACHE_FIRST accounts go in at once (the first screen: the file
 * is in the order the dashboard starts with), the rest TUI_CACHE_SLICE a turn between keys
 * (data_background), each only when the listing running meanwhile has not stored it already. */
void data_cache_load(tui_app *a);
/* Accounts of the cache still to be read (and the file's in all); 0 when none. */
size_t data_cache_loading(const tui_app *a, size_t *total);
/* Before a change the rest of the file must not undo (a delete, a disconnect): the rest now. */
void data_cache_settle(tui_app *a);
/* The cache's save runs in a child: its pipe for the loop's wait (-1 when none), and what the
 * loop calls each turn to take its outcome (a warning when it failed) and start a save that
 * waited for it. */
int data_cache_fd(const tui_app *a);
void data_cache_bg(tui_app *a);
/* The store changed by a delete or disconnect: the cache is corrected (now, or within the
 * once-a-minute bound), and data_cache_flush() at exit writes what that bound held back. */
void data_cache_touched(tui_app *a);
void data_cache_flush(tui_app *a);
/* Appends an entry to the action journal; a failure becomes the footer's warning. */
void data_journal(tui_app *a, const char *action, const char *account_id, const char *identifier,
                  const char *connector, const char *result);
size_t data_conn_items(const tui_app *a);
/* Entry i of the connections pane; false past the end. */
bool data_item(const tui_app *a, size_t i, tui_item *out);

/* tui_clip.c: what a copy sends here (tmux's settings read when inside tmux) */
struct sk_osc52_plan;
void clip_plan(struct sk_osc52_plan *plan);

/* tui_search.c: the server search while no complete listing is behind the rows */
void search_follow(tui_app *a);        /* after the filter or the listing's state changed */
void search_stop(tui_app *a);
void search_count_shown(tui_app *a);   /* after the view changed */
/* The footer's words for it ("1 from a server search; listing runs"); false: nothing to say. */
bool search_footer(const tui_app *a, char *buf, size_t n, bool *is_error);

/* tui_run.c: an answer the user waits on (a search's rows, a link, a single delete, a
 * message): the screen is redrawn at the next turn, not at the pace of a listing's pages
 * (draw_due). */
void tui_draw_now(tui_app *a);
/* tui_run.c: the screen stack */
const tui_screen *tui_screen_top(const tui_app *a);
/* The screen under s (what an overlay is drawn over), NULL for the bottom one. */
const tui_screen *tui_screen_below(const tui_app *a, const tui_screen *s);
bool tui_screen_is_open(const tui_app *a, const tui_screen *s);
void tui_screen_push(tui_app *a, const tui_screen *s);
/* Closes the top screen (never the overview). */
void tui_screen_pop(tui_app *a);
/* Closes s and every screen above it, if it is open. */
void tui_screen_close(tui_app *a, const tui_screen *s);
/* Copies text with OSC 52 in the form that works here (tui_clip.c); false when nothing could
 * be sent (the footer says why and, when short, shows the text to select by hand). */
bool tui_clipboard(tui_app *a, const char *text, const char *what);
/* A scroll position moved by delta (never below 0), and kept so that `shown` rows of `n`
 * stay filled (the screens' step and settle). */
size_t tui_scroll_by(size_t scroll, long delta);
size_t tui_scroll_clamp(size_t scroll, size_t n, size_t shown);

/* tui_overview.c: keeps the overview's scroll positions in step with its cursor. */
void overview_settle(tui_app *a);

/* tui_link.c: the link view */
void tui_link_open(tui_app *a, tui_target *t, size_t n);
/* The link being shown (NULL while none) and its expiry. */
const char *tui_link_current(int64_t *expiry);

/* tui_confirm.c: the delete and disconnect dialogs; they take the targets */
typedef enum { TUI_CONFIRM_DELETE = 0, TUI_CONFIRM_DISCONNECT } tui_confirm_kind;
void tui_confirm_open(tui_app *a, tui_confirm_kind kind, tui_target *t, size_t n);

/* tui_bulk.c: work on several accounts at once. */
/* "33 accounts: 33 REVOKED in zendesk, 2 EXPIRED in gmail" (safe text, malloc'd; NULL on out
 * of memory): bulk.h's tally_words over the targets. */
char *bulk_summary(const tui_target *t, size_t n);
/* A batch of deletes or disconnects: each answer counted, the last one words the whole
 * ("deleted 33 of 33", or the failures named) and frees it. */
typedef struct tui_batch {
    tui_app *app;
    const char *verb;          /* "deleted" */
    const char *failed_word;   /* "not deleted" */
    size_t n, answered, ok, failed;
    char **failures;           /* "x (gmail): why" each (raw: made safe when shown) */
    size_t n_failures;
} tui_batch;
tui_batch *batch_new(tui_app *a, const char *verb, const char *failed_word, size_t n);
void batch_answered(tui_batch *b, const char *failure);

/* tui_run.c: :profile. Tears down everything built for the environment in use (listing,
 * requests, client, store, view, screens above the overview) and builds it again for next,
 * whose ownership it takes on success. On failure (the client cannot be made) nothing changed
 * and err says why; next is still the caller's. */
bool tui_env_switch(tui_app *a, sk_config *next, sk_error *err);

/* tui_cmdbar.c: the command bar's commands for the help screen, one (":conn NAME", help) each. */
void cmdbar_help(help_emit_fn emit, void *ud);
/* Lets go of the history and completion state (the dashboard ends). */
void cmdbar_free(void);

/* tui_help.c */
/* Opens the help on the keys of context `first`. */
void tui_help_open(tui_app *a, tui_ctx first);
/* The help as lines `width` columns wide (long ones wrap): the keys of context `first` (the
 * screen it was opened from) first, then every other context's, then the states. */
void tui_help_lines(tui_lines *out, bool read_only, tui_ctx first, int width);

/* tui_journal.c: the J view. One entry as a screen line (tests read them back). */
enum { JCOL_TIME, JCOL_ACTION, JCOL_RESULT, JCOL_CONN, JCOL_IDENT, JCOL_ID, JCOL_USER, JCOL_COUNT };
typedef struct tui_journal_cols {
    int w[JCOL_COUNT];   /* 0: the column is not shown */
    int total;           /* columns used, gaps included */
} tui_journal_cols;
/* Column widths that fit the n entries v and a window of `width` columns. */
void tui_journal_fit(const sk_journal_row *v, size_t n, int width, tui_journal_cols *out);
void tui_journal_row_line(tui_line *l, const sk_journal_row *r, const tui_journal_cols *c);

/* tui_draw.c: the overview's panes and the lines every screen shares */
void draw_overview(const tui_app *a);
/* The footer's status line (filter being typed, error, notice...) at row y. */
void draw_status(const tui_app *a, int y);
/* True when the status line has something to say (else a screen may show its hints). */
bool draw_status_busy(const tui_app *a);
/* The footer's key hints of ctx, as many as fit, at row y. */
void draw_hints(const tui_app *a, tui_ctx ctx, int y);
/* Rows of accounts the table shows at once (for paging). */
int draw_table_rows(const tui_app *a);
/* Connections the pane shows at once. */
int draw_conn_rows(const tui_app *a);
/* Lines the detail pane shows below its title, and how many the current account's detail has. */
int draw_detail_rows(const tui_app *a);
size_t draw_detail_lines(const tui_app *a);
/* Which pane and row a mouse click at (y, x) lands on. */
/* The pane under a screen cell (any row of it, title included); false outside every pane. */
bool draw_pane_at(const tui_app *a, int y, int x, tui_pane *pane);
bool draw_hit(const tui_app *a, int y, int x, tui_pane *pane, size_t *index);
/* The window too small: a notice instead of any screen. */
void draw_small(const tui_app *a);

/* tui_trace.c */
/* Sets the client's trace sink; with --debug opens the log file and says where it is. */
void trace_start(tui_app *a);
void trace_stop(tui_app *a);
/* What one trace line of the client says: 1 a failed try (its short cause in out), 0 a good
 * answer, -1 anything else (requests sent, retries scheduled). */
int trace_classify(const char *line, char *out, size_t n);
/* The footer's live line while requests are pending (trouble or a long wait); "" none. */
void trace_footer(const tui_app *a, long long now_ms, char *out, size_t n, bool *is_error);
/* Client options for the dashboard: defaults, then the test knobs SKDASH_TIMEOUT (seconds),
 * SKDASH_TIMEOUT_MS and SKDASH_TRIES from the environment. */
void trace_client_opts(sk_client_opts *co);

#endif
