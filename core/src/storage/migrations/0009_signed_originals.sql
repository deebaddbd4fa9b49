-- The signed original of each imported session file, as it arrived (the
-- file's session with its hash and signature), so that a colleague's session
-- is exported again (forwarded) unchanged and still verifies on a third
-- machine, even when it was filed here under a local candidate. Erasing the
-- session erases its original (and the row goes with the session).
CREATE TABLE signed_original (
    session_id TEXT PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
    file       TEXT NOT NULL
) STRICT;
