/* views: the saved views of the complaint list (store.h, migration 024). */
#include <stdlib.h>

#include "store/driver.h"
#include "store/store.h"

void saved_view_list_release(saved_view_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].filters);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static const db_col view_cols[] = {
    DB_COLS(saved_view, id, name, filters, owner_user, unit, created_by, created_at), {0}};

#define VIEW_SELECT                                                                                                    \
    "SELECT id, name, filters, COALESCE(owner_user, 0), COALESCE(unit, 0), created_by, created_at FROM saved_views "

struct list_filter {
    int64_t user;
    const int64_t *units;
    size_t n_units;
};

static void view_where(db_where *w, db_conn *c, const void *filter)
{
    const struct list_filter *f = filter;
    db_where_val(w, " AND (owner_user = ?", DB_INT(f->user));
    if (f->n_units) {
        buf_puts(&w->sql, " OR ");
        db_where_in(w, c, "unit", f->units, NULL, f->n_units);
    }
    buf_puts(&w->sql, ")");
}

int store_view_list(store *s, int64_t user_id, const int64_t *units, size_t n_units, saved_view_list *out)
{
    struct list_filter f = {user_id, units, n_units};
    return db_read_where(s, "view_list", VIEW_SELECT "WHERE 1 = 1", view_where, &f, " ORDER BY id LIMIT ?", 500,
                         view_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

int store_view_get(store *s, int64_t id, saved_view *out)
{
    return db_read_row(s, "view_get", VIEW_SELECT "WHERE id = ?", DB_VALS(DB_INT(id)), view_cols, out);
}

int store_view_add(store *s, saved_view *v)
{
    return db_write_id(s, "view_add",
                       "INSERT INTO saved_views (name, filters, owner_user, unit, created_by, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                       DB_VALS(DB_TEXT(v->name), DB_TEXT(v->filters), DB_ID(v->owner_user), DB_ID(v->unit),
                               DB_INT(v->created_by), DB_INT(v->created_at)),
                       &v->id);
}

int store_view_delete(store *s, int64_t id)
{
    return db_write_one(s, "view_delete", true, "DELETE FROM saved_views WHERE id = ?", DB_VALS(DB_INT(id)));
}
