-- Panelist schema, version 2. Append-only: never edit a migration that has
-- landed; add a new file instead.
--
-- Question snapshots are stored once, addressed by the SHA-256 of their
-- canonical JSON; entries point at them. Sessions get indexes for paging and
-- filtering, and a word index for search. The data is moved by the Rust hook
-- that runs after this file (storage/migrate.rs); 0003 drops the old table.

CREATE TABLE snapshot (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    doc  TEXT NOT NULL
) STRICT;

CREATE TABLE entry_v2 (
    session_id       TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    question_id      TEXT NOT NULL,
    competency_name  TEXT NOT NULL,
    snapshot_id      INTEGER NOT NULL REFERENCES snapshot(id),
    score            INTEGER,
    skipped          INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    look_fors_hit    TEXT NOT NULL DEFAULT '[]',
    follow_ups_asked TEXT NOT NULL DEFAULT '[]',
    notes            TEXT NOT NULL DEFAULT '',
    seconds_spent    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, position)
) STRICT, WITHOUT ROWID;

-- Words of a session's candidate name, interviewer and role, folded (no
-- accents, lower case), for word-prefix search.
CREATE TABLE search_word (
    word       TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (word, session_id)
) STRICT, WITHOUT ROWID;

DROP INDEX session_by_candidate;
CREATE INDEX session_by_candidate ON session(candidate_id, created_at);
CREATE INDEX session_by_created ON session(created_at, id);
CREATE INDEX session_by_interviewer ON session(interviewer COLLATE NOCASE, created_at);
CREATE INDEX session_by_role ON session(role COLLATE NOCASE, created_at);
CREATE INDEX session_by_kit ON session(kit_name, status);
