-- Panelist schema, version 1. Append-only: never edit a migration that has
-- landed; add a new file instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE competency (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL
) STRICT;

-- A question's list fields and rubric live in `doc` (JSON of core::bank::Question);
-- the columns beside it are what listings filter and sort on.
CREATE TABLE question (
    id            TEXT PRIMARY KEY,
    competency_id TEXT NOT NULL REFERENCES competency(id),
    seniority     TEXT NOT NULL CHECK (seniority IN ('junior', 'mid', 'senior')),
    kind          TEXT NOT NULL CHECK (kind IN ('concept', 'scenario', 'experience', 'behavioural')),
    prompt        TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    doc           TEXT NOT NULL,
    position      INTEGER NOT NULL
) STRICT;

CREATE TABLE kit (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL
) STRICT;

CREATE TABLE kit_question (
    kit_id      TEXT NOT NULL REFERENCES kit(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    question_id TEXT NOT NULL REFERENCES question(id),
    PRIMARY KEY (kit_id, position)
) STRICT;

CREATE TABLE candidate (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE
) STRICT;

CREATE TABLE session (
    id             TEXT PRIMARY KEY,
    candidate_id   TEXT NOT NULL REFERENCES candidate(id),
    interviewer    TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT '',
    kit_name       TEXT,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'in_progress', 'submitted')),
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    updated_at     TEXT NOT NULL,
    revision       INTEGER NOT NULL DEFAULT 0,
    summary        TEXT NOT NULL DEFAULT '',
    red_flags      TEXT NOT NULL DEFAULT '[]',
    recommendation TEXT CHECK (recommendation IN ('strong-no', 'no', 'none', 'yes', 'strong-yes')),
    imported       INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1))
) STRICT;

CREATE INDEX session_by_candidate ON session(candidate_id);

-- One row per question of a session, holding the snapshot of the question
-- (with its rubric) exactly as it was when the session was created.
CREATE TABLE entry (
    session_id       TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    question_id      TEXT NOT NULL,
    competency_name  TEXT NOT NULL,
    snapshot         TEXT NOT NULL,
    score            INTEGER,
    skipped          INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    look_fors_hit    TEXT NOT NULL DEFAULT '[]',
    follow_ups_asked TEXT NOT NULL DEFAULT '[]',
    notes            TEXT NOT NULL DEFAULT '',
    seconds_spent    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, question_id),
    UNIQUE (session_id, position)
) STRICT;

CREATE TABLE audit (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES session(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    question_id TEXT,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT
) STRICT;

CREATE INDEX audit_by_session ON audit(session_id, at);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
