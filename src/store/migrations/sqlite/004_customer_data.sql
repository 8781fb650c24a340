-- 004: customer data protected at rest (docs/privacy.md). Each complaint's
-- customer data and free text are sealed with the complaint's own data key;
-- the key is kept here, wrapped by a master key (key_id names which one, so
-- several can be known while keys are rotated). Erasure deletes the row:
-- whatever was sealed with the key is unreadable from then on, in the
-- projection, in the events and in every backup taken afterwards.
CREATE TABLE pii_keys (
    complaint_id INTEGER PRIMARY KEY,
    key_id       TEXT NOT NULL,
    wrapped      BLOB NOT NULL
);
-- `redress rekey` finds the keys still wrapped by an old master key.
CREATE INDEX pii_keys_key ON pii_keys (key_id, complaint_id);

-- Per-user permissions beyond the roles (today "pii": may see customer data
-- in clear). A row overrides the role's default: granted 1 or 0.
CREATE TABLE user_grants (
    user_id INTEGER NOT NULL REFERENCES users (id),
    perm    TEXT NOT NULL,
    granted INTEGER NOT NULL,
    PRIMARY KEY (user_id, perm)
);

-- The retention job: closed complaints not yet anonymised (an anonymised
-- complaint has no phone index), oldest closing first.
CREATE INDEX complaints_retention ON complaints (closed_at, id) WHERE closed_at > 0 AND phone <> '';
