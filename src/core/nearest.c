/* nearest.c: the nearest name to a mistyped word (optimal string alignment distance), for
 * every "did you mean" of the command line and the dashboard. */
#include "nearest.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Optimal string alignment distance, ASCII case folded; words longer than 63 bytes are
 * never near anything (a flag name is short). */
int nearest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int v = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *nearest_name(const char *typed, const char *const *cands, size_t n)
{
    if (!typed || !*typed)
        return NULL;
    size_t len = strlen(typed);
    int limit = len <= 4 ? 1 : 2, best = 99;
    const char *found = NULL;
    bool tie = false;
    for (size_t k = 0; k < n; k++) {
        if (!cands[k])
            continue;
        int d = nearest_distance(typed, cands[k]);
        if (d < best) {
            best = d;
            found = cands[k];
            tie = false;
        } else if (d == best && found && strcmp(found, cands[k]) != 0) {
            tie = true;
        }
    }
    return found && best <= limit && !tie ? found : NULL;
}
