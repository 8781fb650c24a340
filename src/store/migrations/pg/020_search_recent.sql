-- 020: the search index's recent level (store/search.c). A creation or a
-- step writes its terms as one row here — packed, sorted keyed terms with
-- their counts (core/search.h search_terms_pack) — instead of one row of
-- search_terms per term; the merger (jobs/merge.c) moves batches of them
-- into search_terms in term order and deletes them. A search reads both
-- levels. seq orders the rows for the merger; the complaint's index serves
-- an erasure and a search's "not in the recent level" test. The dialects
-- differ only in the types.
CREATE TABLE search_recent (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id BIGINT NOT NULL,
    terms        BYTEA NOT NULL
);
CREATE INDEX search_recent_complaint ON search_recent (complaint_id);
