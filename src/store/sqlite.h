/* sqlite: the embedded store backend (WAL, one writer thread with group commit). */
#ifndef REDRESS_STORE_SQLITE_H
#define REDRESS_STORE_SQLITE_H

#include <stddef.h>

#include "store/backend.h"

store *sqlite_store_open(const char *path, char *err, size_t errlen);

#endif
