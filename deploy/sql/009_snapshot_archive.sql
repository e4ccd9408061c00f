-- FleetTwins snapshot archive (cluster profile): every snapshot a vehicle twin wrote to fleettwins_grain_state (006)
-- kept beside it, so that history can rebuild the twin as it was at any moment: the newest archived snapshot at or
-- before it, then the journal (007) up to it. Written by FleetTwins.Persistence.Postgres/Journal/
-- PostgresTwinSnapshotArchive in batches; trimmed with the journal's retention (the newest snapshot older than the
-- retention stays: it is the base of the oldest records kept).
CREATE TABLE IF NOT EXISTS fleettwins_snapshot_archive
(
    service_id text COLLATE "C" NOT NULL,
    twin_id    text COLLATE "C" NOT NULL,
    version    bigint      NOT NULL,
    sequence   bigint      NOT NULL,
    at         timestamptz NOT NULL,
    state      bytea       NOT NULL,
    PRIMARY KEY (service_id, twin_id, version)
);

-- asOf finds the newest snapshot at or before a moment, per twin.
CREATE INDEX IF NOT EXISTS fleettwins_snapshot_archive_at ON fleettwins_snapshot_archive (service_id, twin_id, at);
