-- FleetTwins fleet search: the geofences each vehicle is inside (ids), for the filter language's inside(id).
-- Existing rows start with none; the next change of each twin fills them. GIN serves the containment (@>) test.
ALTER TABLE fleettwins_vehicles ADD COLUMN IF NOT EXISTS "geofences" text[] NOT NULL DEFAULT '{}';

CREATE INDEX IF NOT EXISTS fleettwins_vehicles_geofences ON fleettwins_vehicles USING gin ("geofences");
