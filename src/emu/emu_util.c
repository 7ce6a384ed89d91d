/* emu_util.c: skemu's small helpers (clocks, RFC 3339, base64, URL decoding, PRNG, hash map).
 * Kept free of HTTP so that tests and fuzzers can use them directly. */
#include "emu_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void *emu_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        /* skemu is a test tool: running out of memory is not worth limping on. */
        fputs("skemu: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *emu_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("skemu: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *emu_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *d = emu_xmalloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

double emu_now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double emu_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void emu_time_format(char *out, size_t outlen, int64_t t, uint32_t frac_ns, int digits)
{
    time_t tt = (time_t)t;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!gmtime_r(&tt, &tm)) tt = 0, gmtime_r(&tt, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    frac_ns %= 1000000000u;
    switch (digits) {
    case 3: snprintf(out, outlen, "%s.%03uZ", base, (unsigned)(frac_ns / 1000000u)); break;
    case 6: snprintf(out, outlen, "%s.%06uZ", base, (unsigned)(frac_ns / 1000u)); break;
    case 9: snprintf(out, outlen, "%s.%09uZ", base, (unsigned)frac_ns); break;
    default: snprintf(out, outlen, "%sZ", base); break;
    }
}

uint64_t emu_rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double emu_rand_unit(uint64_t *state)
{
    return (double)(emu_rand_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t emu_rand_below(uint64_t *state, uint64_t n)
{
    return n ? emu_rand_next(state) % n : 0;
}

void emu_rand_secure(unsigned char *buf, size_t n)
{
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        while (got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        close(fd);
    }
    if (got < n) {
        static uint64_t st;
        st ^= (uint64_t)(emu_now_real() * 1e9) ^ (uint64_t)getpid();
        for (; got < n; got++) buf[got] = (unsigned char)emu_rand_next(&st);
    }
}

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *emu_b64_encode(const unsigned char *in, size_t n, bool url_safe)
{
    const char *tab = url_safe ? b64_url : b64_std;
    char *out = emu_xmalloc(4 * ((n + 2) / 3) + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = tab[(v >> 6) & 63];
        else if (!url_safe) out[o++] = '=';
        if (i + 2 < n) out[o++] = tab[v & 63];
        else if (!url_safe) out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

unsigned char *emu_b64_decode(const char *in, size_t *outlen)
{
    size_t n = strlen(in);
    while (n > 0 && in[n - 1] == '=') n--;
    if (n % 4 == 1) return NULL;
    unsigned char *out = emu_xmalloc(n * 3 / 4 + 1);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(in[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *emu_url_decode(const char *in, size_t n, bool plus_space, size_t *outlen)
{
    char *out = emu_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
            out[o++] = (char)(hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
            i += 2;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (outlen) *outlen = o;
    return out;
}

void emu_query_parse(emu_query *q, const char *s, size_t n)
{
    q->items = NULL;
    q->n = 0;
    size_t cap = 0, i = 0;
    while (s && i < n) {
        size_t start = i;
        while (i < n && s[i] != '&') i++;
        size_t end = i++;
        if (end == start) continue;
        size_t eq = start;
        while (eq < end && s[eq] != '=') eq++;
        if (q->n == cap) {
            cap = cap ? cap * 2 : 8;
            q->items = emu_xrealloc(q->items, cap * sizeof *q->items);
        }
        emu_kv *kv = &q->items[q->n++];
        kv->key = emu_url_decode(s + start, eq - start, true, NULL);
        if (eq < end) kv->val = emu_url_decode(s + eq + 1, end - eq - 1, true, &kv->val_len);
        else kv->val = emu_url_decode("", 0, true, &kv->val_len);
    }
}

const char *emu_query_get(const emu_query *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->items[i].key, key) == 0) return q->items[i].val;
    return NULL;
}

size_t emu_query_count(const emu_query *q, const char *key)
{
    size_t c = 0;
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->items[i].key, key) == 0) c++;
    return c;
}

void emu_query_free(emu_query *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->items[i].key);
        free(q->items[i].val);
    }
    free(q->items);
    q->items = NULL;
    q->n = 0;
}

uint32_t emu_fnv1a(uint32_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (h == 0) h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

bool emu_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c == 0) return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* Reject overlong forms, surrogates and values past U+10FFFF. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

size_t emu_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool emu_contains_nocase(const char *hay, const char *needle)
{
    if (!hay || !needle) return false;
    if (!*needle) return true;
    for (; *hay; hay++) {
        size_t k = 0;
        while (needle[k] && hay[k] && lower(hay[k]) == lower(needle[k])) k++;
        if (!needle[k]) return true;
    }
    return false;
}

void emu_map_init(emu_map *m, size_t hint)
{
    size_t n = 64;
    while (n < hint * 2) n *= 2;
    m->slots = calloc(n, sizeof *m->slots);
    if (!m->slots) abort();
    m->nslots = n;
    m->count = 0;
}

static size_t map_slot(const emu_map *m, const char *key)
{
    return emu_fnv1a(0, key, strlen(key)) & (m->nslots - 1);
}

void *emu_map_get(const emu_map *m, const char *key)
{
    for (emu_map_entry *e = m->slots[map_slot(m, key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return e->val;
    return NULL;
}

/* Rebuilds the table with room for `hint` entries (slots for twice as many). */
static void map_rehash(emu_map *m, size_t hint)
{
    emu_map bigger;
    emu_map_init(&bigger, hint);
    for (size_t i = 0; i < m->nslots; i++) {
        emu_map_entry *e = m->slots[i];
        while (e) {
            emu_map_entry *next = e->next;
            size_t s = map_slot(&bigger, e->key);
            e->next = bigger.slots[s];
            bigger.slots[s] = e;
            e = next;
        }
    }
    free(m->slots);
    m->slots = bigger.slots;
    m->nslots = bigger.nslots;
}

static void map_grow(emu_map *m)
{
    map_rehash(m, m->nslots);
}

void emu_map_reserve(emu_map *m, size_t count)
{
    if (count > m->nslots) map_rehash(m, count);
}

void emu_map_put(emu_map *m, const char *key, void *val)
{
    size_t s = map_slot(m, key);
    for (emu_map_entry *e = m->slots[s]; e; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            e->val = val;
            return;
        }
    }
    emu_map_entry *e = emu_xmalloc(sizeof *e);
    e->key = emu_strdup(key);
    e->val = val;
    e->next = m->slots[s];
    m->slots[s] = e;
    if (++m->count > m->nslots) map_grow(m);
}

void *emu_map_remove(emu_map *m, const char *key)
{
    emu_map_entry **pp = &m->slots[map_slot(m, key)];
    for (; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0) {
            emu_map_entry *e = *pp;
            void *v = e->val;
            *pp = e->next;
            free(e->key);
            free(e);
            m->count--;
            return v;
        }
    }
    return NULL;
}

void emu_map_free(emu_map *m)
{
    for (size_t i = 0; m->slots && i < m->nslots; i++) {
        emu_map_entry *e = m->slots[i];
        while (e) {
            emu_map_entry *next = e->next;
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(m->slots);
    m->slots = NULL;
    m->nslots = m->count = 0;
}

void emu_buf_append(emu_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->data = emu_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}
