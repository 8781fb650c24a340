-- 018: ledger import (台账, docs/operations.md "Ledger import").
--
-- One row per ledger row imported: its key (the mapping's key column,
-- unique across ledgers), the file it came from (BLAKE2b of its bytes, and
-- its name), its row number in that file and the complaint it became.
-- Written in the creating transaction of that complaint, so a re-run of the
-- same file, or of one that was interrupted, skips exactly the rows already
-- imported.
CREATE TABLE IF NOT EXISTS import_rows (
    row_key TEXT PRIMARY KEY,
    file_hash TEXT NOT NULL,
    file_name TEXT NOT NULL,
    row_no BIGINT NOT NULL,
    complaint_id BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS import_rows_file ON import_rows (file_hash, row_no);

-- The mappings saved by name (PUT /api/v1/import-mappings/{name}), which
-- `redress import --mapping NAME` and the import page use: the mapping's
-- JSON as given, who saved it last and when.
CREATE TABLE IF NOT EXISTS import_mappings (
    name TEXT PRIMARY KEY,
    mapping TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL
);
