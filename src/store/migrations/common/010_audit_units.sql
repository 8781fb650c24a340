-- 010: the units an audit entry concerns, so that an auditor or
-- administrator reads only the entries within their unit subtree
-- (docs/privacy.md "The audit log"). One row per unit, written with the
-- entry in its transaction (store/audit.c): a complaint's owner, subject,
-- handling and assisting units at the time, a user's or a token's user's
-- home unit, the unit itself, else the acting user's unit. Entries about
-- the whole installation (config:…), and those written before this
-- migration, have no row: only a caller whose scope is a root unit sees
-- them. Listing by scope reads this index (unit, seq), never the log.
CREATE TABLE audit_units (
    unit BIGINT NOT NULL,
    seq  BIGINT NOT NULL,
    PRIMARY KEY (unit, seq)
);
