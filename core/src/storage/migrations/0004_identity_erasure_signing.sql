-- Panelist schema, version 4. Append-only: never edit a migration that has
-- landed; add a new file instead.
--
-- Candidate identity: names are matched by a key (NFKC, invisible characters
-- removed, whitespace collapsed, full case folding; core::text::name_key),
-- filled for existing rows by the Rust hook that runs after this file.
ALTER TABLE candidate ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX candidate_by_key ON candidate(name_key);

-- Erasure: what remains of an erased candidate or session. No personal data:
-- a random id, when, what kind of thing, and how many sessions went.
CREATE TABLE tombstone (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    what     TEXT NOT NULL CHECK (what IN ('candidate', 'session', 'retention')),
    sessions INTEGER NOT NULL CHECK (sessions >= 0)
) STRICT;

-- Signed session files: the public key pinned for each colleague (by the
-- key of their name) on first sight, and the signature an imported session
-- arrived with (NULL: an unsigned version-1 file), kept so it can be passed
-- on unchanged. The installation's own signing key is in `meta`.
CREATE TABLE signer (
    name_key   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    first_seen TEXT NOT NULL
) STRICT;
ALTER TABLE session ADD COLUMN signed_by TEXT;
ALTER TABLE session ADD COLUMN signature TEXT;

-- The audit log stays append-only for everything but erasure: a session's
-- audit rows may be deleted only while the session is listed here, which
-- only the erasure transaction does (and empties before it commits).
CREATE TABLE erasing (
    session_id TEXT PRIMARY KEY
) STRICT;
DROP TRIGGER audit_is_append_only_delete;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
WHEN OLD.session_id NOT IN (SELECT session_id FROM erasing)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The sealing rule asks, on every read, which candidates have an own
-- session that is not submitted: a small partial index answers it.
CREATE INDEX session_open_own ON session(candidate_id)
WHERE imported = 0 AND status != 'submitted';
