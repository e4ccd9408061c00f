-- FleetTwins fleet search: what operators say about each vehicle (PATCH /api/vehicles/{id}), for name, plate, group
-- and "tags has x". Existing rows start empty; the next change of each twin (or its next activation) fills them.
-- Text in the "C" collation, as every text column of the table: ordinal order, the same as the in-memory projection.
ALTER TABLE fleettwins_vehicles ADD COLUMN IF NOT EXISTS "name" text COLLATE "C";
ALTER TABLE fleettwins_vehicles ADD COLUMN IF NOT EXISTS "plate" text COLLATE "C";
ALTER TABLE fleettwins_vehicles ADD COLUMN IF NOT EXISTS "group" text COLLATE "C";
ALTER TABLE fleettwins_vehicles ADD COLUMN IF NOT EXISTS "tags" text[] NOT NULL DEFAULT '{}';

-- Plate lookups are exact; groups are few and often combined with the fleet's usual questions; GIN serves "tags has".
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_plate ON fleettwins_vehicles ("plate") WHERE "plate" IS NOT NULL;
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_group ON fleettwins_vehicles ("group", "id") WHERE "group" IS NOT NULL;
CREATE INDEX IF NOT EXISTS fleettwins_vehicles_tags ON fleettwins_vehicles USING gin ("tags");
