/*
 * app_result: what the use cases return, and the one retry policy for
 * versioned writes.
 *
 * Every function of app/ that can be refused returns one of: 0; CERR_USER
 * (core/cerr.h), a user error described in its cerr; a STORE_* code
 * (store/store.h), a failure of the store passed up unchanged; and, where
 * its comment says so, 1 for "nothing to do". The values never overlap, so
 * a caller needs no other clue (such as whether the cerr was filled) to
 * tell them apart.
 *
 * A versioned write (a complaint's step, an incident's, the sweep's) that
 * finds someone else wrote first is decided again on their state, up to
 * APP_WRITE_ATTEMPTS attempts in all; then the conflict is the caller's.
 */
#ifndef REDRESS_APP_RESULT_H
#define REDRESS_APP_RESULT_H

#include <stdbool.h>

#include "core/cerr.h"
#include "store/store.h"

_Static_assert(CERR_USER != 0 && CERR_USER != -1 && CERR_USER != STORE_NOTFOUND && CERR_USER != STORE_CONFLICT &&
                   CERR_USER != STORE_ERROR && CERR_USER != STORE_UNAVAILABLE,
               "a user error shares its code with a store failure");

enum { APP_WRITE_ATTEMPTS = 20 };

/* True when attempt (0-based) of a versioned write ended in rc = STORE_CONFLICT
 * and another attempt may follow. */
static inline bool app_retry(int rc, int attempt)
{
    return rc == STORE_CONFLICT && attempt + 1 < APP_WRITE_ATTEMPTS;
}

/* True when rc is one of the codes above (for the asserts of each contract). */
static inline bool app_result_ok(int rc)
{
    return rc == 0 || rc == CERR_USER || rc == STORE_NOTFOUND || rc == STORE_CONFLICT || rc == STORE_ERROR ||
           rc == STORE_UNAVAILABLE;
}

#endif
