/* h1.c: one HTTP/1.1 answer read from untrusted bytes (h1.h). A state machine fed whatever
 * the socket gave: head lines are gathered into a bounded buffer, body bytes are copied to the
 * caller's buffer as they come, never through the line buffer. */
#include "h1.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "mem.h"

enum {
    S_STATUS,      /* the status line */
    S_HEADER,      /* header lines up to the empty one */
    S_BODY,        /* Content-Length bytes */
    S_TO_CLOSE,    /* a body without a length: everything up to the close */
    S_CHUNK_SIZE,  /* a chunk's size line */
    S_CHUNK,       /* its data */
    S_CHUNK_END,   /* the line break after the data */
    S_TRAILER,     /* trailer lines after the last chunk, up to the empty one */
    S_DONE
};

#define RETRY_AFTER_CAP 86400L

void h1_init(h1_reader *h)
{
    memset(h, 0, offsetof(h1_reader, line));
    h->length = -1;
    h->why[0] = '\0';
}

static h1_result bad(h1_reader *h, const char *why)
{
    snprintf(h->why, sizeof h->why, "%s", why);
    return H1_BAD;
}

static bool is_tchar(unsigned char u)
{
    return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
           (u && strchr("!#$%&'*+-.^_`|~", u));
}

/* The value without the blanks around it (in place). */
static char *trim(char *v, size_t *len)
{
    size_t n = *len;
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    v[n] = '\0';
    *len = n;
    return v;
}

/* Does the comma-separated list hold tok (case-insensitive)? */
static bool list_has(const char *v, const char *tok)
{
    size_t t = strlen(tok);
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *end = e;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if ((size_t)(end - p) == t && strncasecmp(p, tok, t) == 0)
            return true;
        p = e;
    }
    return false;
}

static h1_result status_line(h1_reader *h, const char *l, size_t n)
{
    /* HTTP/1.x SP 3DIGIT [SP reason] */
    if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') || l[8] != ' ')
        return bad(h, "not an HTTP/1.x status line");
    for (int i = 9; i < 12; i++)
        if (l[i] < '0' || l[i] > '9')
            return bad(h, "not an HTTP/1.x status line");
    if (n > 12 && l[12] != ' ')
        return bad(h, "not an HTTP/1.x status line");
    h->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (h->status < 100)
        return bad(h, "not an HTTP/1.x status line");
    h->http10 = l[7] == '0';
    return H1_MORE;
}

static long retry_after(const char *v)
{
    if (*v >= '0' && *v <= '9') {
        long s = 0;
        for (; *v >= '0' && *v <= '9'; v++)
            if ((s = s * 10 + (*v - '0')) > RETRY_AFTER_CAP)
                s = RETRY_AFTER_CAP;
        return *v ? 0 : s;
    }
    time_t t = curl_getdate(v, NULL), now = time(NULL);
    if (t == (time_t)-1 || t <= now)
        return 0;
    return t - now > RETRY_AFTER_CAP ? RETRY_AFTER_CAP : (long)(t - now);
}

static h1_result header_line(h1_reader *h, char *l, size_t n)
{
    if (*l == ' ' || *l == '\t')
        return bad(h, "a header folded over lines");
    char *colon = memchr(l, ':', n);
    if (!colon || colon == l)
        return bad(h, "a header line without a name");
    for (char *p = l; p < colon; p++)
        if (!is_tchar((unsigned char)*p))
            return bad(h, "a header name with a byte no name may hold");
    size_t name_len = (size_t)(colon - l);
    size_t vlen = n - name_len - 1;
    char *v = trim(colon + 1, &vlen);
#define NAME_IS(s) (name_len == sizeof s - 1 && strncasecmp(l, s, sizeof s - 1) == 0)
    if (NAME_IS("content-length")) {
        if (!vlen || vlen > 18)
            return bad(h, "an invalid Content-Length");
        long long len = 0;
        for (size_t i = 0; i < vlen; i++) {
            if (v[i] < '0' || v[i] > '9')
                return bad(h, "an invalid Content-Length");
            len = len * 10 + (v[i] - '0');
        }
        if (h->length >= 0 && h->length != len)
            return bad(h, "two different Content-Length headers");
        h->length = len;
    } else if (NAME_IS("transfer-encoding")) {
        if (strcasecmp(v, "chunked") != 0)
            return bad(h, "a Transfer-Encoding other than chunked");
        h->chunked = true;
    } else if (NAME_IS("content-encoding")) {
        int e = !vlen || strcasecmp(v, "identity") == 0 ? H1_IDENTITY
              : strcasecmp(v, "gzip") == 0 || strcasecmp(v, "x-gzip") == 0 ? H1_GZIP
              : strcasecmp(v, "deflate") == 0 ? H1_DEFLATE : -1;
        if (e < 0)
            return bad(h, "a Content-Encoding other than the gzip or deflate asked for");
        if (h->encoding != H1_IDENTITY && e != H1_IDENTITY)
            return bad(h, "two Content-Encoding headers");
        if (e != H1_IDENTITY)
            h->encoding = (h1_encoding)e;
    } else if (NAME_IS("connection")) {
        if (list_has(v, "close"))
            h->close = true;
        if (list_has(v, "keep-alive"))
            h->keep_alive = true;
    } else if (NAME_IS("retry-after")) {
        h->retry_after_s = retry_after(v);
    }
#undef NAME_IS
    return H1_MORE;
}

/* The empty line after the headers: where the body starts and how it ends. */
static h1_result head_end(h1_reader *h, sk_buf *body, size_t body_max)
{
    if (h->status == 101)
        return bad(h, "a protocol switch (101) that was never asked for");
    if (h->status < 200) {
        /* An interim answer (100 Continue, 103 Early Hints): the real one follows. */
        size_t head = h->head, got = h->got;
        h1_init(h);
        h->head = head;
        h->got = got;
        return H1_MORE;
    }
    if (h->http10 && !h->keep_alive)
        h->close = true;
    if (h->chunked) {
        if (h->length >= 0)
            h->close = true;   /* RFC 9112 6.1: chunked wins, and the connection ends */
        h->length = -1;
        h->state = S_CHUNK_SIZE;
        return H1_MORE;
    }
    if (h->status == 204 || h->status == 304) {
        h->state = S_DONE;
        return H1_DONE;
    }
    if (h->length < 0) {
        h->close = true;
        h->state = S_TO_CLOSE;
        return H1_MORE;
    }
    if ((unsigned long long)h->length > body_max) {
        snprintf(h->why, sizeof h->why, "a body of %lld bytes", h->length);
        return H1_TOO_BIG;
    }
    if (h->length > 0 && !buf_reserve(body, (size_t)h->length))
        return H1_NOMEM;
    h->left = (unsigned long long)h->length;
    h->state = h->left ? S_BODY : S_DONE;
    return h->left ? H1_MORE : H1_DONE;
}

static h1_result chunk_size(h1_reader *h, const char *l, size_t n)
{
    unsigned long long size = 0;
    size_t i = 0;
    for (; i < n; i++) {
        char ch = l[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0)
            break;
        if (i >= 15)
            return bad(h, "a chunk size too long");
        size = size * 16 + (unsigned)d;
    }
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    if (!i || (i < n && l[i] != ';'))
        return bad(h, "an invalid chunk size");
    h->left = size;
    h->state = size ? S_CHUNK : S_TRAILER;
    return H1_MORE;
}

/* One whole line of the head (its line break taken off). */
static h1_result line_in(h1_reader *h, sk_buf *body, size_t body_max)
{
    char *l = h->line;
    size_t n = h->line_len;
    h->line_len = 0;
    if (memchr(l, '\0', n))
        return bad(h, "a NUL byte in the head");
    l[n] = '\0';
    switch (h->state) {
    case S_STATUS:
        if (status_line(h, l, n) != H1_MORE)
            return H1_BAD;
        h->state = S_HEADER;
        return H1_MORE;
    case S_HEADER:
        return n ? header_line(h, l, n) : head_end(h, body, body_max);
    case S_CHUNK_SIZE:
        return chunk_size(h, l, n);
    case S_CHUNK_END:
        if (n)
            return bad(h, "a chunk longer than its size");
        h->state = S_CHUNK_SIZE;
        return H1_MORE;
    case S_TRAILER:
        if (n)
            return H1_MORE;   /* trailer fields carry nothing the client reads */
        h->state = S_DONE;
        return H1_DONE;
    default:
        return bad(h, "internal state");
    }
}

static bool in_line_state(int s)
{
    return s == S_STATUS || s == S_HEADER || s == S_CHUNK_SIZE || s == S_CHUNK_END ||
           s == S_TRAILER;
}

h1_result h1_feed(h1_reader *h, const char *p, size_t n, sk_buf *body, size_t body_max,
                  size_t *used)
{
    size_t i = 0;
    h1_result res = H1_MORE;
    while (i < n && res == H1_MORE) {
        if (h->state == S_DONE) {
            res = H1_DONE;
            break;
        }
        if (in_line_state(h->state)) {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (p + i)) : n - i;
            bool heads = h->state == S_STATUS || h->state == S_HEADER || h->state == S_TRAILER;
            if (h->line_len + take >= H1_LINE_MAX ||
                (heads && h->head + take + 1 > H1_HEAD_MAX)) {
                res = bad(h, heads ? "a head too long" : "a chunk size line too long");
                break;
            }
            memcpy(h->line + h->line_len, p + i, take);
            h->line_len += take;
            if (heads)
                h->head += take + (nl ? 1 : 0);
            i += take + (nl ? 1 : 0);
            if (!nl)
                break;
            if (h->line_len && h->line[h->line_len - 1] == '\r')
                h->line_len--;
            res = line_in(h, body, body_max);
            continue;
        }
        size_t avail = n - i;
        size_t take = h->state == S_TO_CLOSE || h->left > avail ? avail : (size_t)h->left;
        if (body->len + take > body_max) {
            snprintf(h->why, sizeof h->why, "a body over %zu bytes", body_max);
            res = H1_TOO_BIG;
            break;
        }
        if (!buf_add(body, p + i, take)) {
            res = H1_NOMEM;
            break;
        }
        i += take;
        if (h->state == S_TO_CLOSE)
            continue;
        h->left -= take;
        if (h->left)
            continue;
        if (h->state == S_BODY) {
            h->state = S_DONE;
            res = H1_DONE;
        } else {
            h->state = S_CHUNK_END;
        }
    }
    if (res == H1_MORE && h->state == S_DONE)
        res = H1_DONE;
    h->got += i;
    *used = i;
    return res;
}

h1_result h1_eof(h1_reader *h, const sk_buf *body)
{
    if (h->state == S_DONE || h->state == S_TO_CLOSE) {
        h->state = S_DONE;
        return H1_DONE;
    }
    if (!h->got) {
        snprintf(h->why, sizeof h->why, "Empty reply from server");
        return H1_EMPTY;
    }
    if (h->state == S_BODY)
        snprintf(h->why, sizeof h->why, "transfer closed with %llu bytes remaining to read",
                 h->left);
    else if (h->state == S_STATUS || h->state == S_HEADER)
        snprintf(h->why, sizeof h->why, "the connection closed inside the answer's head");
    else
        snprintf(h->why, sizeof h->why, "transfer closed with outstanding read data remaining "
                 "(%zu bytes of chunks read)", body->len);
    return H1_PARTIAL;
}

/* One inflate of the whole body: zlib (raw deflate when raw), or gzip. */
static h1_result inflate_all(h1_reader *h, const sk_buf *in, sk_buf *out, size_t body_max,
                             int wbits, bool *data_error)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    *data_error = false;
    if (inflateInit2(&z, wbits) != Z_OK)
        return H1_NOMEM;
    z.next_in = (Bytef *)in->s;
    z.avail_in = (uInt)in->len;
    int rc = Z_OK;
    h1_result res = H1_DONE;
    while (rc == Z_OK) {
        size_t want = out->len < 16384 ? 16384 : out->len;   /* doubling */
        if (out->len + want > body_max + 1)
            want = body_max + 1 - out->len;
        if (!want) {
            snprintf(h->why, sizeof h->why, "a body that decodes to more than %zu bytes",
                     body_max);
            res = H1_TOO_BIG;
            break;
        }
        if (!buf_reserve(out, want)) {
            res = H1_NOMEM;
            break;
        }
        z.next_out = (Bytef *)out->s + out->len;
        z.avail_out = (uInt)want;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len += want - z.avail_out;
        out->s[out->len] = '\0';
    }
    if (res == H1_DONE && rc != Z_STREAM_END) {
        *data_error = rc == Z_DATA_ERROR;
        snprintf(h->why, sizeof h->why, "Error while processing content unencoding: %s",
                 rc == Z_BUF_ERROR ? "the encoded body ends early" : z.msg ? z.msg : "zlib error");
        res = H1_BAD;
    }
    if (res == H1_DONE && out->len > body_max) {
        snprintf(h->why, sizeof h->why, "a body that decodes to more than %zu bytes", body_max);
        res = H1_TOO_BIG;
    }
    inflateEnd(&z);
    return res;
}

h1_result h1_decode(h1_reader *h, sk_buf *body, size_t body_max)
{
    if (h->encoding == H1_IDENTITY)
        return H1_DONE;
    if (body->len > (size_t)0x7fffffff)
        return bad(h, "an encoded body too large to decode");
    /* "deflate" is zlib's format by the RFC; some servers send raw deflate, as curl accepts. */
    sk_buf out;
    h1_result res = H1_BAD;
    for (int raw = 0; raw < 2; raw++) {
        bool data_error = false;
        buf_init(&out);
        res = inflate_all(h, body, &out, body_max,
                          h->encoding == H1_GZIP ? 16 + MAX_WBITS : raw ? -MAX_WBITS : MAX_WBITS,
                          &data_error);
        if (res == H1_DONE)
            break;
        if (out.s)
            mem_wipe(out.s, out.cap);
        buf_free(&out);
        if (h->encoding == H1_GZIP || !data_error)
            return res;
    }
    if (res != H1_DONE)
        return res;
    if (body->s)
        mem_wipe(body->s, body->cap);
    buf_free(body);
    *body = out;
    return H1_DONE;
}
