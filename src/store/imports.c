/*
 * imports: the rows of ledgers (台账) already imported (import_rows,
 * migration 018), read before a row is taken in so that a re-run skips it.
 * The rows are written by the complaint's creation (complaints_write.c,
 * store_with's mark), in its transaction.
 */
#include "store/driver.h"
#include "store/store.h"

int store_import_find(store *s, const char *key, int64_t *complaint_id)
{
    return db_read_int(s, "import_find", "SELECT COALESCE(MAX(complaint_id), 0) FROM import_rows WHERE row_key = ?",
                       DB_VALS(DB_TEXT(key)), complaint_id);
}

int store_import_count(store *s, const char *file_hash, int64_t *n)
{
    return db_read_int(s, "import_count", "SELECT COUNT(*) FROM import_rows WHERE file_hash = ?",
                       DB_VALS(DB_TEXT(file_hash)), n);
}
