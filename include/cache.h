/* cache.h: the last listing of one environment kept on disk, so the dashboard can show it at
 * once (marked as cached, with its age) while it refreshes. One file per environment URL +
 * client id: $XDG_CACHE_HOME/skdash/<hash>.cache (default ~/.cache/skdash), mode 0600, written
 * to a temporary file and renamed into place. It holds what the list endpoints show and
 * nothing secret (no token, no secret, no /details fields). SKDASH_NO_CACHE turns it off. */
#ifndef CACHE_H
#define CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_status.h"
#include "store.h"

/* 2: the checksum works on 8-byte words; 3: the strings accounts repeat are written once, in a
 * table, and accounts give their indexes (an older file is refused: the next refresh writes a
 * new one). */
#define CACHE_VERSION 3

/* True when SKDASH_NO_CACHE is set to anything but "" or "0" (callers add their own setting). */
bool cache_disabled(void);

/* The cache file of an environment: $XDG_CACHE_HOME/skdash/<16 hex digits>.cache, the digits
 * hashing the URL (trailing '/' ignored) and the client id. False when there is no cache
 * directory (neither an absolute XDG_CACHE_HOME nor HOME) or buf is too small. */
bool cache_path(const char *env_url, const char *client_id, char *buf, size_t n);

/* Saves the store's connections and live accounts (list fields only) with the time of saving.
 * The directory is created (0700) when missing. */
sk_status cache_save(const sk_store *s, const char *env_url, const char *client_id, sk_error *err);

/* Loads the saved listing into s (meant to be empty). SK_ERR_NOT_FOUND when there is no cache;
 * a file that is not a regular file of ours with mode 0600, that names another environment,
 * or that is damaged in any way is refused (SK_ERR_CONFIG / SK_ERR_PARSE) and s is untouched.
 * *saved_at (may be NULL) gets the Unix time of the save. */
sk_status cache_load(sk_store *s, const char *env_url, const char *client_id, int64_t *saved_at,
                     sk_error *err);

/* The same at an explicit path (tests, tools). */
sk_status cache_save_file(const sk_store *s, const char *path, const char *env_url,
                          const char *client_id, sk_error *err);
sk_status cache_load_file(sk_store *s, const char *path, const char *env_url,
                          const char *client_id, int64_t *saved_at, sk_error *err);

/* ---- a dashboard that lists again and again (--refresh 1 with a 15 MB cache) ---- */

/* A changed listing is written at most this often by one keeper (its first write excepted). */
#define CACHE_MIN_INTERVAL_MS 60000
/* A temporary file of an interrupted save older than this is removed whatever its pid says. */
#define CACHE_STALE_TMP_S 60

/* The listing as the cache would hold it (connections and accounts, in store order), without
 * the time of saving: equal digests mean an unchanged listing. 0 on out of memory. */
uint64_t cache_digest(const sk_store *s);
/* The same with the accounts in `order` (n rows), when it names every live row exactly once;
 * any other order is not used (store order, as cache_digest). */
uint64_t cache_digest_order(const sk_store *s, const sk_row *order, size_t n);

/* What one writer knows of the file it keeps; zero it to start. */
typedef struct sk_cache_keeper {
    uint64_t on_disk;     /* cache_digest of what the file holds, when known */
    bool known;
    bool wrote;           /* this keeper has tried a write ... */
    int64_t wrote_ms;     /* ... at this time (the caller's monotonic milliseconds) */
    bool pending;         /* a change held back by the once-a-minute bound waits to be written
                             (cache_save_touched with at_exit writes it) */
    /* Set by the caller before a cache_save_changed / cache_save_touched call (the array must
     * stay valid through it; NULL = store order): the accounts are written, and the listing
     * compared with the file, in this order, when it names every live row exactly once (any
     * other order is not used). A file written in the order the next start sorts by is loaded
     * into a store already in that order, and the first sort of a million rows becomes one
     * pass that finds them in order. The same listing in another order is a changed listing
     * (one more write within the bound below). */
    const sk_row *order;
    size_t n_order;
    /* cache.c's: the save under way in a child (cache_save_changed_bg / _touched_bg). */
    int bg_pid, bg_fd;
    int64_t bg_now_ms;
    bool bg_ready;
    struct {
        int kind;
        sk_status status;
        uint64_t digest;
        sk_error err;
    } bg_out;
} sk_cache_keeper;

/* After cache_load succeeded into s (and before anything else changed s): the file holds s. */
void cache_keeper_loaded(sk_cache_keeper *k, const sk_store *s);

/* cache_load, then (on success, k not NULL) cache_keeper_loaded, without its walk of the whole
 * store (200-400 ms at 1,000,000 accounts): into an empty store, the load takes the digest
 * while it reads (what cache_digest gives for the store it filled from a file of ours; a file
 * written otherwise can only cost one needless save). */
sk_status cache_load_kept(sk_store *s, const char *env_url, const char *client_id,
                          int64_t *saved_at, sk_cache_keeper *k, sk_error *err);

/* A complete listing in s: saved with cache_save only when it differs from what the file holds,
 * and then no sooner than CACHE_MIN_INTERVAL_MS after this keeper's last write (its first write
 * is never held back; a failed one waits the same). *wrote (may be NULL) says whether the file
 * was written. Unchanged or held back is SK_OK. */
sk_status cache_save_changed(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                             const char *client_id, int64_t now_ms, bool *wrote, sk_error *err);

/* The store changed by the front end's own hand (accounts deleted or disconnected) since the
 * file was loaded or written: the file must not show them as they were. Saved when it differs
 * from what the file holds, stamped with the time of the listing the rows come from
 * (`listed_at`, Unix seconds: the age shown stays the listing's), within the same once-a-minute
 * bound as cache_save_changed; a write held back by it sets k->pending, and a call with
 * `at_exit` writes whatever the bound. */
sk_status cache_save_touched(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                             const char *client_id, int64_t listed_at, int64_t now_ms,
                             bool at_exit, bool *wrote, sk_error *err);

/* ---- a load a slice at a time (the dashboard's start: a million cached accounts are a third
 * of a second to load, and the first screen needs the first rows of the file, which is written
 * in the order the dashboard starts with) ---- */
typedef struct sk_cache_loader sk_cache_loader;

/* Checks the whole environment's file as cache_load does (a file that is missing, not ours,
 * another environment's or damaged in any way is refused the same way, and nothing of it goes
 * into s), then puts its connections into s and readies its accounts for cache_loader_step.
 * With k, the keeper knows what the file holds (as cache_load_kept). SK_OK with *out set (close
 * it with cache_loader_close); s must outlive it. */
sk_status cache_loader_open(sk_store *s, const char *env_url, const char *client_id,
                            int64_t *saved_at, sk_cache_keeper *k, sk_cache_loader **out,
                            sk_error *err);
/* The same at an explicit path (tests, tools). */
sk_status cache_loader_open_file(sk_store *s, const char *path, const char *env_url,
                                 const char *client_id, int64_t *saved_at, sk_cache_keeper *k,
                                 sk_cache_loader **out, sk_error *err);
/* Up to `max` more accounts into the store, with store_add_recs: an account the store holds
 * already is left as it is (listed, found or refreshed since the file was written), and those
 * added are unseen by a refresh under way, so a completed listing sweeps the ones the server no
 * longer has. True while accounts are left; false once all are in, or on an error (err set:
 * out of memory, or a file changed on disk since it was checked), after which nothing more is
 * loaded and what was loaded stays. */
bool cache_loader_step(sk_cache_loader *l, size_t max, sk_error *err);
size_t cache_loader_total(const sk_cache_loader *l);   /* the file's accounts */
size_t cache_loader_left(const sk_cache_loader *l);    /* not read yet */
/* Stops the load where it is (the rest is not read) and lets go of the file. */
void cache_loader_close(sk_cache_loader *l);

/* Removes the temporary files ("<hash>.cache.tmp.PID.N", regular files of ours) that a save
 * killed midway (kill -9, a crash) left in the cache directory: those whose writer process is
 * gone, and any older than CACHE_STALE_TMP_S. Never follows a link. Returns how many went. */
size_t cache_clean_stale(void);

/* Removes the environment's cache file (true when none is left). */
bool cache_forget(const char *env_url, const char *client_id);

/* ---- the same without stopping the caller (a dashboard with a million rows: a save is half a
 * second, a comparison with the file a third) ---- */

/* cache_save_changed / cache_save_touched (at_exit false), their comparison and write done by a
 * child process (fork): it sees the store, and k->order, as they are at the call, whatever the
 * caller changes next, and runs at a lower priority. SK_OK once started (or, when no child can
 * be had, done here: the outcome waits for cache_bg_finish all the same); SK_ERR_USAGE while
 * another is under way (nothing started). */
sk_status cache_save_changed_bg(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                                const char *client_id, int64_t now_ms, sk_error *err);
sk_status cache_save_touched_bg(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                                const char *client_id, int64_t listed_at, int64_t now_ms,
                                sk_error *err);
/* A save under way, or its outcome not taken yet. */
bool cache_bg_busy(const sk_cache_keeper *k);
/* Readable when the child is done (poll it with the caller's others), -1 when there is none. */
int cache_bg_fd(const sk_cache_keeper *k);
/* Takes the outcome of the save under way, once it is over (wait: waits for it): true then,
 * with the keeper, *wrote and err as the synchronous call would have left them (a child that
 * died without a word is a failed write). False while it runs, or when there is none. */
bool cache_bg_finish(sk_cache_keeper *k, bool wait, bool *wrote, sk_error *err);

#endif
