/* tui_rows.c: rendering of the dashboard's rows into text + colour roles; no terminal needed,
 * so the unit tests read exactly what the screen would show. */
#include "tui_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_actions.h"
#include "buf.h"
#include "sk_time.h"
#include "text.h"

void rows_state_label(sk_state st, const char *wire, bool utf8, char *buf, size_t n)
{
    state_label(st, wire, utf8, buf, n);
}

/* The dashboard's colour role for the core's tone of a state. */
tui_role rows_state_role(sk_state st)
{
    static const tui_role roles[SK_TONE_COUNT] = {
        [SK_TONE_WAITING] = ROLE_ST_PENDING,
        [SK_TONE_GOOD] = ROLE_ST_ACTIVE,
        [SK_TONE_LAPSED] = ROLE_ST_EXPIRED,
        [SK_TONE_ENDED] = ROLE_ST_REVOKED,
        [SK_TONE_BROKEN] = ROLE_ST_ERROR,
    };
    sk_tone t = state_info(st)->tone;
    return (unsigned)t < SK_TONE_COUNT ? roles[t] : ROLE_ST_ERROR;
}

char rows_state_letter(sk_state st)
{
    static const char letters[SK_STATE_COUNT] = { 'P', 'A', 'E', 'R', 'X' };
    return (unsigned)st < SK_STATE_COUNT ? letters[st] : 'X';
}

/* An action as the dashboard names it in advice: its key in the action table ("l", "d"). */
static const char *action_key(sk_action a, void *ud)
{
    (void)ud;
    static char key[2];
    tui_action act = a == SK_ACTION_LINK ? ACT_LINK : a == SK_ACTION_DELETE ? ACT_DELETE : ACT_NONE;
    const tui_action_def *d = act != ACT_NONE ? action_def(act) : NULL;
    if (!d || d->keys[0] <= ' ' || d->keys[0] > '~')
        return NULL;
    key[0] = (char)d->keys[0];
    key[1] = '\0';
    return key;
}

const char *rows_state_advice(sk_state st, const char *wire)
{
    /* Worded once per advice of the core's table (a handful), then reused. */
    static struct { const sk_advice *adv; char text[512]; } done[SK_STATE_COUNT + 2];
    const sk_advice *adv = state_advice(st, wire);
    size_t i = 0;
    for (; i < sizeof done / sizeof done[0] && done[i].adv; i++)
        if (done[i].adv == adv)
            return done[i].text;
    static char spare[512];
    char *text = i < sizeof done / sizeof done[0] ? done[i].text : spare;
    state_advice_text(adv, action_key, NULL, text, sizeof done[0].text);
    if (i < sizeof done / sizeof done[0])
        done[i].adv = adv;
    return text;
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
    /* Columns give way in this order as the screen narrows. In a view that mixes connections
     * the Connection column says whose account a row is, so it is the last to go: Auth (the
     * same for most rows) gives way first, then Updated. */
    static const rows_col drop[] = { COL_UPDATED, COL_CONN, COL_LASTUSED, COL_AUTH, COL_EXPIRY };
    static const rows_col drop_mixed[] = { COL_AUTH, COL_UPDATED, COL_LASTUSED, COL_EXPIRY,
                                           COL_CONN };
    const rows_col *order = show_conn ? drop_mixed : drop;
    size_t n_order = show_conn ? sizeof drop_mixed / sizeof drop_mixed[0] : sizeof drop / sizeof drop[0];
    memcpy(out->width, minw, sizeof minw);
    if (!show_conn)
        out->width[COL_CONN] = 0;
    for (size_t i = 0; i < n_order && layout_sum(out) > width; i++)
        out->width[order[i]] = 0;
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
    if (a->last_used_at == SK_TIME_ABSENT)
        snprintf(used, sizeof used, "never");   /* the Unused view keeps these */
    else
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

/* Digits with a comma every three ("19,967"), as the position markers and the counts read. */
void rows_thousands(size_t n, char *buf, size_t size)
{
    char raw[32];
    int len = snprintf(raw, sizeof raw, "%zu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
}

/* The counts are the point of the line, so they are never cut: the name gives way (with an
 * ellipsis). "!6" is the number needing attention (every state but ACTIVE). */
void rows_conn_title(tui_line *l, const char *name, size_t total, size_t attention, int width)
{
    char tot[32], att[40] = "";
    rows_thousands(total, tot, sizeof tot);
    if (attention) {
        char n[32];
        rows_thousands(attention, n, sizeof n);
        snprintf(att, sizeof att, " !%s", n);
    }
    int nw = (int)strlen(tot) + (int)strlen(att);
    int namew = width - nw - 1;
    if (namew < 1)
        namew = 1;
    line_add_raw(l, ROLE_NORMAL, name, namew, true);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    line_add(l, ROLE_DIM, tot, -1, false);
    if (*att)
        line_add(l, ROLE_ST_EXPIRED, att, -1, false);
    line_truncate(l, width);
}

void rows_conn_counting(tui_line *l, const char *name, int width)
{
    line_add_raw(l, ROLE_NORMAL, name, width - 2 > 1 ? width - 2 : 1, true);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    line_add(l, ROLE_DIM, l->utf8 ? "\xe2\x80\xa6" : "+", -1, false);
    line_truncate(l, width);
}

int rows_conn_title_width(const char *name, size_t total, size_t attention)
{
    char tot[32], att[32] = "";
    rows_thousands(total, tot, sizeof tot);
    if (attention)
        rows_thousands(attention, att, sizeof att);
    char *safe = text_sanitize_dup(name ? name : "");
    int w = (safe ? text_width(safe) : 0) + 1 + (int)strlen(tot) + (attention ? 2 + (int)strlen(att) : 0);
    free(safe);
    return w;
}

void rows_conn_counts(tui_line *l, const size_t count[SK_STATE_COUNT], int width)
{
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        if (!count[s])
            continue;
        char t[32];
        snprintf(t, sizeof t, "%c%zu", rows_state_letter((sk_state)s), count[s]);
        /* A count is shown whole or not at all: a cut "A2" would read as a smaller number. */
        if (l->cols + (int)strlen(t) > width) {
            line_add(l, ROLE_DIM, l->utf8 ? "\xe2\x80\xa6" : "+", -1, false);
            break;
        }
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

static void field_time(tui_lines *out, const char *label, int64_t t, int64_t now, int width,
                       const char *absent)
{
    char rel[32], abs[40], both[80];
    time_relative(t, now, rel, sizeof rel);
    time_rfc3339(t, abs, sizeof abs);
    if (*abs)
        snprintf(both, sizeof both, "%s (%s)", rel, abs);
    else
        snprintf(both, sizeof both, "%s", absent ? absent : "-");
    field(out, label, both, ROLE_NORMAL, width);
}

/* Where /details has not answered (or failed), one line says so in place of its fields. */
static bool details_missing(tui_lines *out, const rows_detail_extra *x, int width)
{
    if (!x)
        return true;
    if (x->error) {
        field(out, "Details", x->error, ROLE_ERROR_MSG, width);
        return true;
    }
    if (x->loading) {
        field(out, "Details", "loading...", ROLE_DIM, width);
        return true;
    }
    return false;
}

void rows_detail(tui_lines *out, const sk_account *a, const rows_detail_extra *x, int width,
                 int64_t now)
{
    sk_account_detail d = { .a = *a };
    if (x && !x->loading && !x->error) {
        d.scopes = (const char **)x->scopes;
        d.n_scopes = x->n_scopes;
        d.domain = x->domain;
        d.api_config_json = x->api_config;
    }
    size_t n;
    const sk_field *f = account_fields(&n);
    bool missing_said = false, missing = false;
    sk_buf scratch;
    buf_init(&scratch);
    /* The core's list: the same fields, order and labels as `skdash show`. */
    for (size_t i = 0; i < n; i++) {
        if (f[i].details_only) {
            if (!missing_said) {
                missing = details_missing(out, x, width);
                missing_said = true;
            }
            if (missing)
                continue;
        }
        switch (f[i].kind) {
        case SK_FIELD_STATE: {
            char label[96];
            rows_state_label(a->state, a->status, out->utf8, label, sizeof label);
            field(out, f[i].label, label, rows_state_role(a->state), width);
            break;
        }
        case SK_FIELD_TIME:
            field_time(out, f[i].label, account_field_time(&f[i], &d), now, width, f[i].absent);
            break;
        default: {
            const char *v = account_field_text(&f[i], &d, &scratch);
            field(out, f[i].label, v ? v : f[i].absent,
                  f[i].kind == SK_FIELD_STATUS ? ROLE_DIM : ROLE_NORMAL, width);
            break;
        }
        }
    }
    buf_free(&scratch);
    lines_add(out);
    lines_wrap(out, rows_state_role(a->state), rows_state_advice(a->state, a->status), width, 0);
}
