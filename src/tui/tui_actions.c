/* tui_actions.c: the action table and the dispatcher's gate. Adding a binding here adds it to
 * the help screen; marking it ACT_F_WRITE keeps it out of read-only sessions everywhere. */
#include "tui_actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27
#define B(c) (1u << (c))
#define ALL_VIEWS (B(CTX_LIST) | B(CTX_LINK) | B(CTX_HELP) | B(CTX_CONFIRM) | B(CTX_CONFIRM_COUNT) | \
                   B(CTX_JOURNAL))
#define SCROLLS (B(CTX_LIST) | B(CTX_HELP) | B(CTX_JOURNAL))

static const tui_action_def table[] = {
    { ACT_UP, "up", SCROLLS, { KEY_UP, 'k' }, 0, "move up" },
    { ACT_DOWN, "down", SCROLLS, { KEY_DOWN, 'j' }, 0, "move down" },
    { ACT_PAGE_UP, "page-up", SCROLLS, { KEY_PPAGE, CTRL('b') }, 0, "page up" },
    { ACT_PAGE_DOWN, "page-down", SCROLLS, { KEY_NPAGE, CTRL('f') }, 0, "page down" },
    { ACT_TOP, "top", SCROLLS, { 'g', KEY_HOME }, 0, "first row" },
    { ACT_BOTTOM, "bottom", SCROLLS, { 'G', KEY_END }, 0, "last row" },
    { ACT_NEXT_PANE, "next-pane", B(CTX_LIST), { '\t' }, 0, "next pane (connections, accounts, detail)" },
    { ACT_PREV_PANE, "prev-pane", B(CTX_LIST), { KEY_BTAB }, 0, "previous pane" },
    { ACT_DETAIL, "detail", B(CTX_LIST), { '\n', '\r', KEY_ENTER }, 0, "open or close the account's detail" },
    { ACT_FILTER, "filter", B(CTX_LIST), { '/' }, 0, "filter as you type (state:expired conn:gmail)" },
    { ACT_ESCAPE, "escape", B(CTX_LIST), { KEY_ESC }, 0, "clear the error, then the filter, then close the detail" },
    { ACT_TOGGLE_PENDING, "toggle-pending", B(CTX_LIST), { '1' }, 0, "show/hide PENDING" },
    { ACT_TOGGLE_ACTIVE, "toggle-active", B(CTX_LIST), { '2' }, 0, "show/hide ACTIVE" },
    { ACT_TOGGLE_EXPIRED, "toggle-expired", B(CTX_LIST), { '3' }, 0, "show/hide EXPIRED" },
    { ACT_TOGGLE_REVOKED, "toggle-revoked", B(CTX_LIST), { '4' }, 0, "show/hide REVOKED" },
    { ACT_TOGGLE_ERROR, "toggle-error", B(CTX_LIST), { '5' }, 0, "show/hide ERROR" },
    { ACT_SORT, "sort", B(CTX_LIST), { 's' }, 0, "sort by the next column" },
    { ACT_SORT_REVERSE, "sort-reverse", B(CTX_LIST), { 'S' }, 0, "reverse the sort order" },
    { ACT_MARK, "mark", B(CTX_LIST), { ' ' }, 0, "mark/unmark the row" },
    { ACT_MARK_ALL, "mark-all", B(CTX_LIST), { 'a' }, 0, "mark every row shown (again: unmark)" },
    { ACT_DELETE, "delete", B(CTX_LIST), { 'd', KEY_DC }, ACT_F_WRITE, "delete the marked accounts (or the current one)" },
    { ACT_LINK, "link", B(CTX_LIST), { 'l' }, 0, "authorization link + QR code for the marked (or current) accounts" },
    { ACT_COPY_ID, "copy-id", B(CTX_LIST), { 'y' }, 0, "copy the account id (OSC 52 clipboard)" },
    { ACT_COPY_IDENTIFIER, "copy-identifier", B(CTX_LIST), { 'Y' }, 0, "copy the identifier" },
    { ACT_PRINT_LINK, "print-link", B(CTX_LIST) | B(CTX_LINK), { 'p' }, 0, "quit and print the link and its QR code to the shell" },
    { ACT_REFRESH, "refresh", B(CTX_LIST), { 'r', KEY_F(5) }, 0, "refresh from the server" },
    { ACT_HELP, "help", B(CTX_LIST) | B(CTX_LINK), { '?', KEY_F(1) }, 0, "this help" },
    { ACT_JOURNAL, "journal", B(CTX_LIST), { 'J' }, 0, "the action journal: the latest deletes and links, newest first" },
    { ACT_REDRAW, "redraw", ALL_VIEWS, { CTRL('l') }, 0, "redraw the screen" },
    { ACT_QUIT, "quit", B(CTX_LIST), { 'q' }, 0, "quit" },

    { ACT_FILTER_ACCEPT, "filter-accept", B(CTX_FILTER), { '\n', '\r', KEY_ENTER, '\t' }, 0, "keep the filter, back to the list" },
    { ACT_FILTER_CANCEL, "filter-cancel", B(CTX_FILTER), { KEY_ESC }, 0, "clear the filter" },
    { ACT_FILTER_ERASE, "filter-erase", B(CTX_FILTER), { KEY_BACKSPACE, 127, CTRL('h') }, 0, "erase a character" },
    { ACT_FILTER_KILL, "filter-kill", B(CTX_FILTER), { CTRL('u') }, 0, "erase the whole filter" },

    { ACT_LINK_NEW, "link-new", B(CTX_LINK), { 'r' }, 0, "issue a fresh link" },
    { ACT_LINK_COPY, "link-copy", B(CTX_LINK), { 'y' }, 0, "copy the link" },
    { ACT_LINK_MESSAGE, "link-message", B(CTX_LINK), { 'm' }, 0, "copy a ready-to-paste message for the user" },
    { ACT_LINK_NEXT, "link-next", B(CTX_LINK), { 'n', KEY_RIGHT }, 0, "next marked account" },
    { ACT_LINK_PREV, "link-prev", B(CTX_LINK), { 'N', KEY_LEFT }, 0, "previous marked account" },
    { ACT_LINK_CLOSE, "link-close", B(CTX_LINK), { KEY_ESC, 'q' }, 0, "back to the list" },

    { ACT_CONFIRM_YES, "confirm-yes", B(CTX_CONFIRM), { 'y' }, ACT_F_WRITE, "yes, delete" },
    { ACT_CONFIRM_NO, "confirm-no", B(CTX_CONFIRM) | B(CTX_CONFIRM_COUNT), { 'n', 'N', KEY_ESC, 'q' }, 0, "no (the default)" },
    { ACT_CONFIRM_ENTER, "confirm-count", B(CTX_CONFIRM_COUNT), { '\n', '\r', KEY_ENTER }, ACT_F_WRITE, "delete when the typed count matches" },
    { ACT_CONFIRM_ERASE, "confirm-erase", B(CTX_CONFIRM_COUNT), { KEY_BACKSPACE, 127, CTRL('h') }, 0, "erase a digit" },

    { ACT_HELP_CLOSE, "help-close", B(CTX_HELP), { KEY_ESC, 'q', '?' }, 0, "close the help" },

    { ACT_JOURNAL_CLOSE, "journal-close", B(CTX_JOURNAL), { KEY_ESC, 'q', 'J' }, 0, "close the journal" },
};

#define N_TABLE (sizeof table / sizeof table[0])

static const char *const ctx_names[CTX_COUNT] = {
    "Dashboard", "Filter line", "Link view", "Delete dialog", "Delete dialog (several)", "Help",
    "Journal"
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

tui_action actions_resolve(tui_ctx ctx, int key, bool read_only, bool *refused)
{
    if (refused)
        *refused = false;
    if ((unsigned)ctx >= CTX_COUNT || key == 0)
        return ACT_NONE;
    for (size_t i = 0; i < N_TABLE; i++) {
        if (!(table[i].ctx_mask & B(ctx)))
            continue;
        for (int k = 0; k < ACT_MAX_KEYS && table[i].keys[k]; k++) {
            if (table[i].keys[k] != key)
                continue;
            if (read_only && (table[i].flags & ACT_F_WRITE)) {
                if (refused)
                    *refused = true;
                return ACT_NONE;
            }
            return table[i].act;
        }
    }
    return ACT_NONE;
}

void key_label(int key, char *buf, size_t n)
{
    static const struct { int key; const char *name; } names[] = {
        { KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
        { KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
        { KEY_BTAB, "Shift-Tab" }, { KEY_ENTER, "Enter" }, { KEY_DC, "Delete" },
        { KEY_BACKSPACE, "Backspace" }, { KEY_F(1), "F1" }, { KEY_F(5), "F5" },
        { '\n', "Enter" }, { '\r', "Enter" }, { '\t', "Tab" }, { ' ', "Space" },
        { KEY_ESC, "Esc" }, { 127, "Backspace" },
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
        if (!(table[i].ctx_mask & B(ctx)) || !action_available(table[i].act, read_only))
            continue;
        char keys[96];
        action_keys_label(&table[i], keys, sizeof keys);
        emit(ud, keys, table[i].help);
    }
}
