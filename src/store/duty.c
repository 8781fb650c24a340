/*
 * duty: the on-duty rosters of units (store.h, migration 028), written
 * once for both backends over the driver (driver.h). A unit's roster is
 * replaced as a whole in one transaction.
 */
#include "store/driver.h"
#include "store/store.h"

static const db_col duty_cols[] = {DB_COLS(duty_entry, unit, user, from, to), {0}};

#define DUTY_SELECT "SELECT unit, user_id, starts_at, ends_at FROM duty_roster "

int store_duty_list(store *s, int64_t unit_id, duty_list *out)
{
    return db_read_list(s, "duty_list", DUTY_SELECT "WHERE unit = ? ORDER BY starts_at LIMIT ?",
                        DB_VALS(DB_INT(unit_id), DB_INT(DUTY_MAX_ENTRIES)), duty_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

int store_duty_at(store *s, int64_t t, duty_list *out)
{
    return db_read_list(s, "duty_at", DUTY_SELECT "WHERE ends_at > ? AND starts_at <= ? ORDER BY unit LIMIT ?",
                        DB_VALS(DB_INT(t), DB_INT(t), DB_INT(10000)), duty_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

struct set_arg {
    int64_t unit;
    const duty_entry *e;
    size_t n;
};

static int set_rows(db_conn *c, void *arg)
{
    const struct set_arg *a = arg;
    int rc = db_execv(c, "DELETE FROM duty_roster WHERE unit = ?", DB_VALS(DB_INT(a->unit)));
    for (size_t i = 0; i < a->n && !rc; i++)
        rc = db_execv(c, "INSERT INTO duty_roster (unit, user_id, starts_at, ends_at) VALUES (?, ?, ?, ?)",
                      DB_VALS(DB_INT(a->unit), DB_INT(a->e[i].user), DB_INT(a->e[i].from), DB_INT(a->e[i].to)));
    return rc;
}

int store_duty_set(store *s, int64_t unit_id, const duty_entry *e, size_t n)
{
    struct set_arg a = {unit_id, e, n};
    return db_run_write(s, "duty_set", set_rows, &a, 0);
}
