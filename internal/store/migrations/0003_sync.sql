-- Live sync: the last edit applied from each client (a device or tab, named
-- by the id it sends in hello) per section, so that an edit whose
-- acknowledgement was lost is never applied twice when the client comes
-- back, across dropped links and server restarts.
CREATE TABLE sync_clients (
  user_id     INTEGER NOT NULL REFERENCES users(id),
  client_id   TEXT NOT NULL,
  brief_id    TEXT NOT NULL,
  section_key TEXT NOT NULL,
  n           INTEGER NOT NULL,  -- the client's sequence number of that edit
  base        INTEGER NOT NULL,  -- the version it was made on
  delta       TEXT NOT NULL,     -- its delta from the text at base
  version     INTEGER NOT NULL,  -- the version it produced
  at          INTEGER NOT NULL,
  PRIMARY KEY (user_id, client_id, brief_id, section_key)
);
