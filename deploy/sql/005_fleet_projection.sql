-- FleetTwins fleet search: one row per vehicle twin, kept current by the silos' feeds (a row is only ever replaced
-- by a newer twin version). Text columns use the "C" collation: ordinal order, the same as the in-memory projection.
CREATE TABLE IF NOT EXISTS fleettwins_vehicles
(
    "id"            text COLLATE "C" NOT NULL PRIMARY KEY,
    "version"       bigint NOT NULL,
    "vin"           text COLLATE "C",
    "make"          text COLLATE "C",
    "model"         text COLLATE "C",
    "online"        boolean NOT NULL,
    "last_seen_at"  timestamptz,
    "offline_since" timestamptz,
    "soc"           double precision,
    "charging"      text COLLATE "C",
    "plug"          text COLLATE "C",
    "latitude"      double precision,
    "longitude"     double precision,
    "odometer_km"   double precision,
    "range_km"      double precision,
    "rental"        boolean NOT NULL,
    "alerts"        integer NOT NULL,
    "high_alerts"   integer NOT NULL,
    "updated_at"    timestamptz NOT NULL
);

-- The questions operators ask most: by charging state and SOC, by time offline, by make and alerts, by place.
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_charging_soc ON fleettwins_vehicles ("charging", "soc");
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_soc ON fleettwins_vehicles ("soc", "id");
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_offline_since ON fleettwins_vehicles ("offline_since") WHERE "offline_since" IS NOT NULL;
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_make ON fleettwins_vehicles ("make", "high_alerts");
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_high_alerts ON fleettwins_vehicles ("high_alerts") WHERE "high_alerts" > 0;
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_latitude ON fleettwins_vehicles ("latitude", "longitude");
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_last_seen_at ON fleettwins_vehicles ("last_seen_at", "id");
