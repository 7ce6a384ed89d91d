/* tui_actions.c: the action table expanded from tui_action_list.h, the dispatcher's gate, help
 * and footer hints. A row there adds a binding to the help screen and (with a hint) the footer;
 * ACT_F_WRITE keeps it out of read-only sessions everywhere. */
#include "tui_actions.h"

#include <curses.h>
#include "account.h"
#include <stdio.h>
#include <string.h>

#include "tui_app.h"

/* Handlers and hint conditions are declared by the list itself (repeats are harmless). */
#define ACT_DECL(id, name, ctx, keys, flags, help, hint, prio, when, fn, arg) \
    void fn(struct tui_app *a, int arg_);
TUI_ACTIONS(ACT_DECL)
#undef ACT_DECL
bool link_has_several(const struct tui_app *a, int ctx);

/* Actions bound in several contexts hint in one footer only. */
static bool in_link_footer(const struct tui_app *a, int ctx)
{
    (void)a;
    return ctx == CTX_LINK;
}

static bool in_list_footer(const struct tui_app *a, int ctx)
{
    (void)a;
    return ctx == CTX_LIST;
}

static const tui_action_def table[] = {
#define ACT_ROW(id, name, ctx, keys, flags, help, hint, prio, when, fn, arg) \
    { ACT_##id, name, ctx, keys, flags, help, hint, prio, when, fn, arg },
    TUI_ACTIONS(ACT_ROW)
#undef ACT_ROW
};

#define N_TABLE (sizeof table / sizeof table[0])

static const char *const ctx_names[CTX_COUNT] = {
    "Dashboard", "Filter line", "Link view", "Delete or disconnect dialog",
    "Delete or disconnect dialog (several)", "Help", "Journal", "Help search", "Command bar (:)"
};

const tui_action_def *actions_table(size_t *n)
{
    if (n)
        *n = N_TABLE;
    return table;
}

const tui_action_def *action_def(tui_action a)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].act == a)
            return &table[i];
    return NULL;
}

const char *ctx_name(tui_ctx c)
{
    return (unsigned)c < CTX_COUNT ? ctx_names[c] : "?";
}

bool action_available(tui_action a, bool read_only)
{
    const tui_action_def *d = action_def(a);
    if (!d)
        return false;
    return !(read_only && (d->flags & ACT_F_WRITE));
}

const tui_action_def *actions_bound(tui_ctx ctx, int key)
{
    if ((unsigned)ctx >= CTX_COUNT || key == 0)
        return NULL;
    for (size_t i = 0; i < N_TABLE; i++) {
        if (!(table[i].ctx_mask & TUI_B(ctx)))
            continue;
        for (int k = 0; k < ACT_MAX_KEYS && table[i].keys[k]; k++)
            if (table[i].keys[k] == key)
                return &table[i];
    }
    return NULL;
}

tui_action actions_resolve(tui_ctx ctx, int key, bool read_only, bool *refused)
{
    if (refused)
        *refused = false;
    const tui_action_def *d = actions_bound(ctx, key);
    if (!d)
        return ACT_NONE;
    if (read_only && (d->flags & ACT_F_WRITE)) {
        if (refused)
            *refused = true;
        return ACT_NONE;
    }
    return d->act;
}

void action_refusal(const tui_action_def *d, char *buf, size_t n)
{
    snprintf(buf, n, "read-only: %s is disabled", d && d->hint ? d->hint : d ? d->name : "this");
}

void key_label(int key, char *buf, size_t n)
{
    static const struct { int key; const char *name; } names[] = {
        { KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
        { KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
        { KEY_BTAB, "Shift-Tab" }, { KEY_ENTER, "Enter" }, { KEY_DC, "Delete" },
        { KEY_BACKSPACE, "Backspace" }, { KEY_F(1), "F1" }, { KEY_F(5), "F5" },
        { '\n', "Enter" }, { '\r', "Enter" }, { '\t', "Tab" }, { ' ', "Space" },
        { TUI_ESC, "Esc" }, { 127, "Backspace" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == key) {
            snprintf(buf, n, "%s", names[i].name);
            return;
        }
    if (key >= 1 && key < 32)
        snprintf(buf, n, "Ctrl-%c", key + 'A' - 1);
    else if (key > 32 && key < 127)
        snprintf(buf, n, "%c", key);
    else
        snprintf(buf, n, "key %d", key);
}

void action_keys_label(const tui_action_def *d, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < ACT_MAX_KEYS && d->keys[k]; k++) {
        char one[32];
        key_label(d->keys[k], one, sizeof one);
        /* Enter has three codes; name it once. */
        bool seen = false;
        for (int j = 0; j < k && !seen; j++) {
            char prev[32];
            key_label(d->keys[j], prev, sizeof prev);
            seen = strcmp(prev, one) == 0;
        }
        if (seen)
            continue;
        int w = snprintf(buf + used, n - used, "%s%s", used ? "/" : "", one);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
}

void actions_help(tui_ctx ctx, bool read_only, help_emit_fn emit, void *ud)
{
    for (size_t i = 0; i < N_TABLE; i++) {
        if (!(table[i].ctx_mask & TUI_B(ctx)) || !action_available(table[i].act, read_only))
            continue;
        char keys[96];
        action_keys_label(&table[i], keys, sizeof keys);
        emit(ud, keys, table[i].help);
    }
}

/* Hints of ctx in priority order (ties keep the table's order). */
static size_t hints_ordered(tui_ctx ctx, const struct tui_app *a, bool read_only,
                            const tui_action_def **out)
{
    size_t n = 0;
    for (size_t i = 0; i < N_TABLE; i++) {
        const tui_action_def *d = &table[i];
        if (!d->hint || !(d->ctx_mask & TUI_B(ctx)) || !action_available(d->act, read_only) ||
            (d->when && !d->when(a, ctx)))
            continue;
        size_t j = n++;
        while (j > 0 && out[j - 1]->hint_prio > d->hint_prio) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = d;
    }
    return n;
}

size_t actions_hints(tui_ctx ctx, const struct tui_app *a, bool read_only, int width,
                     hint_emit_fn emit, void *ud)
{
    const tui_action_def *order[N_TABLE];
    size_t n = hints_ordered(ctx, a, read_only, order), shown = 0;
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        char key[32];
        key_label(order[i]->keys[0], key, sizeof key);
        /* "key word" and two spaces after it */
        int w = (int)strlen(key) + 1 + (int)strlen(order[i]->hint) + 2;
        if (used + w - 2 > width)
            break;
        used += w;
        emit(ud, key, order[i]->hint);
        shown++;
    }
    return shown;
}
