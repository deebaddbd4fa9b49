-- Sessions pulled from the team server that this database refused to import
-- (docs/sync-protocol.md, "Sessions a client refuses"): one row per session
-- id, with the refused revision, who and whom it is about, the reason and
-- the file as pulled. A sync never stops at one: it sets it aside, goes on,
-- and tries again when a newer revision arrives (a success removes the row).
-- Erasing the candidate removes its rows (`candidate_key`, `text::name_key`).
CREATE TABLE sync_set_aside (
    session_id    TEXT PRIMARY KEY,
    revision      INTEGER NOT NULL,
    candidate     TEXT NOT NULL,
    candidate_key TEXT NOT NULL,
    interviewer   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    file          TEXT NOT NULL,
    at            TEXT NOT NULL
) STRICT;
CREATE INDEX sync_set_aside_candidate ON sync_set_aside (candidate_key);
