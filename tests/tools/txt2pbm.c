/* txt2pbm.c: a QR code drawn as text (half blocks, or "##" pairs) turned back into a PBM image
 * so that a real decoder (zbarimg) can read what skdash printed. Test tool, not installed.
 *
 * usage: txt2pbm [--two-char] [--rect TOP,LEFT,HEIGHT,WIDTH] [--scale N] [--border N] [--p4]
 *   stdin    the text (SGR escapes are ignored)
 *   --rect   use only these character cells (0-based line and column, in characters);
 *            without it the longest run of lines made only of blocks and spaces is used
 *   --scale  pixels per module (default 8); --border: white modules around (default 4)
 *   --p4     binary PBM instead of the plain P1
 * Dark modules (█, the lit half of ▀/▄, "##") are black. Exit 1 when no code is found. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 4096
#define MAX_CHARS 2048

/* One line as code points, escapes removed. */
typedef struct line {
    uint32_t *cp;
    int n;
} line;

typedef struct grid {
    int w, h;
    unsigned char *dark;
} grid;

static uint32_t decode(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n == 1) {
        *p = s + 1;
        return c < 0x80 ? c : '?';
    }
    uint32_t v = c & (0x3F >> (n - 1));
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *p = s + 1;
            return '?';
        }
        v = (v << 6) | (s[k] & 0x3F);
    }
    *p = s + n;
    return v;
}

static void parse_line(const char *text, line *out)
{
    out->cp = calloc(MAX_CHARS, sizeof *out->cp);
    out->n = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && *p != '\n' && out->n < MAX_CHARS) {
        if (*p == '\033' && p[1] == '[') {          /* CSI ... final byte */
            p += 2;
            while (*p && !(*p >= 0x40 && *p <= 0x7E))
                p++;
            if (*p)
                p++;
            continue;
        }
        if (*p == '\r') {
            p++;
            continue;
        }
        out->cp[out->n++] = decode(&p);
    }
}

static bool is_block(uint32_t c, bool two)
{
    return two ? c == '#' : (c == 0x2588 || c == 0x2580 || c == 0x2584);
}

static bool block_line(const line *l, bool two)
{
    bool any = false;
    for (int i = 0; i < l->n; i++) {
        if (is_block(l->cp[i], two))
            any = true;
        else if (l->cp[i] != ' ')
            return false;
    }
    return any;
}

/* Longest run of lines made of blocks and spaces. */
static bool auto_rect(const line *ls, int nl, bool two, int *top, int *h)
{
    int best = 0, best_top = 0;
    for (int i = 0; i < nl;) {
        if (!block_line(&ls[i], two)) {
            i++;
            continue;
        }
        int j = i;
        while (j < nl && block_line(&ls[j], two))
            j++;
        if (j - i > best) {
            best = j - i;
            best_top = i;
        }
        i = j;
    }
    *top = best_top;
    *h = best;
    return best > 0;
}

static uint32_t cell_at(const line *l, int col)
{
    return col >= 0 && col < l->n ? l->cp[col] : ' ';
}

/* Text cells -> modules: a half-block cell is one column and two rows, a "##" pair one module. */
static grid to_grid(const line *ls, int top, int left, int h, int w, bool two)
{
    grid g;
    g.w = two ? w / 2 : w;
    g.h = two ? h : 2 * h;
    g.dark = calloc((size_t)(g.w > 0 ? g.w : 1) * (size_t)(g.h > 0 ? g.h : 1), 1);
    for (int r = 0; r < h; r++) {
        const line *l = &ls[top + r];
        for (int x = 0; x < g.w; x++) {
            if (two) {
                g.dark[r * g.w + x] = cell_at(l, left + 2 * x) == '#';
                continue;
            }
            uint32_t c = cell_at(l, left + x);
            g.dark[(2 * r) * g.w + x] = c == 0x2588 || c == 0x2580;
            g.dark[(2 * r + 1) * g.w + x] = c == 0x2588 || c == 0x2584;
        }
    }
    return g;
}

/* Crop to the dark modules' bounding box (the quiet zone comes back as the border). */
static bool crop(grid *g)
{
    int x0 = g->w, y0 = g->h, x1 = -1, y1 = -1;
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++)
            if (g->dark[y * g->w + x]) {
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
    if (x1 < 0)
        return false;
    int w = x1 - x0 + 1, h = y1 - y0 + 1;
    unsigned char *d = calloc((size_t)w * (size_t)h, 1);
    for (int y = 0; y < h; y++)
        memcpy(d + y * w, g->dark + (y0 + y) * g->w + x0, (size_t)w);
    free(g->dark);
    g->dark = d;
    g->w = w;
    g->h = h;
    return true;
}

static bool pixel(const grid *g, int border, int scale, int px, int py)
{
    int mx = px / scale - border, my = py / scale - border;
    return mx >= 0 && my >= 0 && mx < g->w && my < g->h && g->dark[my * g->w + mx];
}

static void write_pbm(const grid *g, int border, int scale, bool p4)
{
    int W = (g->w + 2 * border) * scale, H = (g->h + 2 * border) * scale;
    printf("%s\n%d %d\n", p4 ? "P4" : "P1", W, H);
    for (int y = 0; y < H; y++) {
        if (p4) {
            unsigned char byte = 0;
            for (int x = 0; x < W; x++) {
                byte = (unsigned char)(byte << 1 | pixel(g, border, scale, x, y));
                if (x % 8 == 7 || x == W - 1) {
                    byte = (unsigned char)(byte << (7 - x % 8));
                    putchar(byte);
                    byte = 0;
                }
            }
        } else {
            for (int x = 0; x < W; x++)
                putchar(pixel(g, border, scale, x, y) ? '1' : '0');
            putchar('\n');
        }
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: txt2pbm [--two-char] [--rect TOP,LEFT,HEIGHT,WIDTH] [--scale N] "
                    "[--border N] [--p4] < text > image.pbm\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool two = false, p4 = false, have_rect = false;
    int scale = 8, border = 4, top = 0, left = 0, h = 0, w = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--two-char") == 0) two = true;
        else if (strcmp(argv[i], "--p4") == 0) p4 = true;
        else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) scale = atoi(argv[++i]);
        else if (strcmp(argv[i], "--border") == 0 && i + 1 < argc) border = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rect") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%d,%d,%d,%d", &top, &left, &h, &w) != 4)
                return usage();
            have_rect = true;
        } else return usage();
    }
    if (scale < 1 || scale > 64 || border < 0 || border > 64)
        return usage();
    static line ls[MAX_LINES];
    int nl = 0;
    static char buf[65536];
    while (nl < MAX_LINES && fgets(buf, sizeof buf, stdin))
        parse_line(buf, &ls[nl++]);
    if (have_rect) {
        if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > nl) {
            fprintf(stderr, "txt2pbm: rectangle outside the text (%d lines)\n", nl);
            return 1;
        }
    } else {
        if (!auto_rect(ls, nl, two, &top, &h)) {
            fprintf(stderr, "txt2pbm: no block lines found\n");
            return 1;
        }
        for (int r = 0; r < h; r++)
            if (ls[top + r].n > w)
                w = ls[top + r].n;
    }
    grid g = to_grid(ls, top, left, h, w, two);
    if (!crop(&g)) {
        fprintf(stderr, "txt2pbm: no dark module in the region\n");
        return 1;
    }
    write_pbm(&g, border, scale, p4);
    free(g.dark);
    for (int i = 0; i < nl; i++)
        free(ls[i].cp);
    return 0;
}
