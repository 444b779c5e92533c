-- Review: comments anchored in a section's text, suggestions (including the
-- unresolved merges of stale edits, which become their author's
-- suggestions), and the workflow's decisions.
--
-- Anchors: start_pos/end_pos are code points in the section's text at
-- at_version; they are carried forward through the edit log when read and
-- written back, so each mapping walks only the edits since the last one.
-- base_version and the quote keep what the range was made on.

CREATE TABLE comments (
  id           INTEGER PRIMARY KEY,
  brief_id     TEXT NOT NULL,
  section_key  TEXT NOT NULL,
  parent_id    INTEGER REFERENCES comments(id),  -- a reply: its thread's first comment
  author_id    INTEGER NOT NULL REFERENCES users(id),
  body         TEXT NOT NULL,
  quote        TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  start_pos    INTEGER NOT NULL,
  end_pos      INTEGER NOT NULL,
  at_version   INTEGER NOT NULL,
  detached     INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  edited_at    INTEGER,
  deleted_at   INTEGER,
  resolved_at  INTEGER,
  resolved_by  INTEGER REFERENCES users(id)
);
CREATE INDEX comments_brief ON comments(brief_id, id);

CREATE TABLE suggestions (
  id           INTEGER PRIMARY KEY,
  brief_id     TEXT NOT NULL,
  section_key  TEXT NOT NULL,
  origin       TEXT NOT NULL,   -- 'suggestion' | 'merge'
  author_id    INTEGER NOT NULL REFERENCES users(id),
  quote        TEXT NOT NULL,   -- the text it replaces, as it read then
  replacement  TEXT NOT NULL,
  base_text    TEXT NOT NULL DEFAULT '',  -- merges: the text both sides changed
  base_version INTEGER NOT NULL,
  start_pos    INTEGER NOT NULL,
  end_pos      INTEGER NOT NULL,
  at_version   INTEGER NOT NULL,
  detached     INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL DEFAULT 'open',  -- open | accepted | rejected
  created_at   INTEGER NOT NULL,
  decided_at   INTEGER,
  decided_by   INTEGER REFERENCES users(id),
  applied_version INTEGER
);
CREATE INDEX suggestions_open ON suggestions(brief_id, section_key) WHERE status = 'open';

-- Unresolved merges move here with their ids.
INSERT INTO suggestions (id, brief_id, section_key, origin, author_id, quote, replacement, base_text, base_version,
  start_pos, end_pos, at_version, status, created_at, decided_at, decided_by)
SELECT id, brief_id, section_key, 'merge', author_id, '', text, base_text, base_version, start_pos, end_pos, at_version,
  CASE WHEN resolved_at IS NULL THEN 'open' WHEN resolution = 'applied' THEN 'accepted' ELSE 'rejected' END,
  created_at, resolved_at, CASE WHEN resolved_at IS NULL THEN NULL ELSE author_id END
FROM merges;
DROP TABLE merges;

-- Workflow decisions: submit, approve, request changes, each with the named
-- version it recorded. A supervisor's last decision is their last review.
CREATE TABLE decisions (
  id          INTEGER PRIMARY KEY,
  brief_id    TEXT NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  kind        TEXT NOT NULL,  -- submit | approve | request_changes
  note        TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL,  -- versions.number
  created_at  INTEGER NOT NULL
);
CREATE INDEX decisions_brief ON decisions(brief_id, user_id, id);
