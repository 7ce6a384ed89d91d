/* tui_rows.h: what each row of the dashboard says and in which colour role: state labels,
 * the accounts table (columns that give way on narrow screens), connections, totals, detail. */
#ifndef TUI_ROWS_H
#define TUI_ROWS_H

#include "account.h"
#include "view.h"
#include "tui_line.h"

/* The core's label (state_label): "PENDING", or "PENDING·verification" / "REVOKED·disconnected"
 * when the wire value differs ("." instead of "·" when !utf8). Not yet sanitized. */
void rows_state_label(sk_state st, const char *wire, bool utf8, char *buf, size_t n);
/* The theme role for the state's tone (state_info). */
tui_role rows_state_role(sk_state st);
/* One letter per state for compact counts: P A E R X. */
char rows_state_letter(sk_state st);
/* The core's advice (state_advice) in the dashboard's words: actions named by their keys,
 * "(l)", "(d)". Valid until the program ends. */
const char *rows_state_advice(sk_state st, const char *wire);

typedef enum {
    COL_MARK = 0, COL_IDENT, COL_STATE, COL_AUTH, COL_EXPIRY, COL_LASTUSED, COL_UPDATED, COL_CONN,
    COL_COUNT
} rows_col;

typedef struct rows_layout {
    int width[COL_COUNT];   /* 0 = hidden */
    int total;              /* columns used, separators included */
} rows_layout;

/* Decide which columns fit in `width` and how wide each is. The connection column is offered
 * only when show_conn (views that mix connections). */
void rows_layout_for(int width, bool show_conn, rows_layout *out);
const char *rows_col_title(rows_col c);
void rows_table_header(tui_line *l, const rows_layout *lay, sk_sort_key sort, bool reverse);
void rows_account(tui_line *l, const sk_account *a, const rows_layout *lay, int64_t now, bool marked);

/* "gmail   120" then "P3 A80 E5 R2 X1" (zero counts left out) */
void rows_conn_title(tui_line *l, const char *name, size_t total, size_t attention, int width);
/* The title of a saved view whose rows are still being counted: the name and an ellipsis. */
void rows_conn_counting(tui_line *l, const char *name, int width);
/* Columns rows_conn_title needs to show the name and counts uncut. */
int rows_conn_title_width(const char *name, size_t total, size_t attention);
/* n with thousands separated by commas ("19,967"). */
void rows_thousands(size_t n, char *buf, size_t size);
void rows_conn_counts(tui_line *l, const size_t count[SK_STATE_COUNT], int width);
/* "PENDING 12  ACTIVE 80 ..." */
void rows_totals(tui_line *l, const size_t count[SK_STATE_COUNT]);

/* What /details adds to a list row. */
typedef struct rows_detail_extra {
    const char *const *scopes;
    size_t n_scopes;
    const char *domain;
    const char *api_config;
    bool loading;
    const char *error;      /* why /details failed, NULL when it did not */
} rows_detail_extra;

/* Every field of the core's list (account_fields), one "Label  value" per line (values
 * wrapped; /details' fields once it answered, else one "Details" line), then the advice. */
void rows_detail(tui_lines *out, const sk_account *a, const rows_detail_extra *x, int width,
                 int64_t now);

#endif
