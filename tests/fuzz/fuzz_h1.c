/* fuzz_h1.c: libFuzzer target for the page lane's answer reader (h1.c). The first byte picks
 * the size of the reads (1 to 256 bytes; 0: the input whole), as a socket would cut them; the
 * rest is what the server sent, then the connection closes. The same input read whole must
 * give the same outcome, status and body (decoded when gzip or deflate): where a read ends
 * never changes what is read. The body stays within its bound, decoded or not, and a reason is
 * one printable line. */
#include <string.h>

#include "buf.h"
#include "fuzz_common.h"
#include "h1.h"

#define BODY_MAX 4096

typedef struct {
    h1_result res;
    long status, retry_after_s;
    bool close;
    size_t used;
    sk_buf body;
} outcome;

static h1_reader reader;   /* 8 KB line buffer: not on the stack twice */

static void read_all(const uint8_t *p, size_t n, size_t step, outcome *o)
{
    h1_init(&reader);
    buf_init(&o->body);
    o->res = H1_MORE;
    o->used = 0;
    while (o->used < n && o->res == H1_MORE) {
        size_t take = step && n - o->used > step ? step : n - o->used, used = 0;
        o->res = h1_feed(&reader, (const char *)p + o->used, take, &o->body, BODY_MAX, &used);
        FUZZ_CHECK(used <= take);
        FUZZ_CHECK(o->res != H1_MORE || used == take);
        FUZZ_CHECK(o->body.len <= BODY_MAX);
        o->used += used;
    }
    if (o->res == H1_MORE) {
        o->res = h1_eof(&reader, &o->body);
        FUZZ_CHECK(o->res != H1_MORE);
    }
    FUZZ_CHECK(memchr(reader.why, '\0', sizeof reader.why) != NULL);
    if (o->res != H1_DONE) {
        for (const char *w = reader.why; *w; w++)
            FUZZ_CHECK((unsigned char)*w >= ' ' && (unsigned char)*w < 0x7f);
        FUZZ_CHECK(o->res == H1_NOMEM || reader.why[0]);
    } else {
        FUZZ_CHECK(reader.status >= 200 && reader.status <= 999);
        FUZZ_CHECK(reader.retry_after_s >= 0 && reader.retry_after_s <= 86400);
        /* The body decoded (gzip, deflate): bounded like the body, or refused with a reason. */
        h1_result d = h1_decode(&reader, &o->body, BODY_MAX);
        FUZZ_CHECK(d == H1_DONE || d == H1_BAD || d == H1_TOO_BIG || d == H1_NOMEM);
        FUZZ_CHECK(d != H1_DONE || o->body.len <= BODY_MAX);
        FUZZ_CHECK(d == H1_DONE || reader.why[0]);
        if (d != H1_DONE)
            o->res = d;
    }
    o->status = reader.status;
    o->retry_after_s = reader.retry_after_s;
    o->close = reader.close;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    size_t step = data[0];
    outcome cut, whole;
    read_all(data + 1, size - 1, step, &cut);
    read_all(data + 1, size - 1, 0, &whole);
    FUZZ_CHECK(cut.res == whole.res);
    if (whole.res == H1_DONE) {
        FUZZ_CHECK(cut.status == whole.status && cut.close == whole.close);
        FUZZ_CHECK(cut.used == whole.used);
        FUZZ_CHECK(cut.body.len == whole.body.len);
        FUZZ_CHECK(!whole.body.len || memcmp(cut.body.s, whole.body.s, whole.body.len) == 0);
    }
    buf_free(&cut.body);
    buf_free(&whole.body);
    return 0;
}
