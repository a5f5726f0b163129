-- Where each projection has read the log up to, per partition. Written in the same
-- transaction as the projection's rows, so a crash never separates the two.
CREATE TABLE projection_positions (
  projection text NOT NULL,
  topic text NOT NULL,
  partition int NOT NULL,
  next_offset bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, topic, partition)
);
