-- History: inverse deltas and checkpoints so any version rebuilds fast,
-- revisions (coalesced edits), named versions, unresolved merges, search.

-- The delta that turns version N back into N-1: with it a stale edit's base
-- is rebuilt backwards from the current text in (current - base) steps.
ALTER TABLE edits ADD COLUMN undo TEXT NOT NULL DEFAULT '';
-- Which revision an edit belongs to.
ALTER TABLE edits ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX edits_brief ON edits(brief_id, id);

-- Full text every 100 versions, so old versions rebuild forward quickly.
CREATE TABLE checkpoints (
  brief_id    TEXT NOT NULL,
  section_key TEXT NOT NULL,
  version     INTEGER NOT NULL,
  text        TEXT NOT NULL,
  PRIMARY KEY (brief_id, section_key, version)
);

-- Revisions: consecutive edits of one section by one author with no quiet
-- period over 60 s between them and no named version or workflow event in
-- between. Numbered per brief from 1.
CREATE TABLE revisions (
  brief_id     TEXT NOT NULL,
  number       INTEGER NOT NULL,
  section_key  TEXT NOT NULL,
  author_id    INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  from_version INTEGER NOT NULL,
  to_version   INTEGER NOT NULL,
  closed       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (brief_id, number)
);

-- The outline log records which revision it follows, so the outline at any
-- revision can be found.
ALTER TABLE outlines ADD COLUMN after_revision INTEGER NOT NULL DEFAULT 0;

-- Named versions ("v12"): every section's version and the outline.
CREATE TABLE versions (
  brief_id    TEXT NOT NULL,
  number      INTEGER NOT NULL,
  label       TEXT NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'manual',
  sections    TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (brief_id, number)
);

-- Unresolved merges: a stale edit's hunks that could not apply, kept with
-- the user's text until its author applies or dismisses them.
CREATE TABLE merges (
  id           INTEGER PRIMARY KEY,
  brief_id     TEXT NOT NULL,
  section_key  TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  base_text    TEXT NOT NULL,
  text         TEXT NOT NULL,
  start_pos    INTEGER NOT NULL,
  end_pos      INTEGER NOT NULL,
  at_version   INTEGER NOT NULL,
  author_id    INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  resolved_at  INTEGER,
  resolution   TEXT
);
CREATE INDEX merges_open ON merges(brief_id, section_key) WHERE resolved_at IS NULL;

-- Search: folded text (accents removed, ø→o, ß→ss ...) of titles and
-- sections; key '' is the brief's title. indexed_version says what the
-- index holds, so the indexer knows what is stale.
CREATE VIRTUAL TABLE search USING fts5(
  brief_id UNINDEXED, section_key UNINDEXED, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
ALTER TABLE sections ADD COLUMN indexed_version INTEGER NOT NULL DEFAULT -1;
ALTER TABLE briefs ADD COLUMN indexed_title TEXT NOT NULL DEFAULT '';
-- Briefs changed since they were last indexed, with the time of the last
-- change, so the indexer finds its work without scanning every brief.
CREATE TABLE search_dirty (
  brief_id TEXT PRIMARY KEY,
  at       INTEGER NOT NULL
);
