/* replay_main.c: runs a fuzz target's LLVMFuzzerTestOneInput over files without libFuzzer,
 * so `make check` replays the corpus and crash reproducers in a gcc ASan/UBSan build.
 * Usage: replay_fuzz_x FILE|DIR...; prints "ok - replay NAME (N inputs)" on success. A crash
 * aborts through the sanitizer after the file's name was said on stderr. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feed one file, in a buffer of exactly its size so an over-read is caught. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *all = malloc(cap);
    size_t got;
    while (all && (got = fread(all + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *g = realloc(all, cap *= 2);
            if (!g) { free(all); all = NULL; }
            all = g;
        }
    }
    fclose(f);
    if (!all)
        return -1;
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) { free(all); return -1; }
    memcpy(exact, all, n);
    free(all);
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

/* Regular files of a directory, in name order (hidden files skipped). */
static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **g = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!g) { rc = -1; break; }
            names = g;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) { rc = -1; break; }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (rc == 0 && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (replay_file(names[i]) != 0) rc = -1;
            else (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (strncmp(name, "replay_", 7) == 0)
        name += 7;
    LLVMFuzzerInitialize(&argc, &argv);
    size_t count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            rc = 1;
        } else if (S_ISDIR(sb.st_mode)) {
            if (replay_dir(argv[i], &count) != 0) rc = 1;
        } else if (replay_file(argv[i]) != 0) {
            rc = 1;
        } else {
            count++;
        }
    }
    if (rc == 0 && count > 0)
        printf("ok - replay %s (%zu inputs)\n", name, count);
    else
        printf("not ok - replay %s (%zu inputs%s)\n", name, count, rc ? ", unreadable input" : "");
    return rc == 0 && count > 0 ? 0 : 1;
}
