-- 028: the on-duty roster of units for nights and holidays (#16): user_id
-- is on duty for unit (and the units below it) from starts_at up to
-- ends_at (instants, UTC seconds). A unit's entries never overlap (the
-- API checks it, core/duty.c), so (unit, starts_at) is the key; the
-- roster is replaced as a whole. The sweep and intake read the entries
-- covering an instant, by ends_at.
CREATE TABLE IF NOT EXISTS duty_roster (
    unit BIGINT NOT NULL REFERENCES units (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    PRIMARY KEY (unit, starts_at),
    CHECK (starts_at < ends_at)
);
CREATE INDEX IF NOT EXISTS duty_roster_ends ON duty_roster (ends_at);
