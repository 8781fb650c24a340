-- 008: sign-in is throttled per source, no longer locked per account.
--
-- Five wrong passwords used to lock the account itself for a while, so
-- anyone could keep the administrator out, and only real accounts locked,
-- which told which names exist. Now the failures of one client address
-- trying one name are counted (core/throttle.h), whether the name exists
-- or not, and only that pair waits. The table is shared by every node on
-- the database, so a second node does not reset the count. account is a
-- hash of the name tried, never the name (people type passwords into the
-- name field). Pairs with nothing left to remember are deleted as failures
-- are recorded (last_at); a password reset deletes an account's pairs.
CREATE TABLE login_throttle (
    client        TEXT NOT NULL,
    account       TEXT NOT NULL,
    failures      BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    last_at       BIGINT NOT NULL,
    PRIMARY KEY (client, account)
);
CREATE INDEX login_throttle_account ON login_throttle (account);
CREATE INDEX login_throttle_last ON login_throttle (last_at);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
