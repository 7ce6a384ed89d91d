/* cli_table.h: a plain-text table that fits a width: cells are made safe for the terminal,
 * measured in display columns (CJK, emoji), and the columns named first give way first. */
#ifndef CLI_TABLE_H
#define CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_TABLE_MAX_COLS 16

typedef struct cli_table cli_table;

cli_table *table_new(int ncols, const char *const *headers);
void table_free(cli_table *t);
/* Right-align column `col` (numbers). */
void table_align_right(cli_table *t, int col);
/* How column `col` gives way when the table is too wide: lower `order` shrinks first, down
 * to `min_width` columns. Columns never set do not shrink. */
void table_shrink(cli_table *t, int col, int order, int min_width);
/* Adds a row; each cell is copied through sanitize_term (NULL shows as "-"). `sgr` may give a
 * colour escape per cell (NULL entries or NULL array: none). Returns false on OOM. */
bool table_add_row(cli_table *t, const char *const *cells, const char *const *sgr);
/* Writes the header and the rows; width 0 = no limit. Colour escapes only when `color`. */
void table_print(const cli_table *t, FILE *f, int width, bool color, bool utf8);

#endif
