-- 012: a number kept for a migration of other work; empty here.
SELECT 1;
