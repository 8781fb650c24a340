-- 014: the search index (core/search.h, store/search.c, docs/privacy.md
-- "Search"). A term is a keyed hash of a word of a complaint's text, never
-- the word; tf counts its occurrences in the complaint, len all the words
-- of the complaint (for ranking). Written in the transaction of the
-- creation or step that adds the text; an erasure deletes the complaint's
-- rows. The dialects differ only in the integer type and SQLite's
-- WITHOUT ROWID (the key is the row: half the size)
CREATE TABLE search_terms (
    term         INTEGER NOT NULL,
    complaint_id INTEGER NOT NULL,
    tf           INTEGER NOT NULL,
    PRIMARY KEY (term, complaint_id)
) WITHOUT ROWID;
CREATE INDEX search_terms_complaint ON search_terms (complaint_id);
CREATE TABLE search_docs (
    complaint_id INTEGER PRIMARY KEY,
    len          INTEGER NOT NULL
);
-- A search's total with the caller's scope or other filters reads these
-- columns of every match: a covering index holds them in 1/50 of the
-- space of the rows (whose data document is kilobytes).
CREATE INDEX complaints_scope ON complaints (id, owner_unit, subject_unit, handler_unit, is_open, status, stage,
    level, channel, category, kind, received_at, stage_due, warn_at);
