/* nearest.h: "did you mean": the candidate nearest to a mistyped word, shared by the command
 * line (commands, flags, shells) and the dashboard's command bar (commands, connections). */
#ifndef NEAREST_H
#define NEAREST_H

#include <stddef.h>

/* Optimal string alignment distance, ASCII case folded (a swap of two neighbours counts one);
 * words longer than 63 bytes are never near anything (99). */
int nearest_distance(const char *a, const char *b);
/* The candidate nearest to typed, only when it is close: at most 1 edit for words of up to 4
 * letters, 2 beyond; NULL when none is, or when two different ones are equally near. NULL
 * entries of cands are skipped. */
const char *nearest_name(const char *typed, const char *const *cands, size_t n);

#endif
