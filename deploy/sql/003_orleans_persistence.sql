-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet, invariant Npgsql).
-- One row per (service, state name, grain key). Orleans passes the state name as GrainTypeString, so every
-- grain type uses a state name of its own. A NULL key extension is stored as '' so the key is a plain
-- b-tree primary key that every statement below looks rows up by.
CREATE TABLE OrleansStorage
(
    ServiceId              varchar(150) NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainIdHash            integer      NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL,
    CONSTRAINT pk_orleans_storage PRIMARY KEY (ServiceId, GrainTypeString, GrainIdExtensionString, GrainIdN0, GrainIdN1)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1;
$q$),

-- Optimistic concurrency: with no version the row must not exist yet (insert, version 1); with a version the
-- row must still carry it (update, version + 1). Anything else answers no row, which Orleans reports as
-- an InconsistentStateException.
('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE OrleansStorage
        SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
        WHERE CAST(@GrainStateVersion AS integer) IS NOT NULL
          AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
          AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
          AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND Version = CAST(@GrainStateVersion AS integer)
        RETURNING Version),
    inserted AS (
        INSERT INTO OrleansStorage
            (ServiceId, GrainTypeString, GrainIdExtensionString, GrainIdN0, GrainIdN1, GrainIdHash, GrainTypeHash, PayloadBinary, Version)
        SELECT @ServiceId, @GrainTypeString, COALESCE(CAST(@GrainIdExtensionString AS varchar), ''), @GrainIdN0, @GrainIdN1,
               @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
        WHERE CAST(@GrainStateVersion AS integer) IS NULL
        ON CONFLICT ON CONSTRAINT pk_orleans_storage DO NOTHING
        RETURNING Version)
    SELECT Version AS NewGrainStateVersion FROM updated
    UNION ALL
    SELECT Version FROM inserted;
$q$),

-- Clearing keeps the row (and its version sequence) with no payload.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND Version = CAST(@GrainStateVersion AS integer)
    RETURNING Version;
$q$),

-- For DeleteStateOnClear: removes the row; answers a value that differs from the ETag it was given.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND Version = CAST(@GrainStateVersion AS integer)
    RETURNING Version + 1;
$q$);
