-- Interview plans (docs/plan-format.md): a coordinator's plan of one
-- candidate's interviews. A plan belongs to a local candidate; erasing the
-- candidate erases their plans (storage/erase.rs deletes them first).
CREATE TABLE plan (
    id               TEXT PRIMARY KEY,
    candidate_id     TEXT NOT NULL REFERENCES candidate(id),
    -- The candidate id the plan file carries (the local candidate's id,
    -- unless a local candidate of the same name had another id already).
    file_candidate_id TEXT NOT NULL,
    role             TEXT NOT NULL DEFAULT '',
    coordinator      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    -- 1: imported from a plan file (read-only here), with the file as it
    -- arrived, forwarded unchanged.
    imported         INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
    signed_original  TEXT,
    CHECK (imported = 0 OR signed_original IS NOT NULL)
) STRICT;
CREATE INDEX plan_candidate ON plan (candidate_id);

-- The interviewers of a plan, in plan order; one per identity key.
CREATE TABLE plan_member (
    plan_id         TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    interviewer     TEXT NOT NULL,
    interviewer_key TEXT NOT NULL,
    round           INTEGER NOT NULL CHECK (round >= 1),
    kit_name        TEXT,
    questions       TEXT NOT NULL,  -- JSON array of question ids
    focus           TEXT NOT NULL,  -- JSON array of competency ids
    at              TEXT,
    due             TEXT,
    PRIMARY KEY (plan_id, position),
    UNIQUE (plan_id, interviewer_key)
) STRICT;
CREATE INDEX plan_member_key ON plan_member (interviewer_key);

-- The plan a session belongs to, if any: set when it is started from the
-- plan, attached to it later, or imported for a member of a plan here.
-- Sessions without a plan keep working; the session file does not carry it.
-- No foreign key: erasing a candidate unlinks the sessions of their plans
-- itself (storage/erase.rs), and every read joins on the plan.
ALTER TABLE session ADD COLUMN plan_id TEXT;
CREATE INDEX session_plan ON session (plan_id);
