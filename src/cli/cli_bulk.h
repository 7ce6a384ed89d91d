/* cli_bulk.h: the account commands over a selection (cli_select.h): the handlers of link and
 * delete send a call with selection flags here; disconnect lives here whole. */
#ifndef CLI_BULK_H
#define CLI_BULK_H

#include "cli_cmd.h"

/* link SELECTION [--format table|csv|json] [--dry-run] */
int cli_bulk_link(const cli_globals *g, const cli_parsed *p);
/* delete SELECTION [--dry-run | --yes] */
int cli_bulk_delete(const cli_globals *g, const cli_parsed *p);

#endif
