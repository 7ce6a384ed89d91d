/* cli_journal.c: `skdash journal` (the deletes and links issued, oldest first, as a table or a
 * JSON array) and the CLI's side of writing an entry (a failure is one warning line). */
#include "cli_cmd.h"

#include <string.h>

#include "cli_out.h"
#include "cli_table.h"
#include "journal.h"
#include "text.h"

void cli_journal_note(const cli_session *s, const char *action, const sk_account *a,
                      const char *fallback_id, const char *result)
{
    sk_journal_entry e = {
        .environment = s->cfg.environment_url,
        .connection = a ? a->connector : NULL,
        .identifier = a ? a->identifier : NULL,
        .account_id = a && a->id && *a->id ? a->id : fallback_id,
        .action = action,
        .result = result,
        .syslog = s->cfg.journal_syslog,
        .profile = s->cfg.profile,
    };
    sk_error err;
    /* The action is done (or not) whatever happens here: only a warning. */
    if (journal_append(NULL, &e, &err) != SK_OK)
        cli_error("warning: journal not written: %s", err.message);
}

enum { J_TIME, J_USER, J_FROM, J_ACTION, J_RESULT, J_CONN, J_IDENT, J_ID, J_ENV, J_NCOLS };

static void journal_table(const sk_journal_rows *rows, const cli_globals *g)
{
    static const char *const head[J_NCOLS] = { "TIME", "USER", "FROM", "ACTION", "RESULT",
                                               "CONNECTION", "IDENTIFIER", "ACCOUNT ID",
                                               "ENVIRONMENT" };
    cli_table *t = table_new(J_NCOLS, head);
    if (!t) {
        cli_error("out of memory");
        return;
    }
    /* What gives way first: where from, then the environment, ids, then long results. */
    table_shrink(t, J_ENV, 0, 0);
    table_shrink(t, J_FROM, 1, 0);
    table_shrink(t, J_ID, 2, 0);
    table_shrink(t, J_USER, 3, 0);
    table_shrink(t, J_RESULT, 4, 12);
    table_shrink(t, J_IDENT, 5, 12);
    table_shrink(t, J_CONN, 6, 8);
    table_shrink(t, J_RESULT, 7, 6);
    table_shrink(t, J_IDENT, 8, 6);
    for (size_t i = 0; i < rows->n; i++) {
        const sk_journal_row *r = &rows->v[i];
        const char *cells[J_NCOLS] = { r->time, r->user, r->ssh_client, r->action, r->result,
                                       r->connection, r->identifier, r->account_id,
                                       r->environment };
        if (!table_add_row(t, cells, NULL, NULL)) {
            cli_error("out of memory");
            break;
        }
    }
    table_print(t, stdout, cli_term_width(), cli_color_enabled(g), text_locale_utf8());
    table_free(t);
}

static void journal_json(const sk_journal_rows *rows)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < rows->n; i++) {
        const sk_journal_row *r = &rows->v[i];
        struct json_object *o = json_object_new_object();
        if (!o)
            break;
        out_json_str(o, "time", r->time);
        out_json_str(o, "user", r->user);
        out_json_str(o, "ssh_client", r->ssh_client);
        out_json_str(o, "environment", r->environment);
        out_json_str(o, "connection", r->connection);
        out_json_str(o, "identifier", r->identifier);
        out_json_str(o, "account_id", r->account_id);
        out_json_str(o, "action", r->action);
        out_json_str(o, "result", r->result);
        json_object_array_add(arr, o);
    }
    out_json_print(stdout, arr);
    json_object_put(arr);
}

int cmd_journal(const cli_globals *g, const cli_parsed *p)
{
    cli_format fmt = cli_format_of(p, CLI_FMT_TABLE);
    sk_journal_rows rows;
    sk_error err;
    if (journal_read(NULL, &rows, &err) != SK_OK)
        return cli_fail(&err);
    if (rows.skipped)
        cli_error("warning: %zu damaged journal line%s skipped", rows.skipped,
                  rows.skipped == 1 ? "" : "s");
    if (fmt == CLI_FMT_JSON)
        journal_json(&rows);
    else
        journal_table(&rows, g);
    journal_rows_free(&rows);
    return SK_EXIT_OK;
}
