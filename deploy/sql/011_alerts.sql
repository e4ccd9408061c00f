-- FleetTwins alert inbox: one row per alert, ours (origin 'rule') and the providers' (origin = the provider), kept
-- current by the alert grains (a row is only ever replaced by a newer version of its alert). The columns are what the
-- alert list filters and sorts on; "alert" holds the whole alert as the API shows it. Text columns use the "C"
-- collation: ordinal order, the same as the in-memory index.
CREATE TABLE IF NOT EXISTS fleettwins_alerts
(
    "id"         text COLLATE "C" NOT NULL PRIMARY KEY,
    "vehicle_id" text COLLATE "C",
    "origin"     text COLLATE "C" NOT NULL,
    "rule"       text COLLATE "C",
    "severity"   text COLLATE "C" NOT NULL,
    "status"     text COLLATE "C" NOT NULL,
    "raised_at"  timestamptz NOT NULL,
    "updated_at" timestamptz NOT NULL,
    "version"    bigint NOT NULL,
    "alert"      jsonb NOT NULL
);

-- The list's questions, each in its default order (newest first, then id): the whole inbox, one vehicle's alerts,
-- the open (or cleared) ones, one rule's alerts.
CREATE INDEX IF NOT EXISTS fleettwins_alerts_raised_at ON fleettwins_alerts ("raised_at" DESC NULLS LAST, "id");
CREATE INDEX IF NOT EXISTS fleettwins_alerts_vehicle ON fleettwins_alerts ("vehicle_id", "raised_at" DESC NULLS LAST, "id");
CREATE INDEX IF NOT EXISTS fleettwins_alerts_status ON fleettwins_alerts ("status", "raised_at" DESC NULLS LAST, "id");
CREATE INDEX IF NOT EXISTS fleettwins_alerts_rule ON fleettwins_alerts ("rule", "raised_at" DESC NULLS LAST, "id") WHERE "rule" IS NOT NULL;
