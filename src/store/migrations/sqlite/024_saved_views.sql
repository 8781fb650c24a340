-- 024: saved views of the complaint list (#20): a name and the list's
-- filters (a JSON object of the list's parameters, GET /complaints), kept
-- for one user (owner_user) or shared with a unit and the units below it
-- (unit). The filters are applied within the scope of whoever opens the
-- view, so sharing a view shares a question, never complaints.
CREATE TABLE IF NOT EXISTS saved_views (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    filters TEXT NOT NULL,
    owner_user BIGINT REFERENCES users (id),
    unit BIGINT REFERENCES units (id),
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((owner_user IS NULL) <> (unit IS NULL))
);
CREATE INDEX IF NOT EXISTS saved_views_owner ON saved_views (owner_user);
CREATE INDEX IF NOT EXISTS saved_views_unit ON saved_views (unit);
