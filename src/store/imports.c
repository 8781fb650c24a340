/*
 * imports: the rows of ledgers (台账) already imported (import_rows,
 * migration 018), read before a row is taken in so that a re-run skips it.
 * The rows are written by the complaint's creation (complaints_write.c,
 * store_with's mark), in its transaction; and the references other systems
 * gave their complaints (external_refs, migration 021; store_with's ref).
 */
#include <stdlib.h>
#include <string.h>

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

/* ---- saved mappings ---- */

static const db_col mapping_cols[] = {DB_COLS(import_mapping, name, mapping, updated_at, updated_by), {0}};

int store_import_mapping_put(store *s, const import_mapping *m)
{
    return db_write_one(s, "import_mapping_put", false,
                        "INSERT INTO import_mappings (name, mapping, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, "
                        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        DB_VALS(DB_TEXT(m->name), DB_TEXT(m->mapping), DB_INT(m->updated_at), DB_INT(m->updated_by)));
}

int store_import_mapping_get(store *s, const char *name, import_mapping *out)
{
    return db_read_row(s, "import_mapping_get",
                       "SELECT name, mapping, updated_at, updated_by FROM import_mappings WHERE name = ?",
                       DB_VALS(DB_TEXT(name)), mapping_cols, out);
}

int store_import_mapping_list(store *s, import_mapping_list *out)
{
    return db_read_list(s, "import_mapping_list",
                        "SELECT name, mapping, updated_at, updated_by FROM import_mappings ORDER BY name", NULL,
                        mapping_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

/* ---- references of other systems (external_refs) ---- */

int store_external_ref_find(store *s, const char *channel, const char *ref, int64_t *id)
{
    int rc = db_read_int(s, "external_ref_find",
                         "SELECT COALESCE(MAX(complaint_id), 0) FROM external_refs WHERE channel = ? AND ref = ?",
                         DB_VALS(DB_TEXT(channel), DB_TEXT(ref)), id);
    return rc == 0 && *id == 0 ? STORE_NOTFOUND : rc;
}
