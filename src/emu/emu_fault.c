/* emu_fault.c: skemu's misbehaviour on demand. Decisions come from one PRNG stream seeded by
 * --seed, so a run with the same requests in the same order fails the same way. */
#include "emu_fault.h"

#include <string.h>

#include "emu_util.h"

void emu_faults_init(emu_faults *f, const emu_options *o)
{
    memset(f, 0, sizeof *f);
    f->opt = o;
    f->rng = o->seed * 0xD1B54A32D192ED03ull + 7;
    f->window = -1;
}

/* Draws only when a rate is set, so adding one fault flag does not reshuffle the others. */
static bool draw(emu_faults *f, double rate)
{
    if (rate <= 0.0) return false;
    return emu_rand_unit(&f->rng) < rate;
}

static bool rate_limited(emu_faults *f, double now)
{
    long sec = (long)now;
    if (sec != f->window) {
        f->window = sec;
        f->window_count = 0;
    }
    f->window_count++;
    return f->opt->rate_limit > 0 && f->window_count > f->opt->rate_limit;
}

emu_fault_plan emu_faults_plan(emu_faults *f, double now, bool mutating)
{
    const emu_options *o = f->opt;
    emu_fault_plan p;
    memset(&p, 0, sizeof p);
    p.delay_ms = o->latency_ms;
    f->count++;
    bool limited = rate_limited(f, now);
    if (f->count <= o->fault_after) return p;
    if (limited) {
        p.kind = EMU_FAULT_RATE;
        return p;
    }
    if (draw(f, o->hang_rate)) p.kind = EMU_FAULT_HANG;
    else if (draw(f, o->fail_rate)) p.kind = (emu_rand_next(&f->rng) & 1) ? EMU_FAULT_503
                                                                            : EMU_FAULT_500;
    if (p.kind != EMU_FAULT_NONE) return p;
    /* Only a request that is carried out can lose its answer; a lost answer has no body to
     * damage, so no damage is drawn for it. */
    if (mutating && draw(f, o->lose_rate)) {
        p.lose = true;
        return p;
    }
    if (draw(f, o->truncate_rate)) p.damage = EMU_DAMAGE_TRUNCATE;
    else if (draw(f, o->malformed_rate)) p.damage = EMU_DAMAGE_MALFORMED;
    else if (draw(f, o->wrong_types_rate)) p.damage = EMU_DAMAGE_WRONG_TYPES;
    if (p.damage != EMU_DAMAGE_NONE) p.damage_seed = emu_rand_next(&f->rng);
    return p;
}

const char *emu_faults_malformed(uint64_t seed)
{
    static const char *const bodies[] = {
        "{\"connected_accounts\":[{\"id\":\"ca_1\",\"identifier\":",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        "{\"total_size\": 12,, \"next_page_token\": }",
        "{\"connected_accounts\" [] \"total_size\" 0}",
        "[1, 2, 3",
        "",
    };
    return bodies[seed % (sizeof bodies / sizeof bodies[0])];
}

/* The same data with another JSON type: what a buggy proxy or a schema drift might send. */
static json_object *retype(json_object *v, uint64_t *rng)
{
    switch (json_object_get_type(v)) {
    case json_type_string: return (emu_rand_next(rng) & 1) ? json_object_new_int(42)
                                                          : json_object_new_object();
    case json_type_int:
    case json_type_double: return json_object_new_string(json_object_get_string(v));
    case json_type_array: return json_object_new_object();
    case json_type_object: return json_object_new_array();
    case json_type_boolean: return json_object_new_string("yes");
    default: return json_object_new_int(0);
    }
}

static int mutate(json_object *o, uint64_t *rng, int depth, unsigned percent)
{
    int changed = 0;
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            changed += mutate(json_object_array_get_idx(o, i), rng, depth + 1, percent);
        return changed;
    }
    if (!json_object_is_type(o, json_type_object) || depth > 8) return 0;
    /* Keys first: replacing values while iterating the table is not worth the risk. */
    const char *keys[64];
    size_t n = 0;
    json_object_object_foreach(o, key, val) {
        (void)val;
        if (n < 64) keys[n++] = key;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_object_get(o, keys[i]);
        if (emu_rand_below(rng, 100) < percent) {
            json_object_object_add(o, keys[i], retype(v, rng));
            changed++;
        } else {
            changed += mutate(v, rng, depth + 1, percent);
        }
    }
    return changed;
}

void emu_faults_wrong_types(json_object *root, uint64_t seed)
{
    uint64_t rng = seed;
    /* Mostly nested fields, so clients see damaged rows as well as damaged envelopes. */
    if (mutate(root, &rng, 0, 25) > 0) return;
    json_object_object_foreach(root, k, v) {
        json_object_object_add(root, k, retype(v, &rng));
        break;
    }
}
