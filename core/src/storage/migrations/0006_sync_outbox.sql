-- The team server's outbox (docs/sync-protocol.md). For each of this
-- machine's own sessions: the revision the server last accepted (or, with
-- `conflict` set, refused with a 409 revision conflict) and its content hash.
-- A submitted own session waits to be pushed while it has no row at its
-- current revision; the row goes with the session when it is erased.
CREATE TABLE sync_push (
    session_id   TEXT PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    at           TEXT NOT NULL,
    conflict     TEXT
) STRICT;
