/* journal.h: the action journal: every delete, disconnect and link skdash issues, one JSON object
 * per line in $XDG_STATE_HOME/skdash/journal.jsonl (default ~/.local/state/skdash/), mode 0600.
 *
 * Each line: {"time":"2025-04-16T06:56:05Z","user":"ana","ssh_client":"203.0.113.7",
 *   "environment":"https://acme.scalekit.dev","connection":"gmail","identifier":"u@x.com",
 *   "account_id":"ca_1","action":"delete","result":"ok"}
 * ("ssh_client" only when there is one; empty strings are left out). result is "ok",
 * "ok: <detail>", "failed: <reason>", "unknown: <reason>" or "dry-run".
 * Writing never blocks and never prints: the caller reports a failure (the action itself is
 * unaffected). Strings are stored as valid JSON whatever the server sent: control, C1 and
 * bidi characters escaped as \uXXXX, invalid UTF-8 as \ufffd. */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_status.h"

typedef struct sk_journal_entry {
    int64_t time;              /* Unix seconds; 0: now (time_now, so SKDASH_NOW applies) */
    const char *user;          /* NULL: the local user (getpwuid, else $USER) */
    const char *ssh_client;    /* NULL: first field of $SSH_CLIENT or $SSH_CONNECTION */
    const char *environment;   /* environment URL */
    const char *connection;    /* connection name (connector) */
    const char *identifier;
    const char *account_id;
    const char *action;        /* "delete", "disconnect", "link" */
    const char *result;
} sk_journal_entry;

/* The journal's path: $XDG_STATE_HOME/skdash/journal.jsonl when XDG_STATE_HOME is absolute,
 * else $HOME/.local/state/skdash/journal.jsonl. false when neither is set (or too long). */
bool journal_default_path(char *buf, size_t n);

/* The entry as one line of JSON (with its '\n'), malloc'd; NULL on OOM. Fills what e leaves
 * NULL as described above. */
char *journal_format(const sk_journal_entry *e);

/* Appends e to the journal at path (NULL: journal_default_path), creating its directories
 * (0700) and the file (0600). One write(2) with O_APPEND per entry. Refuses (SK_ERR_CONFIG)
 * a path that is not a regular file of ours ("the journal is not a regular file: PATH (it is
 * a FIFO)": a symbolic link is never followed, a FIFO never waited on), or a file others may
 * read or write (mode not 0600 or stricter): the journal names accounts and who acted on them. */
sk_status journal_append(const char *path, const sk_journal_entry *e, sk_error *err);

/* One entry read back: every field owned (NULL when absent). */
typedef struct sk_journal_row {
    char *time, *user, *ssh_client, *environment, *connection, *identifier, *account_id,
        *action, *result;
} sk_journal_row;

typedef struct sk_journal_rows {
    sk_journal_row *v;
    size_t n;
    size_t skipped;            /* lines that were not a JSON object */
} sk_journal_rows;

/* Reads the whole journal, oldest first. A journal that does not exist yet is empty (SK_OK).
 * Opened as journal_append opens it: a symbolic link, a FIFO or anything but a regular file
 * is refused at once (SK_ERR_CONFIG, the same message), never followed or waited on. */
sk_status journal_read(const char *path, sk_journal_rows *out, sk_error *err);
void journal_rows_free(sk_journal_rows *r);

#endif
