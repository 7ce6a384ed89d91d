/* tui_rows.c: rendering of the dashboard's rows into text + colour roles; no terminal needed,
 * so the unit tests read exactly what the screen would show. */
#include "tui_rows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sk_time.h"
#include "text.h"

void rows_state_label(sk_state st, const char *wire, bool utf8, char *buf, size_t n)
{
    const char *name = state_name(st);
    if (!state_raw_differs(st, wire)) {
        snprintf(buf, n, "%s", name);
        return;
    }
    /* PENDING_VERIFICATION -> "verification": the state's own prefix says nothing new. */
    size_t nl = strlen(name);
    const char *raw = wire;
    if (strncmp(raw, name, nl) == 0 && raw[nl] == '_' && raw[nl + 1])
        raw += nl + 1;
    int k = snprintf(buf, n, "%s%s", name, utf8 ? "\xc2\xb7" : ".");
    for (size_t i = 0; raw[i] && k >= 0 && (size_t)k + 1 < n; i++, k++)
        buf[k] = (char)tolower((unsigned char)raw[i]);
    if (k >= 0 && (size_t)k < n)
        buf[k] = '\0';
}

tui_role rows_state_role(sk_state st)
{
    return (unsigned)st < SK_STATE_COUNT ? (tui_role)(ROLE_ST_PENDING + st) : ROLE_ST_ERROR;
}

char rows_state_letter(sk_state st)
{
    static const char letters[SK_STATE_COUNT] = { 'P', 'A', 'E', 'R', 'X' };
    return (unsigned)st < SK_STATE_COUNT ? letters[st] : 'X';
}

const char *rows_state_advice(sk_state st, const char *wire)
{
    switch (st) {
    case SK_STATE_PENDING:
        if (wire && strcmp(wire, "PENDING_VERIFICATION") == 0)
            return "Waiting for verification: the person who opens the link must also be signed "
                   "in to the customer's app. Send a fresh link (l) and ask them to sign in first.";
        return "The user has not finished authorizing. Send them the link (l).";
    case SK_STATE_ACTIVE:
        return "Credentials are valid and ready for tool calls. Nothing to do.";
    case SK_STATE_EXPIRED:
        return "Credentials expired or were invalidated: the user must re-authorize. "
               "Send a fresh link (l).";
    case SK_STATE_REVOKED:
        return "Access was revoked or disconnected. Send a link (l) if the user should "
               "reconnect, or delete the account (d).";
    default:
        return "Configuration or authorization error, or a status this version does not know. "
               "Check the connection's setup; a fresh link (l) may fix it.";
    }
}

/* ---------------------------------------------------------------- accounts table */

static const char *const col_titles[COL_COUNT] = {
    "", "Identifier", "State", "Auth", "Expires", "Last used", "Updated", "Connection"
};

const char *rows_col_title(rows_col c)
{
    return (unsigned)c < COL_COUNT ? col_titles[c] : "";
}

static int layout_sum(const rows_layout *o)
{
    int sum = 0, shown = 0;
    for (int c = 0; c < COL_COUNT; c++)
        if (o->width[c] > 0) {
            sum += o->width[c];
            shown++;
        }
    /* One space between columns; the mark column carries its own. */
    return sum + (shown > 2 ? shown - 2 : 0);
}

static void grow(rows_layout *o, rows_col c, int upto, int *spare)
{
    if (o->width[c] == 0 || *spare <= 0)
        return;
    int add = upto - o->width[c];
    if (add > *spare)
        add = *spare;
    if (add > 0) {
        o->width[c] += add;
        *spare -= add;
    }
}

void rows_layout_for(int width, bool show_conn, rows_layout *out)
{
    static const int minw[COL_COUNT] = { 2, 20, 8, 10, 8, 9, 9, 10 };
    /* Columns give way in this order as the screen narrows. */
    static const rows_col drop[] = { COL_UPDATED, COL_CONN, COL_LASTUSED, COL_AUTH, COL_EXPIRY };
    memcpy(out->width, minw, sizeof minw);
    if (!show_conn)
        out->width[COL_CONN] = 0;
    for (size_t i = 0; i < sizeof drop / sizeof drop[0] && layout_sum(out) > width; i++)
        out->width[drop[i]] = 0;
    /* Below the minimum: the state keeps its name, the identifier takes what is left. */
    if (layout_sum(out) > width) {
        int ident = width - out->width[COL_MARK] - out->width[COL_STATE] - 1;
        out->width[COL_IDENT] = ident > 1 ? ident : 1;
    }
    int spare = width - layout_sum(out);
    grow(out, COL_STATE, 14, &spare);
    grow(out, COL_IDENT, 32, &spare);
    grow(out, COL_STATE, 20, &spare);
    grow(out, COL_AUTH, 12, &spare);
    grow(out, COL_CONN, 16, &spare);
    grow(out, COL_IDENT, 60, &spare);
    grow(out, COL_CONN, 24, &spare);
    out->total = layout_sum(out);
}

static const rows_col sort_col[SK_SORT_COUNT] = {
    COL_IDENT, COL_STATE, COL_EXPIRY, COL_LASTUSED, COL_UPDATED
};

/* Append one cell and the separator that follows it. */
static void cell(tui_line *l, const rows_layout *lay, rows_col c, tui_role role, const char *raw,
                 bool *first)
{
    if (lay->width[c] <= 0)
        return;
    if (!*first && c != COL_MARK)
        line_add(l, ROLE_NORMAL, " ", -1, false);
    if (c != COL_MARK)
        *first = false;
    line_add_raw(l, role, raw, lay->width[c], true);
}

void rows_table_header(tui_line *l, const rows_layout *lay, sk_sort_key sort, bool reverse)
{
    bool first = true;
    for (int c = 0; c < COL_COUNT; c++) {
        char t[64];
        const char *title = col_titles[c];
        if ((unsigned)sort < SK_SORT_COUNT && sort_col[sort] == (rows_col)c)
            snprintf(t, sizeof t, "%s%s", title,
                     l->utf8 ? (reverse ? "\xe2\x96\xbc" : "\xe2\x96\xb2") : (reverse ? "v" : "^"));
        else
            snprintf(t, sizeof t, "%s", title);
        cell(l, lay, (rows_col)c, ROLE_COLHEAD, t, &first);
    }
}

void rows_account(tui_line *l, const sk_account *a, const rows_layout *lay, int64_t now, bool marked)
{
    char label[96], exp[32], used[32], upd[32];
    rows_state_label(a->state, a->status, l->utf8, label, sizeof label);
    time_relative(a->token_expires_at, now, exp, sizeof exp);
    time_relative(a->last_used_at, now, used, sizeof used);
    time_relative(a->updated_at, now, upd, sizeof upd);
    bool first = true;
    const char *mark = marked ? (l->utf8 ? "\xe2\x97\x8f" : "*") : "";
    cell(l, lay, COL_MARK, marked ? ROLE_MARK : ROLE_NORMAL, mark, &first);
    cell(l, lay, COL_IDENT, ROLE_NORMAL, a->identifier ? a->identifier : "-", &first);
    cell(l, lay, COL_STATE, rows_state_role(a->state), label, &first);
    cell(l, lay, COL_AUTH, ROLE_NORMAL, a->authorization_type ? a->authorization_type : "-", &first);
    cell(l, lay, COL_EXPIRY, ROLE_NORMAL, exp, &first);
    cell(l, lay, COL_LASTUSED, ROLE_DIM, used, &first);
    cell(l, lay, COL_UPDATED, ROLE_DIM, upd, &first);
    cell(l, lay, COL_CONN, ROLE_DIM, a->connector ? a->connector : "-", &first);
}

/* ---------------------------------------------------------------- connections and totals */

void rows_conn_title(tui_line *l, const char *name, size_t total, int width)
{
    char num[32];
    int nw = snprintf(num, sizeof num, "%zu", total);
    int namew = width - nw - 1;
    if (namew < 1)
        namew = 1;
    line_add_raw(l, ROLE_NORMAL, name, namew, true);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    line_add(l, ROLE_DIM, num, -1, false);
    line_truncate(l, width);
}

void rows_conn_counts(tui_line *l, const size_t count[SK_STATE_COUNT], int width)
{
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        if (!count[s])
            continue;
        char t[32];
        snprintf(t, sizeof t, "%c%zu", rows_state_letter((sk_state)s), count[s]);
        line_add(l, rows_state_role((sk_state)s), t, -1, false);
        line_add(l, ROLE_NORMAL, " ", -1, false);
    }
    line_truncate(l, width);
}

void rows_totals(tui_line *l, const size_t count[SK_STATE_COUNT])
{
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        line_add(l, rows_state_role((sk_state)s), state_name((sk_state)s), -1, false);
        line_addf(l, ROLE_NORMAL, " %zu  ", count[s]);
    }
}

/* ---------------------------------------------------------------- detail */

#define LABEL_W 14

static void field(tui_lines *out, const char *label, const char *raw, tui_role role, int width)
{
    char *safe = text_sanitize_dup(raw && *raw ? raw : "-");
    int vw = width - LABEL_W;
    if (vw < 8) {
        /* Too narrow for two columns: label line, then the value. */
        tui_line *l = lines_add(out);
        if (l)
            line_add(l, ROLE_DIM, label, width, false);
        lines_wrap(out, role, safe ? safe : "?", width, 0);
        free(safe);
        return;
    }
    size_t first = out->n;
    lines_wrap(out, role, safe ? safe : "?", vw, 0);
    free(safe);
    /* Prefix the first wrapped line with the label and the others with its width of spaces. */
    for (size_t i = first; i < out->n; i++) {
        tui_line tmp;
        line_init(&tmp, out->utf8);
        line_add(&tmp, ROLE_DIM, i == first ? label : "", LABEL_W, true);
        tui_line *src = &out->v[i];
        for (size_t k = 0; k < src->n; k++) {
            char *piece = strndup(src->text.s + src->spans[k].off, src->spans[k].len);
            if (piece)
                line_add(&tmp, src->spans[k].role, piece, -1, false);
            free(piece);
        }
        line_free(src);
        *src = tmp;
    }
}

static void field_time(tui_lines *out, const char *label, int64_t t, int64_t now, int width)
{
    char rel[32], abs[40], both[80];
    time_relative(t, now, rel, sizeof rel);
    time_rfc3339(t, abs, sizeof abs);
    if (*abs)
        snprintf(both, sizeof both, "%s (%s)", rel, abs);
    else
        snprintf(both, sizeof both, "-");
    field(out, label, both, ROLE_NORMAL, width);
}

static void detail_extra(tui_lines *out, const rows_detail_extra *x, int width)
{
    if (!x)
        return;
    if (x->error) {
        field(out, "Details", x->error, ROLE_ERROR_MSG, width);
        return;
    }
    if (x->loading) {
        field(out, "Details", "loading...", ROLE_DIM, width);
        return;
    }
    sk_buf b;
    buf_init(&b);
    for (size_t i = 0; i < x->n_scopes; i++) {
        if (i)
            buf_adds(&b, " ");
        buf_adds(&b, x->scopes[i] ? x->scopes[i] : "");
    }
    field(out, "Scopes", b.s, ROLE_NORMAL, width);
    buf_free(&b);
    field(out, "Domain", x->domain, ROLE_NORMAL, width);
    field(out, "API config", x->api_config, ROLE_NORMAL, width);
}

void rows_detail(tui_lines *out, const sk_account *a, const rows_detail_extra *x, int width,
                 int64_t now)
{
    char label[96];
    rows_state_label(a->state, a->status, out->utf8, label, sizeof label);
    field(out, "Identifier", a->identifier, ROLE_NORMAL, width);
    field(out, "ID", a->id, ROLE_NORMAL, width);
    field(out, "State", label, rows_state_role(a->state), width);
    field(out, "Raw status", a->status ? a->status : "(absent)", ROLE_DIM, width);
    field(out, "Connection", a->connector, ROLE_NORMAL, width);
    field(out, "Connection ID", a->connection_id, ROLE_NORMAL, width);
    field(out, "Provider", a->provider, ROLE_NORMAL, width);
    field(out, "Auth type", a->authorization_type, ROLE_NORMAL, width);
    field_time(out, "Token expires", a->token_expires_at, now, width);
    field_time(out, "Last used", a->last_used_at, now, width);
    field_time(out, "Updated", a->updated_at, now, width);
    detail_extra(out, x, width);
    lines_add(out);
    lines_wrap(out, rows_state_role(a->state), rows_state_advice(a->state, a->status), width, 0);
}
