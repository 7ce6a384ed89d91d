/* emu_util.h: small helpers for skemu: clocks, RFC 3339, base64, URL decoding, a PRNG,
 * a string hash map and UTF-8 checks. Nothing here knows about HTTP or the API. */
#ifndef EMU_UTIL_H
#define EMU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall clock and monotonic clock, in seconds with fractions. */
double emu_now_real(void);
double emu_now_mono(void);

/* Formats t (Unix seconds) as RFC 3339 UTC with `digits` fractional digits (0, 3, 6 or 9);
 * frac_ns gives the fraction when t has none. out needs 40 bytes. */
void emu_time_format(char *out, size_t outlen, int64_t t, uint32_t frac_ns, int digits);

/* splitmix64: small, fast and deterministic; one state per stream. */
uint64_t emu_rand_next(uint64_t *state);
/* Uniform double in [0, 1). */
double emu_rand_unit(uint64_t *state);
/* Uniform integer in [0, n) (n > 0). */
uint64_t emu_rand_below(uint64_t *state, uint64_t n);
/* Fills buf with n unpredictable bytes (urandom, falling back to the clock). */
void emu_rand_secure(unsigned char *buf, size_t n);

/* Base64 (standard alphabet, padded). Results are malloc'd; decode returns NULL on bad input. */
char *emu_b64_encode(const unsigned char *in, size_t n, bool url_safe);
unsigned char *emu_b64_decode(const char *in, size_t *outlen);

/* Percent-decoding of one URL component; `plus_space` turns '+' into ' ' (query strings and
 * form bodies). Returns malloc'd text and its length (it may hold NUL bytes). */
char *emu_url_decode(const char *in, size_t n, bool plus_space, size_t *outlen);

/* Query string / form body as an ordered list of decoded pairs (repeated keys kept). */
typedef struct emu_kv {
    char *key;
    char *val;
    size_t val_len;
} emu_kv;
typedef struct emu_query {
    emu_kv *items;
    size_t n;
} emu_query;
void emu_query_parse(emu_query *q, const char *s, size_t n);
/* First value of key, or NULL. */
const char *emu_query_get(const emu_query *q, const char *key);
size_t emu_query_count(const emu_query *q, const char *key);
void emu_query_free(emu_query *q);

/* 32-bit FNV-1a, used for page-token filter hashes and the hash map. */
uint32_t emu_fnv1a(uint32_t h, const void *data, size_t n);

/* True when s (n bytes) is valid UTF-8 with no NUL byte. */
bool emu_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 text. */
size_t emu_utf8_len(const char *s);
/* ASCII case-insensitive substring test. */
bool emu_contains_nocase(const char *hay, const char *needle);

/* Chained hash map from string keys to pointers (keys are copied). */
typedef struct emu_map_entry {
    char *key;
    void *val;
    struct emu_map_entry *next;
} emu_map_entry;
typedef struct emu_map {
    emu_map_entry **slots;
    size_t nslots;
    size_t count;
} emu_map;
void emu_map_init(emu_map *m, size_t hint);
void *emu_map_get(const emu_map *m, const char *key);
void emu_map_put(emu_map *m, const char *key, void *val);
/* Room for count entries without a rebuild on the way (generated data: one rebuild, not 15). */
void emu_map_reserve(emu_map *m, size_t count);
void *emu_map_remove(emu_map *m, const char *key);
void emu_map_free(emu_map *m);

/* Dynamic byte buffer. */
typedef struct emu_buf {
    char *data;
    size_t len, cap;
} emu_buf;
void emu_buf_append(emu_buf *b, const void *data, size_t n);

char *emu_strdup(const char *s);
void *emu_xmalloc(size_t n);
void *emu_xrealloc(void *p, size_t n);

#endif
