-- People named in a brief's history who have no account on this server
-- (brought in by a bundle import, see docs/API.md "Bundles"): an inactive
-- user keeps their name and e-mail on revisions, comments and decisions but
-- holds no token, is not listed and cannot sign in or be made a member.
-- Creating a user with the same e-mail activates the row, so the history
-- links to the new account.
ALTER TABLE users ADD COLUMN inactive INTEGER NOT NULL DEFAULT 0;
