/* duration.h: spans of time as people write them on the command line and in the config file:
 * a whole number and a unit, `90m`, `36h`, `3d`, `2w` (also `45s`). */
#ifndef DURATION_H
#define DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "sk_status.h"

/* The longest span taken: about 100 years (nothing skdash compares needs more, and the sum
 * with a timestamp can never overflow). */
#define DURATION_MAX_SECS ((int64_t)100 * 366 * 86400)

/* Reads s ("3d") into *secs. A number without a unit, an unknown unit, a sign, blanks, zero,
 * or more than DURATION_MAX_SECS is SK_ERR_USAGE with a message naming the text and what is
 * taken ("'3x': unknown unit 'x' (a duration is a number and m, h, d or w: 90m, 36h, 3d,
 * 2w)"); *secs is then untouched. */
sk_status duration_parse(const char *s, int64_t *secs, sk_error *err);

/* The shortest exact way to write secs: "2w", "3d", "36h", "90m", "45s"; "0s" for 0. */
void duration_format(int64_t secs, char *buf, size_t n);

#endif
