/* emu_fault.h: skemu's fault injection: per-request plans (rate limit, hang, 5xx, latency, an
 * answer lost after the work was done) and the damage done to 200 bodies (truncated, malformed,
 * wrong types). */
#ifndef EMU_FAULT_H
#define EMU_FAULT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "emu.h"

typedef struct emu_faults {
    const emu_options *opt;
    uint64_t rng;
    long count;          /* faultable requests seen */
    long window;         /* current 1-second window (monotonic seconds) */
    long window_count;
} emu_faults;

enum emu_fault_kind { EMU_FAULT_NONE, EMU_FAULT_RATE, EMU_FAULT_HANG, EMU_FAULT_500,
                      EMU_FAULT_503 };
enum emu_damage { EMU_DAMAGE_NONE, EMU_DAMAGE_TRUNCATE, EMU_DAMAGE_MALFORMED,
                  EMU_DAMAGE_WRONG_TYPES };

typedef struct emu_fault_plan {
    enum emu_fault_kind kind;
    enum emu_damage damage;   /* applied only if the answer is a 200 */
    uint64_t damage_seed;
    long delay_ms;
    bool lose;                /* route the request, then drop its answer (mutating ones only) */
} emu_fault_plan;

void emu_faults_init(emu_faults *f, const emu_options *o);
/* Decides what happens to one faultable request arriving at monotonic time now; mutating:
 * it changes data (POST/PUT under /api/v1/), so its answer may be lost after it is done. */
emu_fault_plan emu_faults_plan(emu_faults *f, double now, bool mutating);
/* Changes the types of some fields of a 200 body in place (deterministic for a seed). */
void emu_faults_wrong_types(json_object *root, uint64_t seed);
/* A body that no JSON parser accepts (static text). */
const char *emu_faults_malformed(uint64_t seed);

#endif
