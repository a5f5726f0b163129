-- A dropped version keeps its row, marked: version numbers are never reused. A reused number
-- would meet its predecessor's leftovers, such as Cassandra tombstones newer than the
-- offset-timestamped writes of the new version, or a consumer group's committed offsets.
ALTER TABLE projection_versions ADD COLUMN dropped_at timestamptz;
