/* tui_action_list.h: every action of the dashboard, once (included by tui_actions.h only).
 * An X-macro so the enum, the table, the help screen and the footer cannot drift apart. */
#ifndef TUI_ACTION_LIST_H
#define TUI_ACTION_LIST_H

#define TUI_K(...) { __VA_ARGS__ }
#define TUI_B(c) (1u << (c))
#define TUI_SCROLLS (TUI_B(CTX_LIST) | TUI_B(CTX_HELP) | TUI_B(CTX_JOURNAL))
#define TUI_ALL_VIEWS (TUI_B(CTX_LIST) | TUI_B(CTX_LINK) | TUI_B(CTX_HELP) | TUI_B(CTX_CONFIRM) | \
                       TUI_B(CTX_CONFIRM_COUNT) | TUI_B(CTX_JOURNAL) | TUI_B(CTX_CMDBAR))
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_ESC 27

/*  id, name, contexts, keys, flags, help, hint, prio, when, handler, arg */
#define TUI_ACTIONS(_) \
    _(UP, "up", TUI_SCROLLS, TUI_K(KEY_UP, 'k'), 0, "move up", NULL, 0, NULL, act_move, -1) \
    _(DOWN, "down", TUI_SCROLLS, TUI_K(KEY_DOWN, 'j'), 0, "move down", NULL, 0, NULL, act_move, 1) \
    _(PAGE_UP, "page-up", TUI_SCROLLS, TUI_K(KEY_PPAGE, TUI_CTRL('b')), 0, "page up", NULL, 0, NULL, act_page, -1) \
    _(PAGE_DOWN, "page-down", TUI_SCROLLS, TUI_K(KEY_NPAGE, TUI_CTRL('f')), 0, "page down", NULL, 0, NULL, act_page, 1) \
    _(TOP, "top", TUI_SCROLLS, TUI_K('g', KEY_HOME), 0, "first row", NULL, 0, NULL, act_edge, -1) \
    _(BOTTOM, "bottom", TUI_SCROLLS, TUI_K('G', KEY_END), 0, "last row", NULL, 0, NULL, act_edge, 1) \
    _(NEXT_PANE, "next-pane", TUI_B(CTX_LIST), TUI_K('\t'), 0, "next pane (connections, accounts, detail)", NULL, 0, NULL, act_pane, 1) \
    _(PREV_PANE, "prev-pane", TUI_B(CTX_LIST), TUI_K(KEY_BTAB), 0, "previous pane", NULL, 0, NULL, act_pane, -1) \
    _(DETAIL, "detail", TUI_B(CTX_LIST), TUI_K('\n', '\r', KEY_ENTER), 0, "open or close the account's detail", "detail", 5, NULL, act_detail, 0) \
    _(FILTER, "filter", TUI_B(CTX_LIST), TUI_K('/'), 0, "filter as you type (state:expired conn:gmail); 3+ characters also ask the server while the listing runs", "filter", 3, NULL, act_filter, 0) \
    _(ESCAPE, "escape", TUI_B(CTX_LIST), TUI_K(TUI_ESC), 0, "clear the error, then the filter, then close the detail", NULL, 0, NULL, act_escape, 0) \
    _(TOGGLE_PENDING, "toggle-pending", TUI_B(CTX_LIST), TUI_K('1'), 0, "show/hide PENDING", NULL, 0, NULL, act_toggle_state, SK_STATE_PENDING) \
    _(TOGGLE_ACTIVE, "toggle-active", TUI_B(CTX_LIST), TUI_K('2'), 0, "show/hide ACTIVE", NULL, 0, NULL, act_toggle_state, SK_STATE_ACTIVE) \
    _(TOGGLE_EXPIRED, "toggle-expired", TUI_B(CTX_LIST), TUI_K('3'), 0, "show/hide EXPIRED", NULL, 0, NULL, act_toggle_state, SK_STATE_EXPIRED) \
    _(TOGGLE_REVOKED, "toggle-revoked", TUI_B(CTX_LIST), TUI_K('4'), 0, "show/hide REVOKED", NULL, 0, NULL, act_toggle_state, SK_STATE_REVOKED) \
    _(TOGGLE_ERROR, "toggle-error", TUI_B(CTX_LIST), TUI_K('5'), 0, "show/hide ERROR", NULL, 0, NULL, act_toggle_state, SK_STATE_ERROR) \
    _(SORT, "sort", TUI_B(CTX_LIST), TUI_K('s'), 0, "sort by the next column", "sort", 4, NULL, act_sort, 0) \
    _(SORT_REVERSE, "sort-reverse", TUI_B(CTX_LIST), TUI_K('S'), 0, "reverse the sort order", NULL, 0, NULL, act_sort_reverse, 0) \
    _(MARK, "mark", TUI_B(CTX_LIST), TUI_K(' '), 0, "mark/unmark the row", "mark", 6, NULL, act_mark, 0) \
    _(MARK_ALL, "mark-all", TUI_B(CTX_LIST), TUI_K('a'), 0, "mark every row shown (again: unmark)", NULL, 0, NULL, act_mark_all, 0) \
    _(DELETE, "delete", TUI_B(CTX_LIST), TUI_K('d', KEY_DC), ACT_F_WRITE, "delete the marked accounts (or the current one)", "delete", 8, NULL, act_delete, 0) \
    _(DISCONNECT, "disconnect", TUI_B(CTX_LIST), TUI_K('x'), ACT_F_WRITE, "disconnect the marked accounts (or the current one): the record stays, DISCONNECTED", "disconnect", 12, NULL, act_disconnect, 0) \
    _(LINK, "link", TUI_B(CTX_LIST), TUI_K('l'), 0, "authorization link + QR code for the marked (or current) accounts", "link", 7, NULL, act_link, 0) \
    _(LINKS_FILE, "links-file", TUI_B(CTX_LIST), TUI_K('L'), 0, "fresh links for the marked (or current) accounts into a CSV file (the columns of skdash link --format csv)", "links to csv", 13, NULL, act_links_file, 0) \
    _(COPY_ID, "copy-id", TUI_B(CTX_LIST), TUI_K('y'), 0, "copy the account id (OSC 52 clipboard)", "copy id", 10, NULL, act_copy, 0) \
    _(COPY_IDENTIFIER, "copy-identifier", TUI_B(CTX_LIST), TUI_K('Y'), 0, "copy the identifier", NULL, 0, NULL, act_copy, 1) \
    _(PRINT_LINK, "print-link", TUI_B(CTX_LIST) | TUI_B(CTX_LINK), TUI_K('p'), 0, "quit and print the link and its QR code to the shell", "print & quit", 5, in_link_footer, act_print_link, 0) \
    _(REFRESH, "refresh", TUI_B(CTX_LIST), TUI_K('r', KEY_F(5)), 0, "refresh from the server", "refresh", 9, NULL, act_refresh, 0) \
    _(HELP, "help", TUI_B(CTX_LIST) | TUI_B(CTX_LINK) | TUI_B(CTX_CONFIRM) | TUI_B(CTX_CONFIRM_COUNT) | TUI_B(CTX_JOURNAL), TUI_K('?', KEY_F(1)), 0, "this help", "help", 2, in_list_footer, act_help, 0) \
    _(JOURNAL, "journal", TUI_B(CTX_LIST), TUI_K('J'), 0, "the action journal: the latest deletes and links, newest first", "journal", 11, NULL, act_journal, 0) \
    _(REDRAW, "redraw", TUI_ALL_VIEWS, TUI_K(TUI_CTRL('l')), 0, "redraw the screen", NULL, 0, NULL, act_redraw, 0) \
    _(QUIT, "quit", TUI_B(CTX_LIST), TUI_K('q'), 0, "quit", "quit", 1, NULL, act_quit, 0) \
    _(COMMAND, "command", TUI_B(CTX_LIST), TUI_K(':'), 0, "command bar: :profile :conn :view :filter :sort :export :help :q (Tab completes, Up/Down history)", "command", 12, NULL, act_cmdbar, 0) \
    \
    _(FILTER_ACCEPT, "filter-accept", TUI_B(CTX_FILTER), TUI_K('\n', '\r', KEY_ENTER, '\t'), 0, "keep the filter, back to the list", NULL, 0, NULL, act_filter_accept, 0) \
    _(FILTER_CANCEL, "filter-cancel", TUI_B(CTX_FILTER), TUI_K(TUI_ESC), 0, "clear the filter", NULL, 0, NULL, act_filter_cancel, 0) \
    _(FILTER_ERASE, "filter-erase", TUI_B(CTX_FILTER), TUI_K(KEY_BACKSPACE, 127, TUI_CTRL('h')), 0, "erase the character before the cursor", NULL, 0, NULL, act_filter_erase, 0) \
    _(FILTER_ERASE_WORD, "filter-erase-word", TUI_B(CTX_FILTER), TUI_K(TUI_CTRL('w')), 0, "erase the word before the cursor", NULL, 0, NULL, act_filter_erase, 1) \
    _(FILTER_KILL, "filter-kill", TUI_B(CTX_FILTER), TUI_K(TUI_CTRL('u')), 0, "erase the filter before the cursor", NULL, 0, NULL, act_filter_kill, 0) \
    _(FILTER_DELETE, "filter-delete", TUI_B(CTX_FILTER), TUI_K(KEY_DC, TUI_CTRL('d')), 0, "erase the character under the cursor", NULL, 0, NULL, act_filter_delete, 0) \
    _(FILTER_LEFT, "filter-left", TUI_B(CTX_FILTER), TUI_K(KEY_LEFT, TUI_CTRL('b')), 0, "cursor left", NULL, 0, NULL, act_filter_move, -1) \
    _(FILTER_RIGHT, "filter-right", TUI_B(CTX_FILTER), TUI_K(KEY_RIGHT, TUI_CTRL('f')), 0, "cursor right", NULL, 0, NULL, act_filter_move, 1) \
    _(FILTER_HOME, "filter-home", TUI_B(CTX_FILTER), TUI_K(KEY_HOME, TUI_CTRL('a')), 0, "cursor to the start", NULL, 0, NULL, act_filter_move, -2) \
    _(FILTER_END, "filter-end", TUI_B(CTX_FILTER), TUI_K(KEY_END, TUI_CTRL('e')), 0, "cursor to the end", NULL, 0, NULL, act_filter_move, 2) \
    \
    _(LINK_NEW, "link-new", TUI_B(CTX_LINK), TUI_K('r'), 0, "issue a fresh link", "new link", 1, NULL, act_link_new, 0) \
    _(LINK_COPY, "link-copy", TUI_B(CTX_LINK), TUI_K('y'), 0, "copy the link", "copy link", 2, NULL, act_link_copy, 0) \
    _(LINK_MESSAGE, "link-message", TUI_B(CTX_LINK), TUI_K('m'), 0, "copy a ready-to-paste message for the user", "copy message", 3, NULL, act_link_message, 0) \
    _(LINK_NEXT, "link-next", TUI_B(CTX_LINK), TUI_K('n', KEY_RIGHT), 0, "next marked account", "next", 4, link_has_several, act_link_move, 1) \
    _(LINK_PREV, "link-prev", TUI_B(CTX_LINK), TUI_K('N', KEY_LEFT), 0, "previous marked account", NULL, 0, NULL, act_link_move, -1) \
    _(LINK_CLOSE, "link-close", TUI_B(CTX_LINK), TUI_K(TUI_ESC, 'q'), 0, "back to the list", "back", 6, NULL, act_link_close, 0) \
    \
    _(CONFIRM_YES, "confirm-yes", TUI_B(CTX_CONFIRM), TUI_K('y'), ACT_F_WRITE, "yes: delete (or disconnect)", NULL, 0, NULL, act_confirm_yes, 0) \
    _(CONFIRM_NO, "confirm-no", TUI_B(CTX_CONFIRM) | TUI_B(CTX_CONFIRM_COUNT), TUI_K('n', 'N', TUI_ESC, 'q'), 0, "no (the default)", NULL, 0, NULL, act_confirm_no, 0) \
    _(CONFIRM_ENTER, "confirm-count", TUI_B(CTX_CONFIRM_COUNT), TUI_K('\n', '\r', KEY_ENTER), ACT_F_WRITE, "delete (or disconnect) when the typed count matches", NULL, 0, NULL, act_confirm_count, 0) \
    _(CONFIRM_ERASE, "confirm-erase", TUI_B(CTX_CONFIRM_COUNT), TUI_K(KEY_BACKSPACE, 127, TUI_CTRL('h')), 0, "erase a digit", NULL, 0, NULL, act_confirm_erase, 0) \
    \
    _(HELP_CLOSE, "help-close", TUI_B(CTX_HELP), TUI_K(TUI_ESC, 'q', '?'), 0, "close the help", NULL, 0, NULL, act_close, 0) \
    _(HELP_SEARCH, "help-search", TUI_B(CTX_HELP), TUI_K('/'), 0, "search the help: type, then Enter; matches are highlighted", NULL, 0, NULL, act_help_search, 0) \
    _(HELP_NEXT, "help-next", TUI_B(CTX_HELP), TUI_K('n'), 0, "next match of the search", NULL, 0, NULL, act_help_next, 1) \
    _(HELP_PREV, "help-prev", TUI_B(CTX_HELP), TUI_K('N'), 0, "previous match of the search", NULL, 0, NULL, act_help_next, -1) \
    _(HELP_SEARCH_ACCEPT, "help-search-accept", TUI_B(CTX_HELP_SEARCH), TUI_K('\n', '\r', KEY_ENTER), 0, "go to the first match (then n/N)", NULL, 0, NULL, act_help_search_end, 1) \
    _(HELP_SEARCH_CANCEL, "help-search-cancel", TUI_B(CTX_HELP_SEARCH), TUI_K(TUI_ESC), 0, "stop searching (the help stays open)", NULL, 0, NULL, act_help_search_end, 0) \
    _(HELP_SEARCH_ERASE, "help-search-erase", TUI_B(CTX_HELP_SEARCH), TUI_K(KEY_BACKSPACE, 127, TUI_CTRL('h')), 0, "erase a character of the search", NULL, 0, NULL, act_help_search_erase, 0) \
    \
    _(JOURNAL_CLOSE, "journal-close", TUI_B(CTX_JOURNAL), TUI_K(TUI_ESC, 'q', 'J'), 0, "close the journal", NULL, 0, NULL, act_close, 0) \
    \
    _(CMD_RUN, "command-run", TUI_B(CTX_CMDBAR), TUI_K('\n', '\r', KEY_ENTER), 0, "run the command", NULL, 0, NULL, act_cmd_run, 0) \
    _(CMD_CANCEL, "command-cancel", TUI_B(CTX_CMDBAR), TUI_K(TUI_ESC), 0, "close the command bar", NULL, 0, NULL, act_cmd_cancel, 0) \
    _(CMD_COMPLETE, "command-complete", TUI_B(CTX_CMDBAR), TUI_K('\t'), 0, "complete the command or its argument; again: the next candidate", NULL, 0, NULL, act_cmd_complete, 1) \
    _(CMD_COMPLETE_PREV, "command-complete-prev", TUI_B(CTX_CMDBAR), TUI_K(KEY_BTAB), 0, "the previous candidate", NULL, 0, NULL, act_cmd_complete, -1) \
    _(CMD_HISTORY_PREV, "command-history-prev", TUI_B(CTX_CMDBAR), TUI_K(KEY_UP), 0, "the previous command run (history)", NULL, 0, NULL, act_cmd_history, -1) \
    _(CMD_HISTORY_NEXT, "command-history-next", TUI_B(CTX_CMDBAR), TUI_K(KEY_DOWN), 0, "the next command run (history)", NULL, 0, NULL, act_cmd_history, 1) \
    _(CMD_ERASE, "command-erase", TUI_B(CTX_CMDBAR), TUI_K(KEY_BACKSPACE, 127, TUI_CTRL('h')), 0, "erase the character before the cursor", NULL, 0, NULL, act_cmd_erase, 0) \
    _(CMD_ERASE_WORD, "command-erase-word", TUI_B(CTX_CMDBAR), TUI_K(TUI_CTRL('w')), 0, "erase the word before the cursor", NULL, 0, NULL, act_cmd_erase, 1) \
    _(CMD_KILL, "command-kill", TUI_B(CTX_CMDBAR), TUI_K(TUI_CTRL('u')), 0, "erase the line before the cursor", NULL, 0, NULL, act_cmd_erase, 2) \
    _(CMD_DELETE, "command-delete", TUI_B(CTX_CMDBAR), TUI_K(KEY_DC, TUI_CTRL('d')), 0, "erase the character under the cursor", NULL, 0, NULL, act_cmd_delete, 0) \
    _(CMD_LEFT, "command-left", TUI_B(CTX_CMDBAR), TUI_K(KEY_LEFT, TUI_CTRL('b')), 0, "cursor left", NULL, 0, NULL, act_cmd_move, -1) \
    _(CMD_RIGHT, "command-right", TUI_B(CTX_CMDBAR), TUI_K(KEY_RIGHT, TUI_CTRL('f')), 0, "cursor right", NULL, 0, NULL, act_cmd_move, 1) \
    _(CMD_HOME, "command-home", TUI_B(CTX_CMDBAR), TUI_K(KEY_HOME, TUI_CTRL('a')), 0, "cursor to the start", NULL, 0, NULL, act_cmd_move, -2) \
    _(CMD_END, "command-end", TUI_B(CTX_CMDBAR), TUI_K(KEY_END, TUI_CTRL('e')), 0, "cursor to the end", NULL, 0, NULL, act_cmd_move, 2)

#endif
