/* xdg.c: where skdash keeps its files (the XDG base directories, with $HOME fallbacks) and
 * making those directories private (0700). */
#include "xdg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

bool xdg_dir(const char *xdg_env, const char *home_rel, char *buf, size_t n)
{
    const char *x = getenv(xdg_env), *home = getenv("HOME");
    int w;
    if (x && x[0] == '/')
        w = snprintf(buf, n, "%s/skdash", x);
    else if (home && home[0] == '/')
        w = snprintf(buf, n, "%s/%s/skdash", home, home_rel);
    else
        return false;
    return w > 0 && (size_t)w < n;
}

bool xdg_mkdirs(const char *dir)
{
    char path[4096];
    if (!dir || !dir[0] || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return false;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return false;
        *p = c;
        if (!c)
            return true;
    }
}
