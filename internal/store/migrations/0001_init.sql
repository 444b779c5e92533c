-- Users, tokens, briefs, sections, members, the edit log, the outline log,
-- the brand profile and settings. Times are Unix milliseconds.
CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('author', 'supervisor', 'admin')),
  local      INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Login links, sessions and API tokens; only a SHA-256 of each is stored.
CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL CHECK (kind IN ('login', 'session', 'api')),
  hash       BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  used_at    INTEGER,
  revoked_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id, kind);

CREATE TABLE briefs (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  title       TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'draft',
  metadata    TEXT NOT NULL DEFAULT '{}',
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  archived_at INTEGER
);

-- A removed section keeps its row (and so its history); its key is never reused.
CREATE TABLE sections (
  brief_id   TEXT NOT NULL REFERENCES briefs(id),
  key        TEXT NOT NULL,
  title      TEXT NOT NULL,
  position   INTEGER NOT NULL,
  text       TEXT NOT NULL DEFAULT '',
  version    INTEGER NOT NULL DEFAULT 0,
  removed_at INTEGER,
  PRIMARY KEY (brief_id, key)
);

CREATE TABLE members (
  brief_id TEXT NOT NULL REFERENCES briefs(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  role     TEXT NOT NULL CHECK (role IN ('author', 'supervisor')),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (brief_id, user_id)
);
CREATE INDEX members_user ON members(user_id);

-- The edit log: version N of a section is version N-1 with delta applied;
-- version 0 is the empty text.
CREATE TABLE edits (
  id          INTEGER PRIMARY KEY,
  brief_id    TEXT NOT NULL,
  section_key TEXT NOT NULL,
  version     INTEGER NOT NULL,
  delta       TEXT NOT NULL,
  author_id   INTEGER NOT NULL REFERENCES users(id),
  at          INTEGER NOT NULL,
  UNIQUE (brief_id, section_key, version)
);

-- The outline log: every change to the list of sections (add, remove,
-- rename, reorder) appends the whole outline, so any moment's outline can be
-- rebuilt for history and diffs.
CREATE TABLE outlines (
  id        INTEGER PRIMARY KEY,
  brief_id  TEXT NOT NULL,
  outline   TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  at        INTEGER NOT NULL
);
CREATE INDEX outlines_brief ON outlines(brief_id, id);

CREATE TABLE brand (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  profile   TEXT NOT NULL,
  logo      BLOB,
  logo_type TEXT
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
