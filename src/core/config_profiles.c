/* config_profiles.c: the profile names of a config file (its [sections]), for completion in
 * the shell and in the dashboard's command bar; nothing is resolved and no command is run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEEN 256

size_t config_profiles(const char *path, void (*emit)(void *ud, const char *name), void *ud)
{
    FILE *f = path && *path ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    char *seen[MAX_SEEN];
    size_t n = 0;
    char line[1024];
    while (fgets(line, sizeof line, f) && n < MAX_SEEN) {
        char *s = line;
        if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)   /* a byte order mark */
            s += 3;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '[')
            continue;
        char *end = strchr(s, ']');
        if (!end || end == s + 1)
            continue;
        *end = '\0';
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            s[--len] = '\0';
        bool dup = len == 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(seen[k], s) == 0;
        if (dup || !(seen[n] = strdup(s)))
            continue;
        n++;
        emit(ud, s);
    }
    fclose(f);
    for (size_t k = 0; k < n; k++)
        free(seen[k]);
    return n;
}
