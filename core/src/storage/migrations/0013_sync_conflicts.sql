-- Schema 13: conflicts with the team server made resolvable
-- (docs/sync-protocol.md, "Conflicts: who owns a session").
--
-- `sync_conflict`: the team server's copy of one of this machine's own
-- sessions when it differs from the copy here (a newer revision, or the
-- same revision with other content: a restored backup, or a copy of this
-- database on another machine). One row per session, the newest pulled;
-- it goes with the session, when the server accepts this copy again, or
-- when the user takes the server's copy (`sync resolve --take-server`).
CREATE TABLE sync_conflict (
    session_id   TEXT PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    -- 1: the page it came in listed its signing key under its interviewer.
    vouched      INTEGER NOT NULL CHECK (vouched IN (0, 1)),
    file         TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;

-- Each conflict resolved by taking the server's copy: which session, when,
-- the revision and content hash replaced and taken, and whether the taken
-- copy is this installation's own (signed by its key) or read-only here.
-- No name and no content: like a tombstone, it outlives an erasure.
-- Append-only.
CREATE TABLE sync_resolution (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    at              TEXT NOT NULL,
    local_revision  INTEGER NOT NULL,
    local_hash      TEXT NOT NULL,
    server_revision INTEGER NOT NULL,
    server_hash     TEXT NOT NULL,
    kept_as         TEXT NOT NULL CHECK (kept_as IN ('own', 'read_only'))
) STRICT;

CREATE TRIGGER sync_resolution_is_append_only_update BEFORE UPDATE ON sync_resolution
BEGIN
    SELECT RAISE(ABORT, 'the record of resolved conflicts is append-only');
END;

CREATE TRIGGER sync_resolution_is_append_only_delete BEFORE DELETE ON sync_resolution
BEGIN
    SELECT RAISE(ABORT, 'the record of resolved conflicts is append-only');
END;
