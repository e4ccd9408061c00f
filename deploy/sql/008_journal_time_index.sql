-- Retention finds old journal records by time. Records arrive in time order, so a BRIN index (a range summary
-- per block of rows) finds them at little cost per insert, where the B-tree of 007 added an entry per row.
DROP INDEX IF EXISTS fleettwins_journal_at;
CREATE INDEX IF NOT EXISTS fleettwins_journal_at_brin ON fleettwins_journal USING brin (at);
