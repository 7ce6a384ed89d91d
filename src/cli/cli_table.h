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
/* A shorter header shown when the column is too narrow for the full one. */
void table_header_short(cli_table *t, int col, const char *shrt);
/* Right-align column `col` (numbers). */
void table_align_right(cli_table *t, int col);
/* min_width of a column that shrinks to its widest cell (the header is cut instead). */
#define TABLE_MIN_CONTENT (-1)
/* How column `col` gives way when the table is too wide: passes run by increasing `order`;
 * each pass shrinks its column down to `min_width` (0 hides the column, TABLE_MIN_CONTENT
 * cuts only the header). A column may be given several passes (call again with another
 * order); the last set min_width also bounds the final pass. Columns never set do not
 * shrink until a last pass that takes every shrinkable column down to one cell. */
void table_shrink(cli_table *t, int col, int order, int min_width);
/* Adds a row; each cell is copied through text_sanitize (NULL shows as "-"). `shorts` may
 * give a shorter form per cell used when the column is too narrow for the full one; `sgr`
 * a colour escape per cell (NULL entries or NULL arrays: none). Returns false on OOM. */
bool table_add_row(cli_table *t, const char *const *cells, const char *const *shorts,
                   const char *const *sgr);
/* Writes the header and the rows; width 0 = no limit. Colour escapes only when `color`. */
void table_print(const cli_table *t, FILE *f, int width, bool color, bool utf8);

#endif
