/* tui_cmdline.c: the command bar's line logic with no terminal (tui_cmdline.h): splitting,
 * finding a command, sort names, Tab completion and cycling, and the history file. */
#include "tui_cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nearest.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

bool cmdline_split(const char *line, char *name, size_t nn, bool *bang, char *arg, size_t an)
{
    const char *p = line ? line : "";
    while (blank(*p) || *p == ':')
        p++;
    const char *w = p;
    while (*p && !blank(*p))
        p++;
    size_t wl = (size_t)(p - w);
    *bang = wl > 1 && w[wl - 1] == '!';
    if (*bang)
        wl--;
    snprintf(name, nn, "%.*s", (int)wl, w);
    while (blank(*p))
        p++;
    size_t al = strlen(p);
    while (al && blank(p[al - 1]))
        al--;
    snprintf(arg, an, "%.*s", (int)al, p);
    return wl > 0;
}

const tui_command *cmdline_find(const tui_command *t, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcasecmp(t[i].name, name) == 0 || (t[i].alias && strcasecmp(t[i].alias, name) == 0))
            return &t[i];
    return NULL;
}

const char *cmdline_nearest(const tui_command *t, size_t n, const char *name)
{
    const char *names[64] = { 0 };
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 <= 64; i++) {
        names[k++] = t[i].name;
        if (t[i].alias)
            names[k++] = t[i].alias;
    }
    const char *near = nearest_name(name, names, k);
    /* An alias is as good as the name it stands for: say the name. */
    for (size_t i = 0; near && i < n; i++)
        if (t[i].alias && strcmp(near, t[i].alias) == 0 && nearest_distance(name, t[i].name) <=
            nearest_distance(name, t[i].alias))
            return t[i].name;
    return near;
}

/* ---------------------------------------------------------------- sort names */

static const char *const sort_names[SK_SORT_COUNT] = {
    [SK_SORT_IDENTIFIER] = "identifier", [SK_SORT_STATE] = "state",
    [SK_SORT_TOKEN_EXPIRY] = "token-expiry", [SK_SORT_LAST_USED] = "last-used",
    [SK_SORT_UPDATED] = "updated",
};

const char *cmdline_sort_name(sk_sort_key k)
{
    return (unsigned)k < SK_SORT_COUNT ? sort_names[k] : "";
}

bool cmdline_sort_parse(const char *s, sk_sort_key *out)
{
    char norm[32];
    size_t i = 0;
    for (; s && s[i] && i + 1 < sizeof norm; i++)
        norm[i] = s[i] == ' ' || s[i] == '_' ? '-' : s[i];
    norm[i] = '\0';
    for (int k = 0; k < SK_SORT_COUNT; k++) {
        if (strcasecmp(norm, sort_names[k]) == 0) {
            *out = (sk_sort_key)k;
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- candidates */

void cands_init(cmdline_cands *c)
{
    memset(c, 0, sizeof *c);
}

void cands_free(cmdline_cands *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    cands_init(c);
}

bool cands_add(cmdline_cands *c, const char *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i], s) == 0)
            return true;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return false;
        c->v = v;
        c->cap = cap;
    }
    if (!(c->v[c->n] = strdup(s)))
        return false;
    c->n++;
    return true;
}

/* ---------------------------------------------------------------- completion */

void completion_init(cmdline_completion *c)
{
    memset(c, 0, sizeof *c);
    c->idx = -1;
}

void completion_reset(cmdline_completion *c)
{
    cands_free(&c->matches);
    completion_init(c);
}

/* The word from word_start replaced by s (and suffix), cut to n bytes. */
static void put_word(char *line, size_t n, size_t word_start, const char *s, const char *suffix)
{
    if (word_start >= n)
        return;
    snprintf(line + word_start, n - word_start, "%s%s", s, suffix ? suffix : "");
}

/* Bytes both a and b begin with (any case, a's spelling kept). */
static size_t common_len(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && b[i] && (a[i] == b[i] || (strncasecmp(a + i, b + i, 1) == 0 &&
                                             (unsigned char)a[i] < 0x80)))
        i++;
    /* Never end inside a UTF-8 character. */
    while (i && ((unsigned char)a[i] & 0xC0) == 0x80)
        i--;
    return i;
}

long completion_current(const cmdline_completion *c, const char *line)
{
    return c->idx >= 0 && strcmp(c->left, line) == 0 ? c->idx : -1;
}

size_t completion_tab(cmdline_completion *c, char *line, size_t n, size_t word_start,
                      const cmdline_cands *all, const char *(*suffix)(const char *match, void *ud),
                      void *ud, int dir)
{
    size_t len = strlen(line);
    if (word_start > len)
        word_start = len;
    bool again = c->matches.n > 1 && strcmp(c->left, line) == 0 && c->word_start == word_start;
    if (again) {
        long m = (long)c->matches.n;
        c->idx = c->idx < 0 ? (dir < 0 ? m - 1 : 0) : ((c->idx + (dir < 0 ? -1 : 1)) % m + m) % m;
        put_word(line, n, word_start, c->matches.v[c->idx], NULL);
        snprintf(c->left, sizeof c->left, "%s", line);
        return c->matches.n;
    }
    completion_reset(c);
    c->word_start = word_start;
    const char *word = line + word_start;
    size_t wl = strlen(word);
    for (size_t i = 0; all && i < all->n; i++)
        if (strncasecmp(all->v[i], word, wl) == 0 && !cands_add(&c->matches, all->v[i]))
            break;
    size_t got = c->matches.n;
    if (got == 1) {
        char one[CMDLINE_MAX];
        snprintf(one, sizeof one, "%s", c->matches.v[0]);
        put_word(line, n, word_start, one, suffix ? suffix(one, ud) : NULL);
        completion_reset(c);
        return 1;
    }
    if (got > 1) {
        size_t lcp = strlen(c->matches.v[0]);
        for (size_t i = 1; i < got; i++) {
            size_t k = common_len(c->matches.v[0], c->matches.v[i]);
            if (k < lcp)
                lcp = k;
        }
        if (lcp > wl) {
            char pre[CMDLINE_MAX];
            snprintf(pre, sizeof pre, "%.*s", (int)lcp, c->matches.v[0]);
            put_word(line, n, word_start, pre, NULL);
        } else {
            c->idx = dir < 0 ? (long)got - 1 : 0;
            put_word(line, n, word_start, c->matches.v[c->idx], NULL);
        }
        snprintf(c->left, sizeof c->left, "%s", line);
    }
    return got;
}

/* ---------------------------------------------------------------- history */

void history_init(cmdline_history *h)
{
    memset(h, 0, sizeof *h);
}

void history_free(cmdline_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i]);
    history_init(h);
}

void history_rewind(cmdline_history *h)
{
    h->pos = h->n;
    h->draft[0] = '\0';
}

void history_add(cmdline_history *h, const char *line)
{
    if (!line || !*line || (h->n && strcmp(h->v[h->n - 1], line) == 0)) {
        history_rewind(h);
        return;
    }
    char *copy = strdup(line);
    if (copy) {
        if (h->n == CMDLINE_HISTORY) {
            free(h->v[0]);
            memmove(h->v, h->v + 1, (CMDLINE_HISTORY - 1) * sizeof h->v[0]);
            h->n--;
        }
        h->v[h->n++] = copy;
    }
    history_rewind(h);
}

bool history_walk(cmdline_history *h, int dir, char *line, size_t n)
{
    if (h->pos > h->n)
        h->pos = h->n;
    if (dir < 0) {
        if (h->pos == 0)
            return false;
        if (h->pos == h->n)
            snprintf(h->draft, sizeof h->draft, "%s", line);
        h->pos--;
        snprintf(line, n, "%s", h->v[h->pos]);
        return true;
    }
    if (h->pos >= h->n)
        return false;
    h->pos++;
    snprintf(line, n, "%s", h->pos == h->n ? h->draft : h->v[h->pos]);
    return true;
}

void history_load(cmdline_history *h, const char *path)
{
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
    struct stat sb;
    if (fd < 0)
        return;
    FILE *f = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? fdopen(fd, "r") : NULL;
    if (!f) {
        close(fd);
        return;
    }
    char line[CMDLINE_MAX + 2];
    bool rest = false;   /* the rest of a line too long to be a command typed here */
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        bool whole = l && line[l - 1] == '\n';
        bool skip = rest;
        rest = !whole;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        bool plain = whole && !skip;
        for (size_t i = 0; i < l && plain; i++)
            plain = (unsigned char)line[i] >= 0x20 && line[i] != 0x7f;
        if (plain)   /* a line too long or with control characters is no command typed here */
            history_add(h, line);
    }
    fclose(f);
}

bool history_save(const cmdline_history *h, const char *path)
{
    char tmp[1100];
    if (!path || snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return false;
    }
    for (size_t i = 0; i < h->n; i++)
        fprintf(f, "%s\n", h->v[i]);
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    return ok;
}
