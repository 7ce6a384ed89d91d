/* xdg.h: where skdash keeps its files (cache, journal, debug log): the XDG base directories
 * with their $HOME fallbacks, created private to the user. */
#ifndef XDG_H
#define XDG_H

#include <stdbool.h>
#include <stddef.h>

/* skdash's own directory for one XDG kind: "$<xdg_env>/skdash" when that variable is an absolute
 * path (a relative value is ignored, as the XDG spec says), else "$HOME/<home_rel>/skdash"
 * (e.g. xdg_dir("XDG_STATE_HOME", ".local/state", ...)). False when neither gives an absolute
 * path or buf is too small. */
bool xdg_dir(const char *xdg_env, const char *home_rel, char *buf, size_t n);
/* mkdir -p: every missing directory of `dir` is created with mode 0700.
 * False (errno set) when one cannot be made. */
bool xdg_mkdirs(const char *dir);

#endif
