/* tui_script.c: script mode (SKDASH_SCRIPT=FILE), the dashboard run with no terminal: curses
 * draws into its own virtual screen, keys come from the script, screens are dumped as text.
 *
 * In the manner of tig's TIG_SCRIPT: the drawing code is the real one, untouched; only where
 * the keys come from and where the bytes go change. One step per line (blank lines and lines
 * starting with '#' are skipped):
 *
 *   :size WxH     the window is W columns by H rows (resizeterm, then a KEY_RESIZE as a real
 *                 resize gives); a leading one sets the first size, 80x24 without one
 *   :wait         until no request is pending, no listing is going on and the screen is drawn
 *   :dump NAME    writes the screen as text to $SKDASH_SCRIPT_DUMP_DIR/NAME (default: the
 *                 current directory): every row, trailing blanks trimmed, UTF-8
 *   :attrs NAME   writes how each cell looks, one character per cell: '.' plain, letters for
 *                 the looks in order of first appearance, named after the rows by colour role
 *                 and added attributes ("a cursor", "b normal+reverse"); trailing '.' trimmed
 *   :quit         ends the dashboard (as the end of the script does)
 *   KEYS...       keys, one per turn of the loop, separated by blanks: a single character
 *                 (j, /, ?), a name (Enter Esc Tab Space Backspace Up Down Left Right PgUp PgDn
 *                 Home End Shift-Tab Delete F1..F12 Ctrl-A..Ctrl-Z), or "text" in double quotes
 *                 typed one character at a time (\" and \\ inside)
 *
 * :wait and :dump give up after $SKDASH_SCRIPT_TIMEOUT_MS (default 10000): the dashboard ends
 * with exit code 1 and says on which line. Nothing here touches the real terminal. */
#include "tui_script.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui_app.h"
#include "tui_theme.h"

#define KEY_ESC 27
#define SCRIPT_TIMEOUT_MS 10000

typedef enum { STEP_SIZE, STEP_WAIT, STEP_DUMP, STEP_ATTRS, STEP_QUIT, STEP_KEY } step_kind;

typedef struct script_step {
    step_kind kind;
    int line;
    int rows, cols;    /* STEP_SIZE */
    char *name;        /* STEP_DUMP, STEP_ATTRS */
    int rc;            /* STEP_KEY: OK or KEY_CODE_YES, as get_wch() says */
    wint_t wc;
} script_step;

static struct {
    bool checked, on;
    script_step *steps;
    size_t n, cap, next;
    bool gave_key;         /* a key went out this turn: the next one waits for the redraw */
    bool settled;          /* a :wait saw the dashboard idle and asked for one more redraw */
    long long since_ms;    /* when the current :wait or :dump began waiting, 0 = not yet */
    long long timeout_ms;
    int ready_fd;          /* /dev/null: always readable */
    int idle_pipe[2];      /* never written: never readable */
    int null_out;
    FILE *term_out, *term_in;
    const char *path;
} sc = { .ready_fd = -1, .idle_pipe = { -1, -1 }, .null_out = -1 };

bool tui_script_on(void)
{
    if (!sc.checked) {
        const char *p = getenv("SKDASH_SCRIPT");
        sc.on = p && *p;
        sc.path = p;
        sc.checked = true;
    }
    return sc.on;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- reading the script */

static script_step *step_add(step_kind kind, int line)
{
    if (sc.n == sc.cap) {
        size_t cap = sc.cap ? sc.cap * 2 : 64;
        script_step *s = realloc(sc.steps, cap * sizeof *s);
        if (!s)
            return NULL;
        sc.steps = s;
        sc.cap = cap;
    }
    script_step *s = &sc.steps[sc.n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->line = line;
    return s;
}

static bool key_add(int line, int rc, wint_t wc)
{
    script_step *s = step_add(STEP_KEY, line);
    if (!s)
        return false;
    s->rc = rc;
    s->wc = wc;
    return true;
}

/* A key name as the help screen spells it; false when it is none. */
static bool key_named(const char *name, int *rc, wint_t *wc)
{
    static const struct { const char *name; int rc; int key; } names[] = {
        { "Enter", OK, '\r' }, { "Esc", OK, KEY_ESC }, { "Tab", OK, '\t' }, { "Space", OK, ' ' },
        { "Backspace", KEY_CODE_YES, KEY_BACKSPACE }, { "Up", KEY_CODE_YES, KEY_UP },
        { "Down", KEY_CODE_YES, KEY_DOWN }, { "Left", KEY_CODE_YES, KEY_LEFT },
        { "Right", KEY_CODE_YES, KEY_RIGHT }, { "PgUp", KEY_CODE_YES, KEY_PPAGE },
        { "PgDn", KEY_CODE_YES, KEY_NPAGE }, { "Home", KEY_CODE_YES, KEY_HOME },
        { "End", KEY_CODE_YES, KEY_END }, { "Shift-Tab", KEY_CODE_YES, KEY_BTAB },
        { "Delete", KEY_CODE_YES, KEY_DC },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *rc = names[i].rc;
            *wc = (wint_t)names[i].key;
            return true;
        }
    }
    if (strncmp(name, "Ctrl-", 5) == 0 && name[5] && !name[6] &&
        ((name[5] >= 'A' && name[5] <= 'Z') || (name[5] >= 'a' && name[5] <= 'z'))) {
        *rc = OK;
        *wc = (wint_t)(name[5] & 0x1f);
        return true;
    }
    char *end;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        long n = strtol(name + 1, &end, 10);
        if (!*end && n >= 1 && n <= 12) {
            *rc = KEY_CODE_YES;
            *wc = (wint_t)KEY_F(n);
            return true;
        }
    }
    return false;
}

/* One character of UTF-8 at *p (advanced past it); false on a bad sequence. */
static bool char_next(const char **p, wint_t *wc)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t w;
    size_t n = mbrtowc(&w, *p, strlen(*p), &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
        return false;
    *p += n;
    *wc = (wint_t)w;
    return true;
}

static bool script_fail(int line, const char *what, const char *text)
{
    fprintf(stderr, "skdash: script %s line %d: %s '%s'\n", sc.path, line, what, text);
    return false;
}

/* "text" at *p: each character a key; *p is left after the closing quote. */
static bool parse_text(const char **p, int line)
{
    const char *s = *p + 1;
    while (*s && *s != '"') {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        wint_t wc;
        if (!char_next(&s, &wc))
            return script_fail(line, "not UTF-8 in", *p);
        if (!key_add(line, OK, wc))
            return false;
    }
    if (*s != '"')
        return script_fail(line, "no closing quote in", *p);
    *p = s + 1;
    return true;
}

static bool parse_keys(const char *text, int line)
{
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return true;
        if (*p == '"') {
            if (!parse_text(&p, line))
                return false;
            continue;
        }
        char tok[64];
        size_t n = strcspn(p, " \t");
        if (n >= sizeof tok)
            return script_fail(line, "unknown key", p);
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;
        int rc;
        wint_t wc;
        const char *c = tok;
        if (key_named(tok, &rc, &wc) || (char_next(&c, &wc) && !*c && (rc = OK, true))) {
            if (!key_add(line, rc, wc))
                return false;
        } else {
            return script_fail(line, "unknown key", tok);
        }
    }
}

/* A dump's name stays inside the dump directory. */
static bool name_ok(const char *s)
{
    if (!*s || *s == '.')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static bool parse_command(char *text, int line)
{
    char *arg = text + strcspn(text, " \t");
    if (*arg)
        *arg++ = '\0';
    arg += strspn(arg, " \t");
    if (strcmp(text, ":size") == 0) {
        int cols, rows;
        char extra;
        if (sscanf(arg, "%dx%d%c", &cols, &rows, &extra) != 2 || cols < 1 || rows < 1 ||
            cols > 1000 || rows > 1000)
            return script_fail(line, "wants :size COLSxROWS, not", arg);
        script_step *s = step_add(STEP_SIZE, line);
        if (!s)
            return false;
        s->cols = cols;
        s->rows = rows;
        return true;
    }
    if (strcmp(text, ":dump") == 0 || strcmp(text, ":attrs") == 0) {
        if (!name_ok(arg))
            return script_fail(line, "wants a NAME (letters, digits, - _ .), not", arg);
        script_step *s = step_add(text[1] == 'd' ? STEP_DUMP : STEP_ATTRS, line);
        return s && (s->name = strdup(arg)) != NULL;
    }
    if ((strcmp(text, ":wait") == 0 || strcmp(text, ":quit") == 0) && !*arg)
        return step_add(text[1] == 'w' ? STEP_WAIT : STEP_QUIT, line) != NULL;
    return script_fail(line, "unknown command", text);
}

static bool script_read(void)
{
    FILE *f = fopen(sc.path, "r");
    if (!f) {
        fprintf(stderr, "skdash: script %s: %s\n", sc.path, strerror(errno));
        return false;
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int line = 0;
    bool ok = true;
    while (ok && (len = getline(&buf, &cap, f)) >= 0) {
        line++;
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
            buf[--len] = '\0';
        char *s = buf + strspn(buf, " \t");
        if (!*s || *s == '#')
            continue;
        ok = *s == ':' ? parse_command(s, line) : parse_keys(s, line);
    }
    free(buf);
    fclose(f);
    return ok;
}

/* ---------------------------------------------------------------- the terminal */

bool tui_script_start(void)
{
    if (!tui_script_on() || !script_read())
        return false;
    const char *env = getenv("SKDASH_SCRIPT_TIMEOUT_MS");
    sc.timeout_ms = env && *env ? atoll(env) : SCRIPT_TIMEOUT_MS;
    if (sc.timeout_ms <= 0)
        sc.timeout_ms = SCRIPT_TIMEOUT_MS;
    sc.ready_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    sc.null_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (sc.ready_fd < 0 || sc.null_out < 0 || pipe(sc.idle_pipe) != 0) {
        fprintf(stderr, "skdash: script mode: %s\n", strerror(errno));
        return false;
    }
    sc.term_out = fopen("/dev/null", "w");
    sc.term_in = fopen("/dev/null", "r");
    if (!sc.term_out || !sc.term_in)
        return false;
    /* A terminfo entry every Debian system has (ncurses-base), whatever TERM says, so the
     * screens do not depend on the terminal the tests happen to run in. */
    const char *term = getenv("SKDASH_SCRIPT_TERM");
    const char *terms[] = { term && *term ? term : "xterm-256color", "xterm", "ansi" };
    SCREEN *scr = NULL;
    for (size_t i = 0; !scr && i < sizeof terms / sizeof terms[0]; i++)
        scr = newterm(terms[i], sc.term_out, sc.term_in);
    if (!scr) {
        fprintf(stderr, "skdash: script mode: no terminfo entry for xterm-256color\n");
        return false;
    }
    set_term(scr);
    /* The real terminal's resizes are not the script's. */
    signal(SIGWINCH, SIG_IGN);
    int rows = 24, cols = 80;
    if (sc.n && sc.steps[0].kind == STEP_SIZE) {
        rows = sc.steps[0].rows;
        cols = sc.steps[0].cols;
        sc.next = 1;
    }
    resizeterm(rows, cols);
    return true;
}

int tui_script_input_fd(int fd, bool busy)
{
    if (!tui_script_on())
        return fd;
    bool waiting = sc.next < sc.n && sc.steps[sc.next].kind == STEP_WAIT && busy;
    return waiting ? sc.idle_pipe[0] : sc.ready_fd;
}

int tui_script_output_fd(int fd)
{
    return tui_script_on() ? sc.null_out : fd;
}

/* ---------------------------------------------------------------- the steps */

static void put_utf8(FILE *f, const wchar_t *w, size_t n)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < n; i++) {
        size_t k = wcrtomb(mb, w[i], &st);
        if (k == (size_t)-1) {
            fputc('?', f);
            memset(&st, 0, sizeof st);
        } else {
            fwrite(mb, 1, k, f);
        }
    }
}

static FILE *dump_open(const char *name)
{
    const char *dir = getenv("SKDASH_SCRIPT_DUMP_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : ".", name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "skdash: script: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* The screen as curses holds it (stdscr is the only window the dashboard draws in): winnwstr
 * skips the second cell of a wide character, so each row reads as it looks. */
static bool dump_screen(const char *name)
{
    FILE *f = dump_open(name);
    if (!f)
        return false;
    int rows, cols, cy, cx;
    getmaxyx(stdscr, rows, cols);
    getyx(stdscr, cy, cx);
    size_t cap = (size_t)(cols > 0 ? cols : 1) * 4 + 1;
    wchar_t *w = malloc(cap * sizeof *w);
    for (int y = 0; w && y < rows; y++) {
        int n = mvwinnwstr(stdscr, y, 0, w, (int)cap - 1);
        size_t len = n > 0 ? wcslen(w) : 0;
        while (len > 0 && w[len - 1] == L' ')
            len--;
        put_utf8(f, w, len);
        fputc('\n', f);
    }
    wmove(stdscr, cy, cx);
    free(w);
    return fclose(f) == 0;
}

/* A cell's look in words: its colour role (the pair is the role's, tui_theme.c) and the
 * attributes added to the role's own (the cursor's reverse...). */
static void look_name(attr_t attrs, short pair, char *out, size_t n)
{
    const theme_entry *t = theme_table();
    attr_t base = 0;
    if (pair > 0 && pair <= ROLE_COUNT) {
        snprintf(out, n, "%s", t[pair - 1].name);
        base = (attr_t)t[pair - 1].color_attr;
    } else {
        snprintf(out, n, "%s", pair ? "pair?" : "normal");
    }
    static const struct { attr_t a; const char *name; } bits[] = {
        { A_REVERSE, "reverse" }, { A_BOLD, "bold" }, { A_UNDERLINE, "underline" },
        { A_DIM, "dim" }, { A_STANDOUT, "standout" }, { A_BLINK, "blink" },
        { A_ITALIC, "italic" }, { A_ALTCHARSET, "acs" }, { A_INVIS, "invisible" },
    };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        size_t len = strlen(out);
        if ((attrs & bits[i].a) && !(base & bits[i].a))
            snprintf(out + len, n - len, "+%s", bits[i].name);
        else if (!(attrs & bits[i].a) && (base & bits[i].a))
            snprintf(out + len, n - len, "-%s", bits[i].name);
    }
}

#define LOOKS_MAX 52

static bool dump_attrs(const char *name)
{
    FILE *f = dump_open(name);
    if (!f)
        return false;
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char looks[LOOKS_MAX][96];
    size_t n_looks = 0;
    int rows, cols, cy, cx;
    getmaxyx(stdscr, rows, cols);
    getyx(stdscr, cy, cx);
    char *row = malloc((size_t)(cols > 0 ? cols : 1) + 1);
    for (int y = 0; row && y < rows; y++) {
        int len = 0;
        for (int x = 0; x < cols; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs = 0;
            short pair = 0;
            char look[96];
            if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
                getcchar(&cc, wch, &attrs, &pair, NULL) == ERR) {
                attrs = 0;
                pair = 0;
            }
            look_name(attrs & (A_ATTRIBUTES & ~A_COLOR), pair, look, sizeof look);
            char c = '.';
            if (strcmp(look, "normal") != 0) {
                size_t i = 0;
                while (i < n_looks && strcmp(looks[i], look) != 0)
                    i++;
                if (i == n_looks && n_looks < LOOKS_MAX)
                    snprintf(looks[n_looks++], sizeof looks[0], "%s", look);
                c = i < LOOKS_MAX ? letters[i] : '?';
            }
            row[x] = c;
            if (c != '.')
                len = x + 1;
        }
        fprintf(f, "%.*s\n", len, row);
    }
    fputs("--\n", f);
    for (size_t i = 0; i < n_looks; i++)
        fprintf(f, "%c %s\n", letters[i], looks[i]);
    wmove(stdscr, cy, cx);
    free(row);
    return fclose(f) == 0;
}

static bool step_timed_out(tui_app *a, const script_step *s, const char *what)
{
    long long now = mono_ms();
    if (!sc.since_ms)
        sc.since_ms = now;
    if (now - sc.since_ms < sc.timeout_ms)
        return false;
    fprintf(stderr, "skdash: script %s line %d: still %s after %lld ms\n", sc.path, s->line,
            what, sc.timeout_ms);
    a->exit_code = 1;
    a->quit = true;
    return true;
}

int tui_script_get_wch(tui_app *a, bool busy, wint_t *wc)
{
    if (!tui_script_on())
        return get_wch(wc);
    if (sc.gave_key) {
        sc.gave_key = false;
        return ERR;
    }
    bool drawn = !a->dirty && !a->view_dirty;
    while (!a->quit) {
        if (sc.next >= sc.n) {
            a->quit = true;
            break;
        }
        script_step *s = &sc.steps[sc.next];
        switch (s->kind) {
        case STEP_SIZE:
            sc.next++;
            resizeterm(s->rows, s->cols);
            *wc = KEY_RESIZE;
            sc.gave_key = true;
            return KEY_CODE_YES;
        case STEP_WAIT:
            if (busy || !drawn) {
                sc.settled = false;
                step_timed_out(a, s, busy ? "busy" : "not drawn");
                return ERR;
            }
            if (!sc.settled) {
                /* Once more, drawn now that nothing is pending: what shows only while busy
                 * (the footer's "waiting for the server") goes with the busy state, whatever
                 * the last answer changed or not. */
                sc.settled = true;
                a->dirty = true;
                return ERR;
            }
            sc.settled = false;
            sc.since_ms = 0;
            sc.next++;
            break;
        case STEP_DUMP:
        case STEP_ATTRS:
            if (!drawn) {
                step_timed_out(a, s, "not drawn");
                return ERR;
            }
            sc.since_ms = 0;
            sc.next++;
            if (!(s->kind == STEP_DUMP ? dump_screen(s->name) : dump_attrs(s->name))) {
                a->exit_code = 1;
                a->quit = true;
            }
            break;
        case STEP_QUIT:
            sc.next++;
            a->quit = true;
            break;
        case STEP_KEY:
            sc.next++;
            *wc = s->wc;
            sc.gave_key = true;
            return s->rc;
        }
    }
    return ERR;
}
