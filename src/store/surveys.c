/* surveys: see surveys.h. */
#include "store/surveys.h"

#include "store/driver.h"

int store_survey_link_add(store *s, const uint8_t hash[32], int64_t complaint_id, int64_t created_by, int64_t now,
                          int64_t expires_at, int64_t *id)
{
    return db_write_id(s, "survey_link_add",
                       "INSERT INTO survey_links (hash, complaint_id, created_by, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?) RETURNING id",
                       DB_VALS(DB_BLOB(hash, 32), DB_INT(complaint_id), DB_INT(created_by), DB_INT(now),
                               DB_INT(expires_at)),
                       id);
}

static const db_col link_cols[] = {
    DB_COLS(survey_link, id, complaint_id, created_by, created_at, expires_at, used_at),
    {0},
};

int store_survey_link_get(store *s, const uint8_t hash[32], survey_link *out)
{
    return db_read_row(s, "survey_link_get",
                       "SELECT id, complaint_id, created_by, created_at, expires_at, used_at FROM survey_links "
                       "WHERE hash = ?",
                       DB_VALS(DB_BLOB(hash, 32)), link_cols, out);
}

int store_survey_link_use(store *s, int64_t id, int64_t now)
{
    return db_write_one(s, "survey_link_use", true, "UPDATE survey_links SET used_at = ? WHERE id = ? AND used_at = 0",
                        DB_VALS(DB_INT(now), DB_INT(id)));
}
