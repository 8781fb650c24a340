/* pg: the PostgreSQL store backend (libpq, a connection pool per process). See pg.c. */
#ifndef REDRESS_STORE_PG_H
#define REDRESS_STORE_PG_H

#include <stddef.h>

#include "store/backend.h"

/*
 * Opens the database at url (a libpq connection URI, kept as it is: host
 * lists, sslmode, target_session_attrs … all work), applies pending
 * migrations under an advisory lock and returns the store, or NULL with a
 * message in err.
 */
store *pg_store_open(const char *url, const store_options *opt, char *err, size_t errlen);

#endif
