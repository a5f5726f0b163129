-- Every version of every projection, and the one readers use. A rebuild builds a new version
-- beside the live one; switching readers changes one row (and repoints the reader views) in
-- one transaction.
CREATE TABLE projection_versions (
  projection text NOT NULL,
  version int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, version)
);

CREATE TABLE projection_readers (
  projection text PRIMARY KEY,
  version int NOT NULL,
  switched_at timestamptz NOT NULL DEFAULT now()
);
