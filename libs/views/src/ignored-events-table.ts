/**
 * The table every Postgres projection keeps of events the log holds but the rules forbade at
 * their position, with the reason: one definition, so the writer in apps/projectors and the
 * digests read the same columns in every projection.
 */
export const ignoredEventsTable = (schema: string) =>
  `CREATE TABLE IF NOT EXISTS ${schema}.ignored_events (
    topic text NOT NULL,
    partition int NOT NULL,
    "offset" bigint NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    conversation_id text NOT NULL,
    reason text NOT NULL,
    detail text NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
  )`;
