/* tui_app.h: the dashboard's state, shared by the files of src/tui (not a public interface).
 * One struct, one loop: data (tui_data.c), drawing (tui_draw.c), the link view (tui_link.c),
 * keys and the loop (tui_run.c). */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "account.h"
#include "api.h"
#include "client.h"
#include "config.h"
#include "journal.h"
#include "listing.h"
#include "qr.h"
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
#define TUI_RETRY_FIRST_MS 2000   /* a failed refresh is tried again after 2 s, 4 s, ... */
#define TUI_RETRY_CAP_MS 30000
#define TUI_WAIT_NOTICE_MS 1500   /* no answer for this long: the footer says it is waiting */
#define TUI_TROUBLE_MS 10000      /* a failed try is shown this long while work goes on */

typedef enum { PANE_CONNS = 0, PANE_TABLE, PANE_DETAIL } tui_pane;
typedef enum { MODAL_NONE = 0, MODAL_HELP, MODAL_CONFIRM, MODAL_LINK, MODAL_JOURNAL } tui_modal;

/* An account an action applies to, copied so it survives the store changing under it. */
typedef struct tui_target {
    char *id, *identifier, *connector;
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

typedef struct tui_confirm {
    tui_target *t;
    size_t n;
    char typed[16];
} tui_confirm;

typedef struct tui_linkview {
    tui_target *t;
    size_t n, i;
    unsigned gen;             /* bumped per account/link so late answers are dropped */
    char *link;
    int64_t expiry;
    bool loading;             /* a link asked for (verify_link), no answer yet */
    sk_request *watch_req;
    long long next_watch_ms;  /* monotonic ms; 0 = not watching */
    char *status;             /* raw wire status last seen */
    bool active;
    char *error;
    sk_qr qr;                 /* fitted code (width 0 when none) */
    linkfit fit;              /* where the code and the text go */
    bool fit_done;
    int fit_cols, fit_rows;   /* the window the fit was made for */
} tui_linkview;

typedef struct tui_app {
    const sk_config *cfg;
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
    sk_store_sink sink;       /* the listing into the store (store_sink.h): damaged rows */

    /* The start-up cache (cache.h): rows shown from it until the first listing completes. */
    bool cache_on;            /* the profile, --no-cache and SKDASH_NO_CACHE allow it */
    bool from_cache;          /* what is on screen came from the cache (header says so) */
    int64_t cache_saved_at;   /* when that cache was written */

    /* What the client's trace says while requests go on (tui_trace.c). */
    int debug_fd;             /* --debug: the log file, -1 when none */
    char debug_path[512];
    char trouble[128];        /* the last failed try: "HTTP 503", "timed out" ... */
    long long trouble_ms;     /* when it was seen (monotonic ms), 0 = none */
    long long last_answer_ms; /* the last answer of any kind */
    long long busy_since_ms;  /* requests have been pending since; 0 = idle */

    sk_view view;
    sk_view_spec spec;
    unsigned base_mask;       /* states shown (1-5) */
    char filter[SK_FILTER_MAX];
    bool filtering;           /* typing after '/' */
    bool filter_bad;
    char filter_msg[128];     /* why the typed filter does not parse */

    size_t conn_cur, conn_top;  /* 0 all, 1 needs attention, 2.. connections */
    size_t cur, top;
    char sel_id[64];            /* the account the cursor follows */
    tui_pane focus;
    bool detail_open;
    size_t detail_scroll;
    tui_detail_cache det;

    tui_modal modal;
    tui_confirm confirm;
    tui_linkview lv;
    size_t help_scroll;

    /* The action journal (journal.h): the J view, read when opened. */
    sk_journal_rows journal;
    char journal_err[256];    /* why it could not be read ("" when it was) */
    size_t journal_scroll;

    int deletes_in_flight;
    char error[256];
    char warning[256];        /* e.g. the journal could not be written (Esc clears) */
    char notice[256];

    int rows, cols;
    bool dirty, view_dirty, quit, closing;
    unsigned spin;
    char *print_link;           /* printed after endwin ('p') */
    int64_t print_expiry;
    bool print_pending;         /* 'p' pressed before the link arrived */
    int exit_code;
} tui_app;

/* tui_data.c */
long long tui_now_ms(void);
void data_start_refresh(tui_app *a);
void data_after_listing(tui_app *a);
void data_view_update(tui_app *a);
void data_spec_rebuild(tui_app *a);
bool data_current(tui_app *a, sk_account *out, sk_row *row);
void data_detail_want(tui_app *a);
void data_detail_clear(tui_detail_cache *d);
tui_target *data_targets(tui_app *a, size_t *n);
void data_targets_free(tui_target *t, size_t n);
void data_delete(tui_app *a, const tui_target *t, size_t n);
void data_set_error(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void data_set_notice(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void data_set_warning(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Shows the environment's cached listing, when there is one and the cache is allowed. */
void data_cache_load(tui_app *a);
/* Appends an entry to the action journal; a failure becomes the footer's warning. */
void data_journal(tui_app *a, const char *action, const char *account_id, const char *identifier,
                  const char *connector, const char *result);
size_t data_conn_items(const tui_app *a);

/* tui_link.c */
void link_open(tui_app *a, tui_target *t, size_t n);
void link_close(tui_app *a);
void link_request(tui_app *a);
void link_watch_tick(tui_app *a, long long now_ms);
void link_move(tui_app *a, int delta);
void link_draw(tui_app *a);
/* A ready-to-paste message for the end user (malloc'd). */
char *link_message(const char *connector, const char *link, int64_t expiry);

/* tui_draw.c */
void draw_all(tui_app *a);
void draw_help_lines(tui_lines *out, bool read_only);
/* Rows of accounts the table shows at once (for paging). */
int draw_table_rows(const tui_app *a);
/* Which pane and row a mouse click at (y, x) lands on. */
bool draw_hit(const tui_app *a, int y, int x, tui_pane *pane, size_t *index);

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

/* tui_journal.c: the J view */
void journal_open(tui_app *a);
void journal_close(tui_app *a);
void journal_draw(tui_app *a);
/* One entry as a screen line (the view's rows; tests read them back). */
void journal_row_line(tui_line *l, const sk_journal_row *r);

/* tui_run.c */
void tui_clipboard(tui_app *a, const char *text, const char *what);

#endif
