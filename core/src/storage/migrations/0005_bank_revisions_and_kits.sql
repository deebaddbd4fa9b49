-- Panelist schema: question revisions, retirement, protected built-in kits,
-- and the kit a session came from. Append-only: never edit a migration that
-- has landed; add a new file instead.

-- Every revision of every question, append-only. `question.doc` is the
-- current one (its number in `question.revision`); old sessions keep their
-- own snapshot, and `entry.revision` says which revision it was.
CREATE TABLE question_revision (
    question_id TEXT NOT NULL REFERENCES question(id),
    revision    INTEGER NOT NULL CHECK (revision > 0),
    created_at  TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (question_id, revision)
) STRICT;

CREATE TRIGGER question_revision_is_append_only_update BEFORE UPDATE ON question_revision
BEGIN
    SELECT RAISE(ABORT, 'question revisions are append-only');
END;

CREATE TRIGGER question_revision_is_append_only_delete BEFORE DELETE ON question_revision
BEGIN
    SELECT RAISE(ABORT, 'question revisions are append-only');
END;

ALTER TABLE question ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision > 0);
-- Retired questions are hidden from pickers and stay readable.
ALTER TABLE question ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE competency ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));

-- What is in the bank now is revision 1.
INSERT INTO question_revision (question_id, revision, created_at, doc)
SELECT id, 1, '', doc FROM question;

-- Which revision each existing entry was asked in: its snapshot is the
-- revision's document, byte for byte (both are the question's JSON).
ALTER TABLE entry ADD COLUMN revision INTEGER;
UPDATE entry SET revision = (
    SELECT r.revision FROM question_revision r JOIN snapshot s ON s.doc = r.doc
    WHERE s.id = entry.snapshot_id AND r.question_id = entry.question_id
);

-- Built-in kits cannot be changed, renamed or deleted (only duplicated).
ALTER TABLE kit ADD COLUMN builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1));
UPDATE kit SET builtin = 1 WHERE id IN (
    'backend-fundamentals', 'system-design', 'data-and-apis', 'distributed-data',
    'architecture-at-scale', 'experience-behaviour', 'security-review', 'production-readiness'
);

-- A session started from a kit whose questions were then reordered, added
-- or removed: still the kit's session (compared on it), marked as modified.
ALTER TABLE session ADD COLUMN kit_modified INTEGER NOT NULL DEFAULT 0 CHECK (kit_modified IN (0, 1));
