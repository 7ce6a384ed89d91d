/* cli_account.c: the commands about one account: `show`, `link` (with a QR code) and `delete`
 * (shown first, confirmed, then deleted by id). */
#include "cli_cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "cli_bulk.h"
#include "cli_find.h"
#include "cli_out.h"
#include "cli_select.h"
#include "cli_show.h"
#include "link_message.h"
#include "qr.h"
#include "buf.h"
#include "sk_time.h"
#include "text.h"
#include "verify.h"

typedef struct acct_args {
    sk_selector sel;
    cli_format fmt;
    bool qr, yes, dry_run, wait;
    bool by_identifier;       /* IDENTIFIER alone: looked up across connections */
    char *found_id;           /* what the lookup found (heap) */
} acct_args;

/* ---- arguments ---- */

static int check_selector(const char *cmd, acct_args *aa, const char *const *pos, int npos)
{
    /* show and link also take IDENTIFIER alone (delete does not: it names one account). */
    bool one_ok = strcmp(cmd, "delete") != 0;
    if (aa->sel.id && npos > 0)
        return cli_usage("%s: give either --id ID or CONNECTION IDENTIFIER, not both", cmd);
    if (!aa->sel.id && one_ok && npos == 1) {
        if (!*pos[0])
            return cli_usage("%s: the identifier cannot be empty", cmd);
        aa->sel.identifier = pos[0];
        aa->by_identifier = true;
        return SK_EXIT_OK;
    }
    if (!aa->sel.id && npos != 2 && strcmp(cmd, "show") == 0)
        return cli_usage("show: name the account (--id ID, [CONNECTION] IDENTIFIER) or give a "
                         "selection (-c, -s, -q, --expiring-within, --unused-for, --view) or "
                         "--all");
    if (!aa->sel.id && npos != 2)
        return one_ok ? cli_usage("%s: name the account: --id ID, [CONNECTION] IDENTIFIER", cmd)
                      : cli_usage("%s: name the account: --id ID, or CONNECTION IDENTIFIER", cmd);
    if (!aa->sel.id) {
        aa->sel.connector = pos[0];
        aa->sel.identifier = pos[1];
        if (!*pos[0] || !*pos[1])
            return cli_usage("%s: the connection and the identifier cannot be empty", cmd);
    } else if (!*aa->sel.id) {
        return cli_usage("%s: --id cannot be empty", cmd);
    }
    return SK_EXIT_OK;
}

/* The flags were parsed against the command's table (cli_commands.c); the account must be
 * named one way or the other. Returns 0 or a usage exit code. */
static int acct_args_of(const cli_parsed *p, acct_args *aa)
{
    memset(aa, 0, sizeof *aa);
    aa->fmt = cli_format_of(p, CLI_FMT_TEXT);
    aa->sel.id = cli_flag_value(p, CLI_F_ID, NULL);
    aa->qr = cli_flag_given(p, CLI_F_QR);
    aa->yes = cli_flag_given(p, CLI_F_YES);
    aa->dry_run = cli_flag_given(p, CLI_F_DRY_RUN);
    aa->wait = cli_flag_given(p, CLI_F_WAIT);
    return check_selector(p->cmd->name, aa, p->operands, p->n_operands);
}

/* ---- text output helpers ---- */

static void put_field(FILE *out, const char *label, const char *value)
{
    sk_buf b;
    buf_init(&b);
    const char *v = value && *value ? value : "-";
    text_sanitize(&b, v, strlen(v));
    fprintf(out, "%s %s\n", label, b.s ? b.s : "-");
    buf_free(&b);
}

static void put_time(FILE *out, const char *label, int64_t t, int64_t now, const char *absent)
{
    if (t == SK_TIME_ABSENT) {
        fprintf(out, "%s %s\n", label, absent ? absent : "-");   /* the field list's word */
        return;
    }
    char abs[64], rel[32];
    time_rfc3339(t, abs, sizeof abs);
    time_relative(t, now, rel, sizeof rel);
    fprintf(out, "%s %s (%s)\n", label, abs, rel);
}

static void put_state(FILE *out, const sk_account *a)
{
    sk_buf b;
    buf_init(&b);
    out_state_label(&b, a);
    put_field(out, "State:", b.s);
    buf_free(&b);
}

/* Every field of the core's list (account_fields), in its order, as "Label: value"; then
 * what the state means and what to do, with the actions named as commands. */
void cli_show_text(FILE *out, const sk_account_detail *d)
{
    int64_t now = time_now();
    size_t n;
    const sk_field *f = account_fields(&n);
    sk_buf scratch;
    buf_init(&scratch);
    for (size_t i = 0; i < n; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s:", f[i].label);
        if (f[i].kind == SK_FIELD_STATE) {
            put_state(out, &d->a);
        } else if (f[i].kind == SK_FIELD_TIME) {
            put_time(out, label, account_field_time(&f[i], d), now, f[i].absent);
        } else {
            const char *v = account_field_text(&f[i], d, &scratch);
            put_field(out, label, v ? v : f[i].absent);
        }
    }
    buf_free(&scratch);
    char advice[512];
    state_advice_text(state_advice(d->a.state, d->a.status), out_action_command, NULL, advice,
                      sizeof advice);
    fprintf(out, "\n%s\n", advice);
}

struct json_object *cli_show_json(const sk_account_detail *d)
{
    struct json_object *o = out_account_json(&d->a);
    if (!o)
        return NULL;
    if (d->n_scopes || (d->domain && *d->domain)) {
        struct json_object *tok = json_object_new_object();
        if (d->n_scopes) {
            struct json_object *arr = json_object_new_array();
            for (size_t i = 0; i < d->n_scopes; i++)
                json_object_array_add(arr, json_object_new_string(d->scopes[i] ? d->scopes[i] : ""));
            json_object_object_add(tok, "scopes", arr);
        }
        out_json_str(tok, "domain", d->domain);
        struct json_object *ad = json_object_new_object();
        json_object_object_add(ad, "oauth_token", tok);
        json_object_object_add(o, "authorization_details", ad);
    }
    if (d->api_config_json) {
        struct json_object *cfg = json_tokener_parse(d->api_config_json);
        if (cfg)
            json_object_object_add(o, "api_config", cfg);
    }
    return o;
}

/* ---- a connection named in the wrong case ---- */

/* The server's connection whose name differs from the one typed only in case. */
typedef struct case_lookup {
    const char *typed;
    char *found;             /* heap */
    char *next;              /* the next page's token (heap), NULL when none */
    bool done, failed;
} case_lookup;

static void on_case_page(void *ud, const sk_connection_page *p, const sk_error *err)
{
    case_lookup *cl = ud;
    cl->done = true;
    free(cl->next);
    cl->next = NULL;
    if (err->status != SK_OK || !p) {
        cl->failed = true;
        return;
    }
    for (size_t i = 0; i < p->n && !cl->found; i++) {
        const char *n = p->rows[i].name;
        if (n && strcasecmp(n, cl->typed) == 0 && strcmp(n, cl->typed) != 0)
            cl->found = strdup(n);
    }
    if (p->next_page_token && *p->next_page_token)
        cl->next = strdup(p->next_page_token);
}

/* After "not found" for CONNECTION IDENTIFIER: when the server has a connection of that name
 * in another case, says which ("no connection 'GMail': did you mean 'gmail'?"). Best effort:
 * a failure to list the connections adds nothing to the error already printed. */
static void suggest_connection_case(cli_session *s, const char *typed)
{
    case_lookup cl = { .typed = typed };
    /* At most 20 pages of 30: a server that pages forever is not followed. */
    for (int page = 0; page < 20 && !cl.found && !cl.failed; page++) {
        char *token = cl.next;
        cl.next = NULL;
        if (page > 0 && !token)
            break;
        cl.done = false;
        if (!api_list_connections(s->client, 30, token, on_case_page, &cl) && !cl.done)
            cl.failed = true;
        while (!cl.done && !cl.failed) {
            client_step(s->client);
            if (!cl.done)
                client_wait(s->client, NULL, 0, -1);
        }
        free(token);
    }
    if (cl.found)
        cli_error("no connection '%s': did you mean '%s'?", typed, cl.found);
    free(cl.found);
    free(cl.next);
}

/* ---- commands ---- */

/* IDENTIFIER alone: the one account with it, by id from here on (several or none: the lookup
 * has said so, with its exit code). */
static int resolve(cli_session *s, const char *cmd, acct_args *aa)
{
    if (!aa->by_identifier)
        return SK_EXIT_OK;
    int rc = cli_find_identifier(s, cmd, aa->sel.identifier, &aa->found_id);
    if (rc == SK_EXIT_OK) {
        aa->sel.id = aa->found_id;
        aa->sel.identifier = NULL;
    }
    return rc;
}

static int fetch_detail(cli_session *s, const sk_selector *sel, sk_detail_result *res)
{
    sk_error err;
    sk_error_clear(&err);
    memset(res, 0, sizeof *res);
    if (api_get_account_sync(s->client, sel, res, &err) != SK_OK) {
        int rc = cli_fail(&err);
        if (err.status == SK_ERR_NOT_FOUND && !sel->id && sel->connector)
            suggest_connection_case(s, sel->connector);
        return rc;
    }
    return SK_EXIT_OK;
}

int cmd_show(const cli_globals *g, const cli_parsed *p)
{
    if (cli_selection_given(p))
        return cli_show_selection(g, p);
    acct_args aa;
    int rc = acct_args_of(p, &aa);
    if (rc)
        return rc;
    cli_session s;
    if ((rc = cli_connect(g, &s)) != 0)
        return rc;
    sk_detail_result res;
    if ((rc = resolve(&s, "show", &aa)) == SK_EXIT_OK)
        rc = fetch_detail(&s, &aa.sel, &res);
    if (rc == SK_EXIT_OK) {
        if (aa.fmt == CLI_FMT_JSON) {
            struct json_object *o = cli_show_json(&res.d);
            out_json_print(stdout, o);
            json_object_put(o);
        } else {
            cli_show_text(stdout, &res.d);
        }
        parse_account_detail_free(&res);
    }
    free(aa.found_id);
    cli_disconnect(&s);
    return rc;
}

/* Each row of the code on its own line; on a colour terminal black on bright white so the
 * code reads on dark themes too (a scanner wants dark modules on a light ground). */
static int print_qr(const cli_globals *g, const char *link)
{
    sk_qr q;
    sk_error err;
    sk_error_clear(&err);
    sk_qr_style style = text_locale_utf8() ? SK_QR_HALF_BLOCKS : SK_QR_TWO_CHAR;
    int quiet = 4;
    /* On a terminal too narrow for the full quiet zone, a thinner zone (or a smaller symbol)
     * still scans, while a wrapped code never does. Piped output always gets the full one. */
    int cols = isatty(STDOUT_FILENO) ? cli_term_width() : 0;
    if (cols <= 0 || !qr_fit(link, cols, 1 << 20, style, &q, &quiet, &err)) {
        sk_error_clear(&err);
        quiet = 4;
        if (qr_encode(link, SK_QR_ECC_M, &q, &err) != SK_OK)
            return cli_fail(&err);
    }
    char *text = qr_render(&q, quiet, style);
    qr_free(&q);
    if (!text) {
        cli_error("out of memory drawing the QR code");
        return SK_EXIT_API;
    }
    bool color = cli_color_enabled(g);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (color)
            printf("\033[30;107m%s\033[0m\n", line);
        else
            printf("%s\n", line);
    }
    free(text);
    return SK_EXIT_OK;
}

static void link_text(const sk_link *l)
{
    sk_buf b;
    buf_init(&b);
    text_sanitize(&b, l->link, strlen(l->link));
    printf("%s\n", b.s ? b.s : "");
    buf_free(&b);
    if (l->expiry == SK_TIME_ABSENT) {
        printf("Expires: no expiry given\n");
        return;
    }
    char abs[64], rel[32];
    int64_t now = time_now();
    time_rfc3339(l->expiry, abs, sizeof abs);
    time_relative(l->expiry, now, rel, sizeof rel);
    printf("Expires: %s (%s%s)\n", abs, l->expiry <= now ? "expired " : "", rel);
}

static void link_json(const sk_link *l, const char *connector, const char *identifier,
                      const char *id, const char *tmpl)
{
    struct json_object *o = json_object_new_object();
    out_json_str(o, "link", l->link);
    out_json_time(o, "expiry", l->expiry);
    out_json_str(o, "connector", connector);
    out_json_str(o, "identifier", identifier);
    out_json_str(o, "id", id);
    /* Whom it is for, and the paste-ready message (link_message.h, the profile's `message`
     * template), as the dashboard's m. */
    char *rcpt = link_recipient(identifier, connector);
    char *msg = link_message(identifier, connector, l->link, l->expiry, time_now(), tmpl);
    out_json_str(o, "recipient", rcpt);
    out_json_str(o, "message", msg);
    free(rcpt);
    free(msg);
    out_json_print(stdout, o);
    json_object_put(o);
}

/* The link's outcome on stderr when there is no link, and its exit code. A lost answer is
 * never taken for a refusal: the message says what reading the account back showed. */
static int link_failed(const sk_link_outcome *o, const char *id)
{
    if (o->outcome == SK_OUTCOME_NOT_DONE)
        return cli_fail(&o->err);
    const char *why = verify_reason(&o->err);
    if (!o->checked) {
        cli_error("no link: %s", why);
    } else if (o->account_found) {
        char label[128];
        state_label(o->state, o->status, text_locale_utf8(), label, sizeof label);
        cli_error("no link was received (the answer was lost: %s); the account %s is %s", why,
                  o->account, label);
    } else if (o->account_gone) {
        cli_error("no link was received (the answer was lost: %s); the account %s no longer "
                  "exists", why, o->account);
    } else if (id && *id) {
        cli_error("no link was received (the answer was lost: %s); the state of the account %s "
                  "is unknown too (%s); check with 'skdash show --id %s'", why, o->account,
                  verify_reason(&o->check_err), id);
    } else {
        cli_error("no link was received (the answer was lost: %s); the state of the account %s "
                  "is unknown too (%s)", why, o->account, verify_reason(&o->check_err));
    }
    return o->account_gone ? SK_EXIT_NOT_FOUND : SK_EXIT_API;
}

static int do_link(const cli_globals *g, cli_session *s, const acct_args *aa)
{
    /* The account's names and id come from its details: for the output and the journal
     * (and an unknown account is "not found" before any link is asked for). */
    sk_detail_result det;
    int rc = fetch_detail(s, &aa->sel, &det);
    if (rc)
        return rc;
    const sk_account *acc = &det.d.a;
    sk_link_outcome o;
    verify_link_sync(s->client, &aa->sel, &o);
    char result[640];
    verify_link_journal(&o, result, sizeof result);
    cli_journal_note(s, "link", acc, aa->sel.id, result);
    if (o.outcome != SK_OUTCOME_DONE) {
        rc = link_failed(&o, acc->id && *acc->id ? acc->id : aa->sel.id);
    } else {
        sk_link l = { .link = o.link, .expiry = o.expiry };
        if (aa->fmt == CLI_FMT_JSON) {
            const char *id = acc->id && *acc->id ? acc->id : aa->sel.id;
            link_json(&l, acc->connector, acc->identifier, id, s->cfg.message);
        } else {
            link_text(&l);
            /* An expired link is shown for what it is, never drawn as a code to scan. */
            if (aa->qr && !o.expired)
                rc = print_qr(g, l.link);
        }
        if (o.expired) {
            cli_error("the link had already expired when it came; ask for another");
            rc = SK_EXIT_API;
        } else if (aa->fmt != CLI_FMT_JSON) {
            /* A link attaches whoever opens it: said beside it, on stderr (stdout stays the
             * link and its expiry, for pipes). */
            char *rcpt = link_recipient(acc->identifier, acc->connector);
            if (rcpt)
                fprintf(stderr, "skdash: link %s\n", rcpt);
            free(rcpt);
        }
        if (rc == SK_EXIT_OK && aa->wait) {
            fflush(stdout);
            if (!acc->id || !*acc->id) {
                cli_error("the server gave this account no id; cannot wait for it");
                rc = SK_EXIT_API;
            } else {
                rc = cli_link_wait(s, acc, l.expiry);
            }
        }
    }
    verify_link_outcome_free(&o);
    parse_account_detail_free(&det);
    return rc;
}

int cmd_link(const cli_globals *g, const cli_parsed *p)
{
    if (cli_selection_given(p))
        return cli_bulk_link(g, p);
    acct_args aa;
    int rc = acct_args_of(p, &aa);
    if (rc)
        return rc;
    if (aa.qr && aa.fmt == CLI_FMT_JSON)
        return cli_usage("link: --qr draws on text output only; drop --format json");
    if (aa.fmt == CLI_FMT_TABLE || aa.fmt == CLI_FMT_CSV)
        return cli_usage("link: one account is written as text or json (table and csv are "
                         "for a selection)");
    cli_session s;
    if ((rc = cli_connect(g, &s)) != 0)
        return rc;
    if ((rc = resolve(&s, "link", &aa)) == SK_EXIT_OK)
        rc = do_link(g, &s, &aa);
    free(aa.found_id);
    cli_disconnect(&s);
    return rc;
}

/* ---- delete ---- */

static bool confirm(void)
{
    fputs("Delete this account? [y/N] ", stderr);
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

static void show_target(const sk_account *a)
{
    put_field(stdout, "Connection:", a->connector);
    put_field(stdout, "Identifier:", a->identifier);
    put_field(stdout, "ID:", a->id);
    put_state(stdout, a);
}

/* Prints what the checked delete came to; returns its exit code. */
static int delete_report(const sk_delete_outcome *o, const char *id)
{
    const char *why = verify_reason(&o->err);
    switch (o->outcome) {
    case SK_OUTCOME_DONE:
        if (o->how == SK_CONFIRM_READ_BACK_404)
            printf("Deleted %s (the delete answered not found; the account is confirmed gone).\n",
                   o->account);
        else if (o->how == SK_CONFIRM_READ_BACK)
            printf("Deleted %s (confirmed after the answer was lost: %s).\n", o->account, why);
        else
            printf("Deleted %s.\n", o->account);
        return SK_EXIT_OK;
    case SK_OUTCOME_NOT_DONE:
        if (o->checked)
            cli_error("not deleted: %s (the account %s is still there)", why, o->account);
        else
            cli_error("not deleted: %s", why);
        return o->err.status == SK_ERR_NOT_FOUND || o->err.status == SK_OK
                   ? SK_EXIT_API : sk_status_exit_code(o->err.status);
    default:
        cli_error("outcome UNKNOWN: the answer to deleting %s was lost (%s) and reading the "
                  "account back failed too (%s); check with 'skdash show --id %s'", o->account,
                  why, verify_reason(&o->check_err), id);
        return SK_EXIT_API;
    }
}

static int do_delete(cli_session *s, const acct_args *aa)
{
    sk_detail_result det;
    int rc = fetch_detail(s, &aa->sel, &det);
    if (rc)
        return rc;
    show_target(&det.d.a);
    fflush(stdout);
    if (aa->dry_run) {
        printf("Dry run: nothing deleted.\n");
        cli_journal_note(s, "delete", &det.d.a, aa->sel.id, "dry-run");
    } else if (!aa->yes && !isatty(STDIN_FILENO)) {
        cli_error("not deleting without confirmation: stdin is not a terminal; pass --yes");
        rc = SK_EXIT_USAGE;
    } else if (!aa->yes && !confirm()) {
        cli_error("not deleted");
        rc = SK_EXIT_DECLINED;
    } else if (!det.d.a.id || !*det.d.a.id) {
        cli_error("the server gave this account no id; not deleting");
        rc = SK_EXIT_API;
    } else {
        /* By id: the safe choice, it names exactly the account just shown. A lost answer is
         * checked by reading the account back: never reported on a guess. */
        sk_delete_outcome o;
        verify_delete_sync(s->client, det.d.a.id, &o);
        char result[640];
        verify_delete_journal(&o, result, sizeof result);
        cli_journal_note(s, "delete", &det.d.a, NULL, result);
        sk_buf b;
        buf_init(&b);
        text_sanitize(&b, det.d.a.id, strlen(det.d.a.id));
        rc = delete_report(&o, b.s ? b.s : "");
        buf_free(&b);
    }
    parse_account_detail_free(&det);
    return rc;
}

/* The read-only gate (--read-only, the profile's read_only) is passed before this runs and
 * in cli_connect: delete is marked as writing in the command table. */
int cmd_delete(const cli_globals *g, const cli_parsed *p)
{
    if (cli_selection_given(p))
        return cli_bulk_delete(g, p);
    acct_args aa;
    int rc = acct_args_of(p, &aa);
    if (rc)
        return rc;
    cli_session s;
    if ((rc = cli_connect(g, &s)) != 0)
        return rc;
    rc = do_delete(&s, &aa);
    cli_disconnect(&s);
    return rc;
}
