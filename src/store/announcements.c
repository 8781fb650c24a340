/* announcements: see announcements.h. */
#include "store/announcements.h"

#include <stdlib.h>

#include "store/driver.h"
#include "store/rows.h"
#include "util/xalloc.h"

#define ANN_SELECT                                                                                                     \
    "SELECT id, title, script, unit, starts_at, ends_at, confirmed_at, published_at, late, status, created_by, "      \
    "resolved_at, resolved_by, resolution, version, scope FROM announcements "

static const db_col ann_cols[] = {
    DB_COLS(announcement, id, title, script, unit, starts_at, ends_at, confirmed_at, published_at, late, status,
            created_by, resolved_at, resolved_by, resolution, version),
    DB_COL_FN(announcement, scope, rows_json_read, rows_json_drop),
    {0},
};

int store_announcement_add(store *s, const announcement *a, int64_t *id)
{
    char *scope = json_dumps(a->scope, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = db_write_id(s, "announcement_add",
                         "INSERT INTO announcements (title, script, scope, unit, starts_at, ends_at, confirmed_at, "
                         "published_at, late, status, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?) "
                         "RETURNING id",
                         DB_VALS(DB_TEXT(a->title), DB_TEXT(a->script), DB_TEXT(scope), DB_INT(a->unit),
                                 DB_INT(a->starts_at), DB_INT(a->ends_at), DB_INT(a->confirmed_at),
                                 DB_INT(a->published_at), DB_INT(a->late), DB_INT(a->created_by)),
                         id);
    free(scope);
    return rc;
}

int store_announcement_get(store *s, int64_t id, announcement *out)
{
    announcement got = {0};
    int rc = db_read_row(s, "announcement_get", ANN_SELECT "WHERE id = ?", DB_VALS(DB_INT(id)), ann_cols, &got);
    if (rc == 0) {
        announcement_release(out);
        *out = got;
    }
    return rc;
}

int store_announcement_list(store *s, bool active, int limit, announcement_list *out)
{
    return db_read_list(s, "announcement_list",
                        ANN_SELECT "WHERE (? = 0 OR status = 'active') ORDER BY published_at DESC, id DESC LIMIT ?",
                        DB_VALS(DB_INT(active), DB_INT(limit)), ann_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

int store_announcement_update(store *s, const announcement *a)
{
    int rc = db_write_one(s, "announcement_update", true,
                          "UPDATE announcements SET status = ?, resolved_at = ?, resolved_by = ?, resolution = ?, "
                          "version = ? WHERE id = ? AND version = ?",
                          DB_VALS(DB_TEXT(a->status), DB_INT(a->resolved_at), DB_INT(a->resolved_by),
                                  DB_TEXT(a->resolution), DB_INT(a->version), DB_INT(a->id), DB_INT(a->version - 1)));
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

/* A complaint's id: a row of one integer. */
static const db_col id_col[] = {{DB_C_I64, 0, sizeof(int64_t), NULL, NULL}, {0}};

int store_announcement_complaints(store *s, int64_t id, bool open, int64_t **ids, size_t *n)
{
    return db_read_list(s, "announcement_complaints",
                        "SELECT id FROM complaints WHERE announcement = ? AND (? = 0 OR is_open = 1) ORDER BY id",
                        DB_VALS(DB_INT(id), DB_INT(open)), id_col, sizeof **ids, (void **)ids, n);
}
