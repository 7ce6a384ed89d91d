/* fuzz_emu_common.h: helpers of the skemu fuzz targets (fuzz_emu.c, fuzz_emu_data.c). */
#ifndef FUZZ_EMU_COMMON_H
#define FUZZ_EMU_COMMON_H

#include <stdbool.h>

#include "../../src/emu/emu_api.h"

#define FUZZ_EMU_MAX_REQUESTS 16
#define FUZZ_EMU_EPOCH 1744761600   /* 2025-04-16T00:00:00Z: answers must not depend on today */

/* skemu's defaults with small fixed data (12 accounts, 3 connections, seed 1, fixed epoch). */
void fuzz_emu_options(emu_options *o);
/* True when o asks for any fault (then answers are not checked against skdash's parsers). */
bool fuzz_emu_faults_on(const emu_options *o);
/* With faults off: a 200 from an endpoint parses with skdash's parser of it, any other status
 * with parse_error_body, and a JSON answer is JSON. */
void fuzz_emu_check_answer(const emu_request *rq, const emu_response *rs);
/* One request read from [p, end): "METHOD URI", headers, blank line, body; @TOKEN@ and @LINK@
 * expanded (token: a valid access token; link: the newest magic link's token). */
void fuzz_emu_request(emu *e, const char *p, const char *end, bool check, const char *token);
/* Requests separated by lines "===", at most FUZZ_EMU_MAX_REQUESTS. */
void fuzz_emu_script(emu *e, const char *p, const char *end, bool check, const char *token);

#endif
