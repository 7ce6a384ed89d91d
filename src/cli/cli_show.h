/* cli_show.h: `show`'s output of one account (cli_account.c), and `show SELECTION`
 * (cli_show_sel.c): every account a selection keeps, each written as one-account show writes
 * it. */
#ifndef CLI_SHOW_H
#define CLI_SHOW_H

#include <stdio.h>
#include <json-c/json.h>

#include "account.h"
#include "cli_cmd.h"

/* Every field of account_fields() as "Label: value", then what the state means and what to
 * do: the text of `show`. */
void cli_show_text(FILE *out, const sk_account_detail *d);
/* The object `show --format json` prints (NULL on OOM); the caller puts it. */
struct json_object *cli_show_json(const sk_account_detail *d);

/* show SELECTION [--format text|json]: the details of every account the selection keeps, in
 * list's order; text: one block each, a blank line between; json: one array. */
int cli_show_selection(const cli_globals *g, const cli_parsed *p);

#endif
