-- FleetTwins grain state (cluster profile): one row per (service, state name, grain id), written by
-- FleetTwins.Host/Storage/PostgresGrainStorage in batches — many grains' writes in one statement, one commit.
-- Replaces Orleans' ADO.NET storage table of 003 (OrleansStorage), whose rows are carried over below.
CREATE TABLE IF NOT EXISTS fleettwins_grain_state
(
    service_id  text COLLATE "C" NOT NULL,
    state_name  text COLLATE "C" NOT NULL,
    grain_id    text COLLATE "C" NOT NULL,
    version     bigint      NOT NULL,
    payload     bytea       NOT NULL,
    modified_on timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id)
);

-- A twin's state is kilobytes (readings, trips, the notifications it keeps) and is rewritten on every event:
-- LZ4 compresses it several times faster than PostgreSQL's default. Servers built without LZ4 keep the default.
DO $$
BEGIN
    ALTER TABLE fleettwins_grain_state ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'LZ4 is not available on this server; grain state keeps the default compression';
END
$$;

-- State written by the ADO.NET provider: every FleetTwins grain persists under a state name equal to its grain
-- type and has a string key (kept as the key extension), so its grain id is "<state name>/<key>"; the payload is
-- Orleans' binary serializer output in both tables. Cleared rows (no payload) are not state.
INSERT INTO fleettwins_grain_state (service_id, state_name, grain_id, version, payload, modified_on)
SELECT ServiceId, GrainTypeString, GrainTypeString || '/' || GrainIdExtensionString, Version, PayloadBinary, ModifiedOn
FROM OrleansStorage
WHERE PayloadBinary IS NOT NULL
ON CONFLICT DO NOTHING;
