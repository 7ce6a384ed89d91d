/* emu_gen.c: deterministic sample data for skemu (--generate N --connections M --seed S):
 * skewed connection sizes, real-looking identifiers, every status, varied timestamps. */
#include "emu_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "emu_util.h"

static const char *const conn_names[] = {
    "gmail", "slack", "github", "notion", "salesforce", "hubspot", "jira", "zendesk",
    "google_drive", "google_calendar", "outlook", "microsoft_teams", "asana", "linear",
    "dropbox", "confluence", "airtable", "intercom", "zoom", "trello", "gitlab", "figma",
    "box", "onedrive", "sharepoint", "discord", "shopify", "monday", "clickup", "calendly",
};
#define NCONN_NAMES (sizeof conn_names / sizeof conn_names[0])

static const char *const first_names[] = {
    "anna", "ben", "carla", "dmitri", "emma", "farid", "grace", "hiro", "ines", "jack",
    "kofi", "lena", "marco", "nina", "omar", "priya", "quinn", "rosa", "sam", "tara",
    "uma", "victor", "wei", "xena", "yusuf", "zoe", "alex", "bea", "chen", "dana",
    "eli", "fatima", "gus", "hana", "ivan", "julia", "kai", "liam", "maya", "noah",
};
static const char *const last_names[] = {
    "lee", "smith", "garcia", "kumar", "nguyen", "muller", "rossi", "silva", "kim", "brown",
    "novak", "haddad", "okafor", "tanaka", "jensen", "dubois", "costa", "ivanova", "walsh",
    "ali", "chen", "lopez", "schmidt", "moreau", "santos", "berg", "patel", "wong", "hughes",
    "khan", "ortiz", "fischer", "romano", "yilmaz", "kowalski", "mendes", "sato", "park",
    "adams", "singh",
};
#define NFIRST (sizeof first_names / sizeof first_names[0])
#define NLAST (sizeof last_names / sizeof last_names[0])

static const char *const domains[] = {
    "acme.com", "example.org", "globex.io", "initech.net", "umbrella.co", "hooli.dev",
    "gmail.com", "outlook.com", "proton.me", "stark.industries", "wayne.enterprises",
};
static const char *const plus_tags[] = {"work", "test", "billing", "dev", "sales", "ops"};
static const char *const non_ascii[] = {
    "josé.garcía@ejemplo.es", "山田太郎@yamada.co.jp", "Ğökhan.yılmaz@örnek.com.tr",
    "zoë.émile@exemple.fr", "андрей@пример.рф", "Łukasz.Żółć@przyklad.pl",
    "🦊 fox-team", "sam🚀@rocket.dev", "Μαρία@example.gr", "محمد@example.ae",
    "björk.guðmundsdóttir@dæmi.is", "김민준@example.kr",
};
#define NNONASCII (sizeof non_ascii / sizeof non_ascii[0])

static const char *const unknown_status[] = {"SUSPENDED", "CONNECTION_STATUS_UNSPECIFIED",
                                             "REVOKED", "QUARANTINED"};

enum { DAY = 86400, HOUR = 3600 };

static void add_connection(emu_store *s, size_t i, uint64_t seed, int64_t epoch, uint64_t *rng)
{
    emu_connection c;
    memset(&c, 0, sizeof c);
    char buf[64];
    if (i < NCONN_NAMES) snprintf(buf, sizeof buf, "%s", conn_names[i]);
    else snprintf(buf, sizeof buf, "name_%zu", i + 1);
    c.key_id = emu_strdup(buf);
    c.provider_key = emu_strdup(buf);
    for (char *p = c.provider_key; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    snprintf(buf, sizeof buf, "conn_%llu",
             24834495392086178ull + (seed % 1000) * 10000000000000ull + i * 7919ull);
    c.id = emu_strdup(buf);
    c.type = emu_strdup(i % 7 == 6 ? "API_KEY" : "OAUTH");
    c.status = emu_strdup("COMPLETED");
    c.enabled = (i % 11 != 10);
    char ts[48];
    emu_time_format(ts, sizeof ts, epoch - 200 * DAY + (int64_t)emu_rand_below(rng, 150 * DAY),
                    (uint32_t)emu_rand_below(rng, 1000000000u), 3 * (int)(i % 4));
    emu_opt_set(&c.created_at, ts);
    s->conns = emu_xrealloc(s->conns, (s->nconns + 1) * sizeof *s->conns);
    s->conns[s->nconns++] = c;
}

/* Sizes like real life: the first connection holds half, the rest follow a Zipf-like tail. */
static void connection_sizes(size_t *sizes, size_t n, size_t m)
{
    if (m == 1) {
        sizes[0] = n;
        return;
    }
    sizes[0] = n / 2;
    size_t rest = n - sizes[0], used = 0;
    double wsum = 0;
    for (size_t k = 1; k < m; k++) wsum += 1.0 / pow((double)k, 1.1);
    for (size_t k = 1; k < m; k++) {
        sizes[k] = (size_t)((double)rest * (1.0 / pow((double)k, 1.1)) / wsum);
        used += sizes[k];
    }
    for (size_t k = 1; used < rest; k = k % (m - 1) + 1, used++) sizes[k]++;
}

/* "name@host" with n put before the '@' (or at the end) when n > 0, to keep names unique. */
static void insert_number(char *out, size_t outlen, const char *name, size_t n)
{
    const char *at = strchr(name, '@');
    size_t head = at ? (size_t)(at - name) : strlen(name);
    if (n == 0) snprintf(out, outlen, "%s", name);
    else snprintf(out, outlen, "%.*s%zu%s", (int)head, name, n, name + head);
}

static void make_identifier(char *out, size_t outlen, size_t g, uint64_t seed, uint64_t *rng)
{
    size_t pairs = NFIRST * NLAST;
    size_t p = (g * 7919u + (size_t)(seed % pairs)) % pairs;
    size_t suffix = g / pairs;
    const char *f = first_names[p % NFIRST], *l = last_names[p / NFIRST];
    const char *dom = domains[emu_rand_below(rng, sizeof domains / sizeof domains[0])];
    char num[24] = "";
    if (suffix) snprintf(num, sizeof num, "%zu", suffix);
    uint64_t style = emu_rand_below(rng, 100);
    if (style < 50) {
        snprintf(out, outlen, "%s.%s%s@%s", f, l, num, dom);
    } else if (style < 62) {
        snprintf(out, outlen, "%s.%s%s+%s@%s", f, l, num,
                 plus_tags[emu_rand_below(rng, sizeof plus_tags / sizeof plus_tags[0])], dom);
    } else if (style < 84) {
        /* An odd multiplier is a bijection modulo 2^24, so these never collide. */
        unsigned v = (unsigned)((g * 0x9E3779u + seed) & 0xFFFFFFu);
        snprintf(out, outlen, "user_%06x", v);
    } else if (style < 92) {
        insert_number(out, outlen, non_ascii[g % NNONASCII], g / NNONASCII);
    } else {
        snprintf(out, outlen, "%s%s%s@%s", f, l, num, dom);
    }
}

/* Missing timestamps travel in three forms; the client must treat them alike. */
static void opt_missing(emu_opt *o, uint64_t *rng)
{
    static const int kinds[] = {EMU_OPT_ABSENT, EMU_OPT_NULL, EMU_OPT_EMPTY};
    emu_opt_clear(o, kinds[emu_rand_below(rng, 3)]);
}

static void opt_time(emu_opt *o, int64_t t, int digits, uint64_t *rng)
{
    char ts[48];
    emu_time_format(ts, sizeof ts, t, (uint32_t)emu_rand_below(rng, 1000000000u), digits);
    emu_opt_set(o, ts);
}

static const char *pick_status(size_t g, size_t n, uint64_t *rng, int *missing)
{
    static const char *const forced[] = {"ACTIVE", "EXPIRED", "PENDING_AUTH",
                                         "PENDING_VERIFICATION", "DISCONNECTED", "SUSPENDED",
                                         NULL};
    *missing = 0;
    uint64_t r = emu_rand_below(rng, 1000);
    /* With 20 or more accounts, seven evenly spaced ones carry every kind of status. */
    if (n >= 20) {
        for (size_t k = 0; k < 7; k++) {
            if (g == k * n / 7 + 1) {
                *missing = forced[k] == NULL;
                return forced[k];
            }
        }
    }
    if (r < 620) return "ACTIVE";
    if (r < 740) return "EXPIRED";
    if (r < 840) return "PENDING_AUTH";
    if (r < 890) return "PENDING_VERIFICATION";
    if (r < 970) return "DISCONNECTED";
    if (r < 985) return unknown_status[r % 4];
    *missing = 1;
    return NULL;
}

static const char *pick_auth_type(const emu_connection *c, uint64_t *rng)
{
    if (strcmp(c->type, "OAUTH") != 0) return c->type;
    uint64_t r = emu_rand_below(rng, 100);
    if (r < 86) return "OAUTH";
    if (r < 93) return "API_KEY";
    if (r < 97) return "BEARER_TOKEN";
    return "BASIC_AUTH";
}

static void set_times(emu_account *a, const char *status, int64_t epoch, uint64_t *rng)
{
    int digits = 3 * (int)emu_rand_below(rng, 4);
    int64_t updated = epoch - (int64_t)emu_rand_below(rng, 120 * DAY);
    if (emu_rand_below(rng, 100) < 2) opt_missing(&a->updated_at, rng);
    else opt_time(&a->updated_at, updated, digits, rng);

    if (emu_rand_below(rng, 100) < 18 || (status && strncmp(status, "PENDING", 7) == 0))
        opt_missing(&a->last_used_at, rng);
    else opt_time(&a->last_used_at, epoch - (int64_t)emu_rand_below(rng, 30 * DAY), digits, rng);

    bool oauth = strcmp(emu_opt_str(&a->authorization_type), "OAUTH") == 0;
    if (!status || strcmp(status, "PENDING_VERIFICATION") == 0 ||
        (strcmp(status, "PENDING_AUTH") == 0 && emu_rand_below(rng, 10) < 7) ||
        (!oauth && emu_rand_below(rng, 10) < 8)) {
        opt_missing(&a->token_expires_at, rng);
    } else if (strcmp(status, "ACTIVE") == 0) {
        /* Anchored to the start of the day, so "future" must be a day or more ahead. */
        opt_time(&a->token_expires_at, epoch + DAY + (int64_t)emu_rand_below(rng, 30 * DAY),
                 digits, rng);
    } else if (strcmp(status, "EXPIRED") == 0 || strcmp(status, "DISCONNECTED") == 0 ||
               strcmp(status, "PENDING_AUTH") == 0) {
        opt_time(&a->token_expires_at, epoch - HOUR - (int64_t)emu_rand_below(rng, 60 * DAY),
                 digits, rng);
    } else {
        opt_time(&a->token_expires_at, epoch - 30 * DAY + (int64_t)emu_rand_below(rng, 60 * DAY),
                 digits, rng);
    }
}

static emu_account *make_account(emu_store *s, const emu_connection *c, size_t g, size_t n,
                                 uint64_t seed, int64_t epoch, uint64_t *rng)
{
    emu_account *a = emu_account_new();
    char buf[256];
    snprintf(buf, sizeof buf, "ca_%llu",
             24834495392086178ull + (seed % 1000) * 10000000000000ull + g * 104729ull);
    a->id = emu_strdup(buf);
    make_identifier(buf, sizeof buf, g, seed, rng);
    /* The styles are built not to collide; this is the belt to those braces. */
    size_t len = strlen(buf);
    for (unsigned k = 2; emu_store_find_key(s, c->key_id, buf); k++)
        snprintf(buf + len, sizeof buf - len, "~%u", k);
    a->identifier = emu_strdup(buf);
    a->connector = emu_strdup(c->key_id);
    a->connection_id = emu_strdup(c->id);
    a->provider = emu_strdup(c->provider_key);
    emu_opt_set(&a->authorization_type, pick_auth_type(c, rng));
    int missing = 0;
    const char *status = pick_status(g, n, rng, &missing);
    if (missing) opt_missing(&a->status, rng);
    else emu_opt_set(&a->status, status);
    set_times(a, status, epoch, rng);
    /* Only accounts that completed authorization carry credentials (built on demand). */
    if (status && strncmp(status, "PENDING", 7) != 0) a->gen_seq = (int64_t)g;
    return a;
}

void emu_store_generate(emu_store *s, size_t n, size_t m, uint64_t seed, int64_t epoch)
{
    if (m == 0) m = 1;
    s->seed = seed;
    uint64_t rng = seed * 0x2545F4914F6CDD1Dull + 1;
    size_t first_conn = s->nconns;
    for (size_t i = 0; i < m; i++) add_connection(s, i, seed, epoch, &rng);
    size_t *sizes = emu_xmalloc(m * sizeof *sizes);
    connection_sizes(sizes, n, m);
    emu_map_reserve(s->by_id, s->total + n);
    emu_map_reserve(s->by_key, s->total + n);
    size_t g = 0;
    for (size_t i = 0; i < m; i++) {
        const emu_connection *c = &s->conns[first_conn + i];
        for (size_t k = 0; k < sizes[i]; k++, g++) {
            emu_account *a = make_account(s, c, g, n, seed, epoch, &rng);
            if (emu_store_add(s, a) != 0) {
                emu_account_free(a);
                continue;
            }
            /* Its list text now, as a server has its data ready: the first listing of a
             * million would otherwise build them all (~0.7 s of skemu's CPU beside it). */
            atomic_store(&a->list_json, emu_account_list_text_new(a));
        }
    }
    free(sizes);
}

static json_object *str_array(const char *const *v)
{
    json_object *a = json_object_new_array();
    for (; *v; v++) json_object_array_add(a, json_object_new_string(*v));
    return a;
}

static json_object *oauth_scopes(const char *connector)
{
    static const char *const google[] = {"https://www.googleapis.com/auth/gmail.readonly",
                                         "https://www.googleapis.com/auth/userinfo.email", NULL};
    static const char *const slack[] = {"channels:read", "chat:write", "users:read", NULL};
    static const char *const github[] = {"repo", "read:user", "read:org", NULL};
    static const char *const other[] = {"read", "write", "offline_access", NULL};
    if (strncmp(connector, "g", 1) == 0 && strstr(connector, "git") == NULL) return str_array(google);
    if (strcmp(connector, "slack") == 0) return str_array(slack);
    if (strcmp(connector, "github") == 0) return str_array(github);
    return str_array(other);
}

static void random_token(char *out, size_t len, uint64_t *rng)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i + 1 < len; i++) out[i] = al[emu_rand_below(rng, sizeof al - 1)];
    out[len - 1] = '\0';
}

json_object *emu_account_auth_details(const emu_store *s, emu_account *a)
{
    if (a->authorization_details || a->gen_seq < 0) return a->authorization_details;
    uint64_t rng = (s->seed ^ 0xA5A5A5A5ull) * 0x9E3779B97F4A7C15ull + (uint64_t)a->gen_seq;
    const char *type = emu_opt_str(&a->authorization_type);
    char t1[40], t2[40], buf[64];
    random_token(t1, 33, &rng);
    random_token(t2, 29, &rng);
    json_object *ad = json_object_new_object();
    if (!type || strcmp(type, "OAUTH") == 0) {
        json_object *o = json_object_new_object();
        snprintf(buf, sizeof buf, "ya29.a0%s", t1);
        json_object_object_add(o, "access_token", json_object_new_string(buf));
        snprintf(buf, sizeof buf, "1//0g%s", t2);
        json_object_object_add(o, "refresh_token", json_object_new_string(buf));
        json_object_object_add(o, "scopes", oauth_scopes(a->connector));
        const char *at = strchr(a->identifier, '@');
        if (at && at[1] && (a->gen_seq % 3 == 0))
            json_object_object_add(o, "domain", json_object_new_string(at + 1));
        json_object_object_add(ad, "oauth_token", o);
    } else {
        json_object *d = json_object_new_object();
        if (strcmp(type, "BASIC_AUTH") == 0) {
            json_object_object_add(d, "username", json_object_new_string(a->identifier));
            json_object_object_add(d, "password", json_object_new_string(t2));
        } else if (strcmp(type, "BEARER_TOKEN") == 0) {
            json_object_object_add(d, "token", json_object_new_string(t1));
        } else {
            snprintf(buf, sizeof buf, "sk_live_%s", t1);
            json_object_object_add(d, "api_key", json_object_new_string(buf));
        }
        json_object *st = json_object_new_object();
        json_object_object_add(st, "details", d);
        json_object_object_add(ad, "static_auth", st);
    }
    a->authorization_details = ad;
    return ad;
}
