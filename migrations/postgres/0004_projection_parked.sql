-- Conversations a projection version holds back because its store refused one of their events.
-- Acceptance and seqs are the domain's, identical in every projection, so a refused write is
-- never skipped: the conversation's events from the refused one on wait here (by reference to
-- the log, not copied) while the partition and every other conversation go on. One table for
-- every store (the Cassandra and Redis projections too): a park must outlive the process, and
-- be written before the position moves past the event it holds.
CREATE TABLE projection_parked (
  -- The version key, e.g. inbox_v1.
  projection text NOT NULL,
  -- The key the log orders by: the conversation id (the user id on the presence topic).
  conversation_id text NOT NULL,
  topic text NOT NULL,
  partition int NOT NULL,
  -- The refused event: it and every later event of the conversation are held.
  first_held_offset bigint NOT NULL,
  reason text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  -- A resume is due when requested (chat-admin unpark, a projector start) after the last try.
  resume_requested_at timestamptz,
  attempted_at timestamptz,
  PRIMARY KEY (projection, conversation_id)
);
