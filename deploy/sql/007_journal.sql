-- FleetTwins twin journal (cluster profile): each applied change of a vehicle twin as one small record, appended by
-- FleetTwins.Persistence.Postgres/Journal/PostgresTwinJournal in batches (many twins' records, one statement, one
-- commit). The twin's whole state is its snapshot in fleettwins_grain_state (006), which names the last sequence it
-- holds; activation = snapshot + the records after it. (twin, sequence) is unique: a second writer of one twin fails.
CREATE TABLE IF NOT EXISTS fleettwins_journal
(
    service_id  text COLLATE "C" NOT NULL,
    twin_id     text COLLATE "C" NOT NULL,
    sequence    bigint      NOT NULL,
    at          timestamptz NOT NULL,
    delivery_id text COLLATE "C",
    record      bytea       NOT NULL,
    PRIMARY KEY (service_id, twin_id, sequence)
);

-- Retention deletes old records, oldest first.
CREATE INDEX IF NOT EXISTS fleettwins_journal_at ON fleettwins_journal (service_id, at);

-- The sequence each twin's stored snapshot holds: records up to it may go once older than the retention.
CREATE TABLE IF NOT EXISTS fleettwins_journal_covered
(
    service_id text COLLATE "C" NOT NULL,
    twin_id    text COLLATE "C" NOT NULL,
    sequence   bigint NOT NULL,
    PRIMARY KEY (service_id, twin_id)
);
