/*
 * throttle: the rule that slows down password guessing at sign-in, pure
 * (the time is an argument). It counts the failures of one source — a
 * client address trying one account name — never of the account alone, so
 * that nobody can lock a user out from somewhere else, and it treats a name
 * that exists exactly like one that does not.
 *
 * States of one (address, name) pair, kept by the store between attempts:
 *
 *     free ──failure (count < rule.limit)──▶ free
 *       │
 *       └──failure (count ≥ rule.limit)──▶ blocked until now + delay
 *                                            │ (attempts refused unheard)
 *     blocked ──time passes──▶ free (the count stays: the next failure
 *                                   blocks for twice as long, up to max)
 *     any ──success, or `forget` seconds without a failure──▶ count 0
 *
 * The delay after the n-th failure (n ≥ limit) is first · 2^(n − limit),
 * capped at max.
 */
#ifndef REDRESS_THROTTLE_H
#define REDRESS_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct throttle_rule {
    int limit;           /* the limit-th failure in a row blocks; 0 = never */
    int64_t first_delay; /* seconds of the first block */
    int64_t max_delay;   /* seconds no block exceeds */
    int64_t forget;      /* seconds without a failure after which the count restarts */
} throttle_rule;

typedef struct throttle_state {
    int failures;          /* failures counted (since the last success or forgetting) */
    int64_t blocked_until; /* attempts before then are refused; 0 = none */
    int64_t last_at;       /* the last failure */
} throttle_state;

/* Seconds an attempt at now must still wait (0: it may go ahead). */
int64_t throttle_wait(const throttle_state *s, int64_t now);

/*
 * Records the outcome of an attempt made at now: a success clears *s; a
 * failure counts and, from the rule's limit-th on, blocks. A failure while
 * blocked (one that raced with the failure that blocked) changes nothing.
 * Returns true when the failure left the pair blocked.
 */
bool throttle_record(const throttle_rule *r, throttle_state *s, bool ok, int64_t now);

/* True when a stored state no longer matters at now and can be dropped. */
bool throttle_stale(const throttle_rule *r, const throttle_state *s, int64_t now);

#endif
