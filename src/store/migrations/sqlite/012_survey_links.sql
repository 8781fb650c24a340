-- 012: the revisit's survey links (docs/api.md "Surveys"). A link is a
-- single-use token handed to one customer to answer the survey of one
-- complaint without signing in; only its hash is stored. used_at is set
-- when the answers arrive (0 = unused); an expired or used link answers
-- 410 on the portal.
CREATE TABLE survey_links (
    id           INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_links_complaint ON survey_links (complaint_id);
