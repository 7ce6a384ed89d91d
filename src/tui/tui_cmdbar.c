/* tui_cmdbar.c: the command bar (`:`), an overlay on the overview's bottom line, as in vim and
 * k9s: one table of commands (name, argument, help, handler) that runs them, lists them in `?`
 * and drives Tab completion; Up/Down walk a history kept in $XDG_STATE_HOME/skdash/. */
#include "tui_app.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include "csv.h"
#include "nearest.h"
#include "text.h"
#include "tui_cmdline.h"
#include "tui_script.h"
#include "tui_screen.h"
#include "xdg.h"

#define MAX_PATH_CANDS 500

/* The bar's own state: one bar at a time; the history lives as long as the dashboard. */
static struct {
    char line[CMDLINE_MAX];     /* what is typed after ':' */
    size_t cur;                 /* the cursor: a byte offset into line, on a character's start */
    cmdline_completion comp;
    size_t shown;               /* matches of the last Tab, shown above the bar while they last */
    cmdline_history hist;
    bool hist_loaded;
} cb;

/* ---------------------------------------------------------------- the commands */

static void cmd_profile(tui_app *a, const char *arg, bool bang);
static void cmd_conn(tui_app *a, const char *arg, bool bang);
static void cmd_view(tui_app *a, const char *arg, bool bang);
static void cmd_filter(tui_app *a, const char *arg, bool bang);
static void cmd_sort(tui_app *a, const char *arg, bool bang);
static void cmd_export(tui_app *a, const char *arg, bool bang);
static void cmd_help(tui_app *a, const char *arg, bool bang);
static void cmd_quit(tui_app *a, const char *arg, bool bang);

/* The one table: running, `?` and Tab all come from it. A new command is one row here. */
static const tui_command commands[] = {
    { "profile", NULL, CMD_ARG_PROFILE, "NAME", false,
      "switch to that profile's environment in place: the listing, cache, read-only setting "
      "and header follow; marks and filter are cleared", cmd_profile },
    { "conn", NULL, CMD_ARG_CONN, "NAME", false, "jump to a connection (any case)", cmd_conn },
    { "view", NULL, CMD_ARG_VIEW, "NAME", false, "jump to a saved view (all, attention...)",
      cmd_view },
    { "filter", NULL, CMD_ARG_TEXT, "TEXT", false,
      "filter as / does (state:expired conn:gmail); no TEXT clears it", cmd_filter },
    { "sort", NULL, CMD_ARG_SORT, "COLUMN", false,
      "sort by identifier, state, token-expiry, last-used or updated", cmd_sort },
    { "export", NULL, CMD_ARG_PATH, "PATH", true,
      "write the accounts shown as CSV (the columns of skdash list --format csv), mode 0600; "
      ":export! PATH overwrites a file", cmd_export },
    { "help", NULL, CMD_ARG_NONE, NULL, false, "the help (these commands included)", cmd_help },
    { "q", "quit", CMD_ARG_NONE, NULL, false, "quit", cmd_quit },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const tui_command *cmdbar_commands(size_t *n)
{
    *n = N_COMMANDS;
    return commands;
}

void cmdbar_help(help_emit_fn emit, void *ud)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const tui_command *c = &commands[i];
        char keys[64];
        if (c->alias)
            snprintf(keys, sizeof keys, ":%s, :%s", c->name, c->alias);
        else
            snprintf(keys, sizeof keys, ":%s%s%s%s", c->name, c->bang ? "[!]" : "",
                     c->args ? " " : "", c->args ? c->args : "");
        emit(ud, keys, c->help);
    }
}

/* ---------------------------------------------------------------- names the commands take */

/* The connections of the listing, by name (borrowed from the store). */
static const char **conn_names(const tui_app *a, size_t *n)
{
    size_t k = store_connection_count(a->store);
    const char **v = calloc(k ? k : 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; v && i < k; i++) {
        sk_conn_summary cs;
        store_connection(a->store, i, &cs);
        if (cs.name)
            v[(*n)++] = cs.name;
    }
    return v;
}

static void profile_cand(void *ud, const char *name)
{
    cands_add(ud, name);
}

static void config_path_of(const tui_app *a, char *buf, size_t n)
{
    if (a->cfg->config_path[0])
        snprintf(buf, n, "%s", a->cfg->config_path);
    else if (a->o.flags && a->o.flags->config_path)
        snprintf(buf, n, "%s", a->o.flags->config_path);
    else
        config_default_path(buf, n);
}

/* "~/x" as $HOME/x; anything else as typed. */
static void expand_home(const char *p, char *buf, size_t n)
{
    const char *home = getenv("HOME");
    if (p[0] == '~' && (p[1] == '/' || !p[1]) && home && *home)
        snprintf(buf, n, "%s%s", home, p + 1);
    else
        snprintf(buf, n, "%s", p);
}

/* Entries of the directory the typed path is in, as the path would be typed (a directory with
 * a '/' after it); hidden ones only when a '.' is typed. */
static void path_cands(const char *typed, cmdline_cands *c)
{
    const char *slash = strrchr(typed, '/');
    char dir[PATH_MAX], shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%.*s", slash ? (int)(slash - typed + 1) : 0, typed);
    expand_home(*shown ? shown : ".", dir, sizeof dir);
    const char *base = slash ? slash + 1 : typed;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && c->n < MAX_PATH_CANDS) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (e->d_name[0] == '.' && base[0] != '.'))
            continue;
        char full[PATH_MAX * 2], cand[PATH_MAX * 2];
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        struct stat sb;
        bool is_dir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
        snprintf(cand, sizeof cand, "%s%s%s", shown, e->d_name, is_dir ? "/" : "");
        cands_add(c, cand);
    }
    closedir(d);
}

/* What Tab offers for an argument of kind k (the typed word for paths). */
static void arg_cands(const tui_app *a, cmd_arg k, const char *typed, cmdline_cands *c)
{
    if (k == CMD_ARG_PROFILE) {
        char path[1024];
        config_path_of(a, path, sizeof path);
        config_profiles(path, profile_cand, c);
    } else if (k == CMD_ARG_CONN) {
        size_t n;
        const char **v = conn_names(a, &n);
        for (size_t i = 0; v && i < n; i++)
            cands_add(c, v[i]);
        free(v);
    } else if (k == CMD_ARG_VIEW) {
        size_t n;
        const sk_saved_view *v = saved_views(&n);
        for (size_t i = 0; i < n; i++)
            cands_add(c, v[i].key);
    } else if (k == CMD_ARG_SORT) {
        for (int s = 0; s < SK_SORT_COUNT; s++)
            cands_add(c, cmdline_sort_name((sk_sort_key)s));
    } else if (k == CMD_ARG_PATH) {
        path_cands(typed, c);
    } else if (k == CMD_ARG_TEXT) {
        static const char *const tokens[] = { "state:pending", "state:active", "state:expired",
            "state:revoked", "state:error", "conn:" };
        for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
            cands_add(c, tokens[i]);
    }
}

/* ---------------------------------------------------------------- the handlers */

/* Whether loading the profile would run its client_secret_command (the file's text read as
 * config_load would, with no command run): only then does curses step aside for it. */
static bool runs_secret_command(const tui_app *a, const char *name)
{
    if (getenv("SCALEKIT_CLIENT_SECRET") && *getenv("SCALEKIT_CLIENT_SECRET"))
        return false;
    char path[1024];
    config_path_of(a, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    sk_buf text;
    buf_init(&text);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < (1u << 20))
        buf_add(&text, chunk, got);
    explicit_bzero(chunk, sizeof chunk);
    fclose(f);
    sk_config tmp;
    bool cmd = false;
    sk_error err;
    if (config_parse_text(text.s ? text.s : "", text.len, name, &tmp, &cmd, &err) == SK_OK) {
        cmd = cmd && !tmp.client_secret;   /* a client_secret in the file comes first */
        config_free(&tmp);
    }
    if (text.s)
        explicit_bzero(text.s, text.cap);   /* it may hold a secret */
    buf_free(&text);
    return cmd;
}

/* A name the config file has no section for, said at once with the nearest one (as the
 * command line says it for commands); true when it was missing. A file with no sections at
 * all is left to config_load, whose message names the file. */
static bool profile_missing(tui_app *a, const char *name)
{
    char path[1024];
    config_path_of(a, path, sizeof path);
    cmdline_cands names;
    cands_init(&names);
    config_profiles(path, profile_cand, &names);
    bool found = names.n == 0;
    for (size_t i = 0; i < names.n && !found; i++)
        found = strcmp(names.v[i], name) == 0;
    if (!found) {
        const char *near = nearest_name(name, (const char *const *)names.v, names.n);
        if (near)
            data_set_error(a, "profile %s not switched to: no such profile: did you mean '%s'?",
                           name, near);
        else
            data_set_error(a, "profile %s not switched to: profile \"%s\" not found in %s",
                           name, name, path);
    }
    cands_free(&names);
    return !found;
}

static void cmd_profile(tui_app *a, const char *name, bool bang)
{
    (void)bang;
    if (!*name) {
        data_set_notice(a, "profile %s; :profile NAME switches (Tab lists them)", a->cfg->profile);
        return;
    }
    if (!a->o.flags) {
        data_set_error(a, "profiles cannot be switched here");
        return;
    }
    if (a->deletes_in_flight > 0) {
        /* Their outcome would be lost with the client that waits for it. */
        data_set_error(a, "profile not switched: %d delete%s still going; try again when done",
                       a->deletes_in_flight, a->deletes_in_flight == 1 ? " is" : "s are");
        return;
    }
    if (profile_missing(a, name))
        return;
    sk_config_flags fl = *a->o.flags;
    fl.profile = name;
    sk_config *next = calloc(1, sizeof *next);
    sk_error err;
    sk_error_clear(&err);
    /* A client_secret_command may ask for a passphrase on the terminal: curses steps aside
     * while it runs (never in script mode, which has no terminal). */
    bool aside = !tui_script_on() && !isendwin() && runs_secret_command(a, name);
    if (aside) {
        def_prog_mode();
        endwin();
    }
    sk_status st = next ? config_load(next, &fl, &err) : SK_ERR_NOMEM;
    if (aside) {
        reset_prog_mode();
        clearok(curscr, TRUE);
    }
    if (st != SK_OK) {
        /* The environment in use stays: the listing, rows and credentials are untouched. */
        data_set_error(a, "profile %s not switched to: %s", name,
                       next ? err.message : "out of memory");
        free(next);
        return;
    }
    if (!tui_env_switch(a, next, &err)) {
        data_set_error(a, "profile %s not switched to: %s", name, err.message);
        config_free(next);
        free(next);
        return;
    }
    /* Flags and the environment still come first, as at start: say so when they decided. */
    const char *src = a->cfg->url_source ? a->cfg->url_source : "";
    const char *over = strcmp(src, "environment") == 0 ? " (the URL is SCALEKIT_ENVIRONMENT_URL's)"
                     : strcmp(src, "flag") == 0 ? " (the URL is --environment-url's)" : "";
    data_set_notice(a, "profile %s: %s%s%s", a->cfg->profile, a->host,
                    a->read_only ? " (read-only)" : "", over);
}

static void cmd_conn(tui_app *a, const char *name, bool bang)
{
    (void)bang;
    if (!*name) {
        data_set_error(a, ":conn needs a connection's name (Tab lists them)");
        return;
    }
    size_t n, nv;
    const char **v = conn_names(a, &n);
    saved_views(&nv);
    size_t found = (size_t)-1;
    for (size_t i = 0; v && i < n && found == (size_t)-1; i++)
        if (strcmp(v[i], name) == 0)
            found = i;
    for (size_t i = 0; v && i < n && found == (size_t)-1; i++)
        if (strcasecmp(v[i], name) == 0)
            found = i;
    if (found == (size_t)-1) {
        const char *near = v ? nearest_name(name, v, n) : NULL;
        if (near)
            data_set_error(a, "no connection '%s': did you mean '%s'?", name, near);
        else
            data_set_error(a, "no connection '%s'%s", name,
                           a->listing && !a->listing_over ? " (still loading)" : "");
        free(v);
        return;
    }
    /* The connection's row of the pane: the saved views come first. */
    size_t idx = store_connection_find(a->store, v[found]);
    free(v);
    a->conn_cur = nv + (idx != (size_t)-1 ? idx : found);
    a->focus = PANE_TABLE;
    data_spec_rebuild(a);
}

static void cmd_view(tui_app *a, const char *name, bool bang)
{
    (void)bang;
    size_t n;
    const sk_saved_view *v = saved_views(&n);
    const char *keys[TUI_MAX_SAVED];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(v[i].key, name) == 0 || strcasecmp(v[i].label, name) == 0) {
            a->conn_cur = i;
            a->focus = PANE_TABLE;
            data_spec_rebuild(a);
            return;
        }
        if (k < TUI_MAX_SAVED)
            keys[k++] = v[i].key;
    }
    const char *near = nearest_name(name, keys, k);
    char all[160] = "";
    for (size_t i = 0; i < k; i++)
        snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "", keys[i]);
    if (!*name)
        data_set_error(a, ":view needs a saved view: %s", all);
    else if (near)
        data_set_error(a, "no saved view '%s': did you mean '%s'?", name, near);
    else
        data_set_error(a, "no saved view '%s' (%s)", name, all);
}

static void cmd_filter(tui_app *a, const char *text, bool bang)
{
    (void)bang;
    if (strlen(text) >= sizeof a->filter) {
        data_set_error(a, "the filter is longer than %zu bytes", sizeof a->filter - 1);
        return;
    }
    snprintf(a->filter, sizeof a->filter, "%s", text);
    a->error[0] = '\0';
    data_spec_rebuild(a);
    /* Read as '/' reads it: a token that cannot be read is flagged on the filter line, which
     * stays open with the reason until it is mended or cleared (nothing of it applies). */
    a->filtering = a->filter_bad;
}

static void cmd_sort(tui_app *a, const char *col, bool bang)
{
    (void)bang;
    sk_sort_key k;
    if (cmdline_sort_parse(col, &k)) {
        a->spec.sort = k;
        a->spec.reverse = false;
        a->view_dirty = true;
        data_set_notice(a, "sorted by %s", sort_key_name(k));
        return;
    }
    const char *names[SK_SORT_COUNT];
    for (int s = 0; s < SK_SORT_COUNT; s++)
        names[s] = cmdline_sort_name((sk_sort_key)s);
    const char *near = nearest_name(col, names, SK_SORT_COUNT);
    if (near)
        data_set_error(a, "no sort column '%s': did you mean '%s'?", col, near);
    else
        data_set_error(a, "no sort column '%s' (identifier, state, token-expiry, last-used, "
                       "updated)", col);
}

static bool write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* The accounts shown, in the order shown, as `skdash list --format csv` writes them (csv.h);
 * false on out-of-memory. *n: how many. */
static bool export_text(tui_app *a, sk_buf *b, size_t *n)
{
    if (a->view_dirty)
        data_view_update(a);
    bool ok = csv_account_header(b);
    *n = 0;
    for (size_t i = 0; ok && i < a->view.n; i++) {
        if (!store_row_live(a->store, a->view.rows[i]))
            continue;
        sk_account acc;
        store_get(a->store, a->view.rows[i], &acc);
        ok = csv_account_row(b, &acc);
        (*n)++;
    }
    return ok;
}

/* Writes b to path, mode 0600: a new file, or (bang) an existing regular one replaced. NULL
 * when done, else why not; *exists when the file was there and bang was not given. Never
 * follows a symbolic link; O_NONBLOCK: a FIFO with no reader fails at once instead of hanging
 * the dashboard. */
static const char *export_write(const char *path, bool bang, const sk_buf *b, bool *exists)
{
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (bang ? 0 : O_EXCL);
    int fd = open(path, flags, 0600);
    *exists = fd < 0 && errno == EEXIST;
    if (fd < 0)
        return strerror(errno);
    struct stat sb;
    const char *why = NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        why = "not a regular file";
    else if (ftruncate(fd, 0) != 0 || fchmod(fd, 0600) != 0 || !write_all(fd, b->s, b->len))
        why = strerror(errno);
    if (close(fd) != 0 && !why)
        why = strerror(errno);
    return why;
}

/* An existing file is kept unless the command is :export! (as vim's :w and :w!). */
static void cmd_export(tui_app *a, const char *typed, bool bang)
{
    if (!*typed) {
        data_set_error(a, ":export needs a file name (:export accounts.csv)");
        return;
    }
    char path[PATH_MAX];
    expand_home(typed, path, sizeof path);
    sk_buf b;
    buf_init(&b);
    size_t n;
    if (!export_text(a, &b, &n)) {
        buf_free(&b);
        data_set_error(a, "export: out of memory");
        return;
    }
    bool exists;
    const char *why = export_write(path, bang, &b, &exists);
    buf_free(&b);
    if (exists)
        data_set_error(a, "%s exists: :export! %s overwrites it", typed, typed);
    else if (why)
        data_set_error(a, "export to %s failed: %s", typed, why);
    else
        data_set_notice(a, "exported %zu account%s to %s%s", n, n == 1 ? "" : "s", typed,
                        a->listing && !a->listing_over ? " (the listing is still loading)"
                        : a->from_cache ? " (rows from the cache)" : "");
}

static void cmd_help(tui_app *a, const char *arg, bool bang)
{
    (void)arg;
    (void)bang;
    tui_help_open(a, CTX_CMDBAR);
}

static void cmd_quit(tui_app *a, const char *arg, bool bang)
{
    (void)arg;
    (void)bang;
    a->quit = true;
}

/* ---------------------------------------------------------------- the line */

/* $XDG_STATE_HOME/skdash/cmd_history (dir: its directory); "" when there is no such place. */
static void history_path(char *dir, size_t dn, char *buf, size_t n)
{
    if (!xdg_dir("XDG_STATE_HOME", ".local/state", dir, dn)) {
        dir[0] = buf[0] = '\0';
        return;
    }
    if (snprintf(buf, n, "%s/cmd_history", dir) >= (int)n)
        buf[0] = '\0';
}

void cmdbar_free(void)
{
    completion_reset(&cb.comp);
    history_free(&cb.hist);
    cb.hist_loaded = false;
}

void act_cmdbar(tui_app *a, int arg)
{
    (void)arg;
    if (!cb.hist_loaded) {
        char dir[900], path[1024];
        history_path(dir, sizeof dir, path, sizeof path);
        history_load(&cb.hist, path);
        cb.hist_loaded = true;
    }
    cb.line[0] = '\0';
    cb.cur = 0;
    cb.shown = 0;
    completion_reset(&cb.comp);
    history_rewind(&cb.hist);
    tui_screen_push(a, &tui_cmdbar_screen);
}

static void line_changed(void)
{
    cb.shown = 0;
    history_rewind(&cb.hist);
}

void act_cmd_cancel(tui_app *a, int arg)
{
    (void)arg;
    tui_screen_close(a, &tui_cmdbar_screen);
}

void act_cmd_run(tui_app *a, int arg)
{
    (void)arg;
    char line[CMDLINE_MAX];
    snprintf(line, sizeof line, "%s", cb.line);
    tui_screen_close(a, &tui_cmdbar_screen);
    char name[64], rest[CMDLINE_MAX];
    bool bang;
    if (!cmdline_split(line, name, sizeof name, &bang, rest, sizeof rest))
        return;
    history_add(&cb.hist, line);
    char dir[900], path[1024];
    history_path(dir, sizeof dir, path, sizeof path);
    if (*path && xdg_mkdirs(dir))
        history_save(&cb.hist, path);   /* a history that cannot be kept is no error */
    const tui_command *c = cmdline_find(commands, N_COMMANDS, name);
    a->error[0] = '\0';
    a->notice[0] = '\0';
    if (!c) {
        const char *near = cmdline_nearest(commands, N_COMMANDS, name);
        if (near)
            data_set_error(a, "unknown command ':%s': did you mean ':%s'?", name, near);
        else
            data_set_error(a, "unknown command ':%s' (:help lists them)", name);
        return;
    }
    if (bang && !c->bang) {
        data_set_error(a, ":%s takes no '!'", c->name);
        return;
    }
    if (c->arg == CMD_ARG_NONE && *rest) {
        data_set_error(a, ":%s takes no argument", c->name);
        return;
    }
    c->run(a, rest, bang);
}

static size_t char_before(size_t i) { return text_char_prev(cb.line, i); }
static size_t char_after(size_t i) { return text_char_next(cb.line, i); }

/* Takes bytes [from, to) out of the line; the cursor goes to from. */
static void line_cut(size_t from, size_t to)
{
    memmove(cb.line + from, cb.line + to, strlen(cb.line + to) + 1);
    cb.cur = from;
}

/* Before the cursor, as readline does: what 0 one character, 1 the word (the blanks before it,
 * then up to the blank before it), 2 everything. */
void act_cmd_erase(tui_app *a, int what)
{
    size_t n = cb.cur;
    if (what == 2) {
        n = 0;
    } else if (what == 1) {
        while (n && cb.line[n - 1] == ' ')
            n--;
        while (n && cb.line[n - 1] != ' ')
            n--;
    } else {
        n = char_before(n);
    }
    line_cut(n, cb.cur);
    line_changed();
    a->dirty = true;
}

/* Delete / Ctrl-D: the character under the cursor. */
void act_cmd_delete(tui_app *a, int arg)
{
    (void)arg;
    line_cut(cb.cur, char_after(cb.cur));
    line_changed();
    a->dirty = true;
}

/* The cursor: -1 a character left, 1 right, -2 the start (Home, Ctrl-A), 2 the end (End,
 * Ctrl-E). */
void act_cmd_move(tui_app *a, int how)
{
    switch (how) {
    case -1: cb.cur = char_before(cb.cur); break;
    case 1: cb.cur = char_after(cb.cur); break;
    case -2: cb.cur = 0; break;
    default: cb.cur = strlen(cb.line); break;
    }
    a->dirty = true;
}

void act_cmd_history(tui_app *a, int dir)
{
    if (history_walk(&cb.hist, dir, cb.line, sizeof cb.line))
        cb.shown = 0;
    cb.cur = strlen(cb.line);
    a->dirty = true;
}

/* Where the word Tab completes starts: the command's name until a blank follows it, then its
 * whole argument (names may hold blanks); *cmd is then the command (NULL while its name is
 * being typed, or when it is none). */
static size_t word_at(const char *line, const tui_command **cmd)
{
    size_t i = 0;
    while (line[i] == ' ')
        i++;
    size_t w = i;
    while (line[i] && line[i] != ' ')
        i++;
    *cmd = NULL;
    if (!line[i])
        return w;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(i - w), line + w);
    size_t nl = strlen(name);
    if (nl > 1 && name[nl - 1] == '!')
        name[nl - 1] = '\0';
    *cmd = cmdline_find(commands, N_COMMANDS, name);
    while (line[i] == ' ')
        i++;
    return i;
}

static const char *name_suffix(const char *match, void *ud)
{
    (void)ud;
    const tui_command *c = cmdline_find(commands, N_COMMANDS, match);
    return c && c->arg != CMD_ARG_NONE ? " " : "";
}

void act_cmd_complete(tui_app *a, int dir)
{
    const tui_command *c;
    size_t at = word_at(cb.line, &c);
    bool on_name = !c && !cb.line[at + strcspn(cb.line + at, " ")];
    cmdline_cands all;
    cands_init(&all);
    if (on_name) {
        for (size_t i = 0; i < N_COMMANDS; i++) {
            cands_add(&all, commands[i].name);
            if (commands[i].alias)
                cands_add(&all, commands[i].alias);
        }
    } else if (c) {
        arg_cands(a, c->arg, cb.line + at, &all);
    }
    size_t got = completion_tab(&cb.comp, cb.line, sizeof cb.line, at, &all,
                                on_name ? name_suffix : NULL, NULL, dir);
    cands_free(&all);
    cb.cur = strlen(cb.line);   /* Tab completes the line's last word, and leaves the cursor after it */
    cb.shown = got > 1 ? got : 0;
    history_rewind(&cb.hist);
    if (!got)
        data_set_notice(a, "nothing to complete");
    a->dirty = true;
}

static bool cmdbar_text(tui_app *a, int rc, wint_t wc)
{
    if (rc != OK || wc < 32 || wc == 127 || !iswprint(wc))
        return true;   /* the bar takes every key: nothing leaks to the screen below */
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    size_t len = strlen(cb.line);
    if (n == (size_t)-1 || len + n + 1 > sizeof cb.line)
        return true;
    memmove(cb.line + cb.cur + n, cb.line + cb.cur, len - cb.cur + 1);   /* at the cursor */
    memcpy(cb.line + cb.cur, mb, n);
    cb.cur += n;
    line_changed();
    a->notice[0] = '\0';
    a->dirty = true;
    return true;
}

/* ---------------------------------------------------------------- drawing */

/* Above the bar: the matches of the last Tab (the one on the line highlighted), else how the
 * command being typed is used. Nothing: the overview's status line stays. */
static void draw_above(const tui_app *a, tui_line *l)
{
    long cur = completion_current(&cb.comp, cb.line);
    if (cb.shown > 1 && cb.comp.matches.n > 1) {
        line_add(l, ROLE_NORMAL, " ", -1, false);
        for (size_t i = 0; i < cb.comp.matches.n; i++) {
            const char *m = cb.comp.matches.v[i];
            if (l->cols + text_width(m) + 2 > a->cols - 10) {
                line_addf(l, ROLE_DIM, "+%zu more", cb.comp.matches.n - i);
                break;
            }
            line_add_raw(l, (long)i == cur ? ROLE_CURSOR : ROLE_NORMAL, m, -1, false);
            line_add(l, ROLE_NORMAL, "  ", -1, false);
        }
        screen_put(a->rows - 2, 0, l, a->cols, 0, ROLE_NORMAL);
        line_reset(l);
        return;
    }
    const tui_command *c;
    word_at(cb.line, &c);   /* the command, once its name is followed by a blank */
    if (!c)
        return;
    line_add(l, ROLE_KEY, " :", -1, false);
    line_add(l, ROLE_KEY, c->name, -1, false);
    if (c->args)
        line_addf(l, ROLE_KEY, " %s", c->args);
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    line_add(l, ROLE_DIM, c->help, -1, false);
    screen_put(a->rows - 2, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
}

static void cmdbar_draw(const tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    draw_above(a, &l);
    static const char keys[] = "Tab complete  Up/Down history  Enter run  Esc cancel";
    line_add(&l, ROLE_KEY, ":", -1, false);
    /* Before the cursor, the character under it (a blank at the end), the rest. */
    size_t after = char_after(cb.cur);
    char part[CMDLINE_MAX];
    snprintf(part, sizeof part, "%.*s", (int)cb.cur, cb.line);
    line_add_raw(&l, ROLE_NORMAL, part, -1, false);
    if (after > cb.cur) {
        snprintf(part, sizeof part, "%.*s", (int)(after - cb.cur), cb.line + cb.cur);
        line_add_raw(&l, ROLE_CURSOR, part, -1, false);
        line_add_raw(&l, ROLE_NORMAL, cb.line + after, -1, false);
    } else {
        line_add(&l, ROLE_CURSOR, " ", -1, false);
    }
    int kw = (int)strlen(keys);
    if (l.cols + kw + 3 <= a->cols) {
        line_pad_to(&l, ROLE_NORMAL, a->cols - kw - 1);
        line_add(&l, ROLE_DIM, keys, -1, false);
    }
    screen_put(a->rows - 1, 0, &l, a->cols, 0, ROLE_NORMAL);
    line_free(&l);
}

static void cmdbar_close(tui_app *a)
{
    (void)a;   /* the history stays for the next ':' (cmdbar_free lets go of it) */
    cb.line[0] = '\0';
    cb.cur = 0;
    cb.shown = 0;
    completion_reset(&cb.comp);
}

const tui_screen tui_cmdbar_screen = {
    .name = "command bar",
    .ctx = CTX_CMDBAR,
    .draw = cmdbar_draw,
    .text = cmdbar_text,
    .close = cmdbar_close,
    .overlay = true,
};
