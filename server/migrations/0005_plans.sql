-- Panelist team server, schema 5: interview plans, and sealing by plan.
--
-- A lead or admin pushes a candidate's plan (the signed plan file,
-- docs/plan-format.md); the pusher is the plan's coordinator. A session
-- belongs to a plan by membership: the plan's candidate key is the
-- session's and the plan lists the session's interviewer (by the core's
-- identity key, `text::name_key`). Session files do not carry a plan id.
--
-- The sealing rule (docs/sync-protocol.md, "Sealing"): a colleague's session
-- is readable only by members of that candidate's plan who have submitted
-- their own session of the candidate, and by the plan's coordinator, but
-- not while the coordinator is a member who has not submitted or has an
-- unsubmitted session of the candidate on the server. A session in no plan
-- is readable by its author only. Leads no longer read every session.
--
-- `users.name_key` and `sessions.interviewer_key` are the core's identity
-- keys, which SQL cannot compute: `panelist-server migrate` fills them in
-- Rust right after this file, in the same transaction
-- (`db::fill_identity_keys`), and `user add` writes them for new users.
-- Every policy helper below is an invoker's function (no SECURITY DEFINER),
-- STABLE, owned by the migrating role, with its search_path pinned.

ALTER TABLE users ADD COLUMN name_key text;
ALTER TABLE sessions ADD COLUMN interviewer_key text;

-- One row per plan: the plan file as pushed (verified JSON text) plus the
-- columns the policies and the feeds need. `member_keys` holds the identity
-- keys of the plan's interviewers (an array, so that the policies on plans
-- need no second table that would refer back to them).
CREATE TABLE plans (
    id             uuid PRIMARY KEY,
    coordinator_id bigint NOT NULL REFERENCES users (id),
    candidate_key  text NOT NULL,
    member_keys    text[] NOT NULL,
    updated_at     timestamptz NOT NULL,
    content_hash   text NOT NULL,
    document       text NOT NULL,
    seq            bigint NOT NULL UNIQUE,
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_candidate ON plans (candidate_key);
CREATE INDEX plans_coordinator ON plans (coordinator_id);
CREATE INDEX plans_members ON plans USING gin (member_keys);

-- A user's sessions on the server that are not submitted yet (the official
-- client pushes submitted sessions only; the API takes others). Kept by the
-- invoker's trigger below; the policies tie each row to the session, so the
-- server's role can neither fake nor drop one.
CREATE TABLE open_sessions (
    session_id    uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id),
    candidate_key text NOT NULL
);
CREATE INDEX open_sessions_user ON open_sessions (user_id, candidate_key);

-- Plans take change numbers from the same sequence, under the same lock,
-- as sessions: a plan that unseals sessions delivers them after any
-- reader's cursor.
CREATE FUNCTION plans_stamp() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7311401);
    NEW.seq := nextval('change_seq');
    NEW.received_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER plans_stamp BEFORE INSERT OR UPDATE ON plans
    FOR EACH ROW EXECUTE FUNCTION plans_stamp();

-- A plan's id, coordinator and candidate never change.
CREATE FUNCTION plans_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT
    AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.coordinator_id <> OLD.coordinator_id
       OR NEW.candidate_key <> OLD.candidate_key THEN
        RAISE EXCEPTION 'a plan''s id, coordinator and candidate cannot change';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER plans_guard BEFORE UPDATE ON plans
    FOR EACH ROW EXECUTE FUNCTION plans_guard();

-- The caller's own identity key (their own users row is visible to them).
CREATE FUNCTION panelist_user_key() RETURNS text
    LANGUAGE sql STABLE SET search_path FROM CURRENT
    AS $$ SELECT name_key FROM users WHERE id = panelist_uid() $$;

-- A new session row takes its interviewer's key from its author, who is
-- the caller (the insert policy holds author_id to panelist_uid()).
CREATE FUNCTION sessions_interviewer_key() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT
    AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.interviewer_key IS NULL THEN
        NEW.interviewer_key := (SELECT name_key FROM users WHERE id = NEW.author_id);
    ELSE
        NEW.interviewer_key := OLD.interviewer_key;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sessions_interviewer_key BEFORE INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_interviewer_key();

CREATE FUNCTION sessions_track_open() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT
    AS $$
BEGIN
    IF NEW.status = 'submitted' THEN
        DELETE FROM open_sessions WHERE session_id = NEW.id;
    ELSE
        INSERT INTO open_sessions (session_id, user_id, candidate_key)
        VALUES (NEW.id, NEW.author_id, NEW.candidate_key)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_track_open AFTER INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_track_open();

-- Whether the caller may read a colleague's submitted session of
-- `candidate` by `interviewer` (identity keys): through a plan of that
-- candidate listing the interviewer, as a member who submitted, or as the
-- plan's coordinator who is not a member still to submit and has no open
-- session of the candidate.
CREATE FUNCTION panelist_may_read(candidate text, interviewer text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path FROM CURRENT
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM plans p
        WHERE p.candidate_key = candidate AND interviewer = ANY (p.member_keys)
          AND CASE
                WHEN panelist_user_key() = ANY (p.member_keys)
                THEN EXISTS (SELECT 1 FROM unseals u
                             WHERE u.user_id = panelist_uid() AND u.candidate_key = candidate)
                ELSE p.coordinator_id = panelist_uid()
              END
          AND NOT EXISTS (SELECT 1 FROM open_sessions o
                          WHERE o.user_id = panelist_uid() AND o.candidate_key = candidate))
    $$;

ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE plans FORCE ROW LEVEL SECURITY;
ALTER TABLE open_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE open_sessions FORCE ROW LEVEL SECURITY;

-- Plans: their coordinator and their members read them; a lead or admin
-- writes plans they coordinate.
CREATE POLICY plans_read ON plans FOR SELECT TO panelist_app
    USING (coordinator_id = panelist_uid() OR panelist_user_key() = ANY (member_keys));
CREATE POLICY plans_insert ON plans FOR INSERT TO panelist_app
    WITH CHECK (coordinator_id = panelist_uid() AND panelist_is_lead());
CREATE POLICY plans_update ON plans FOR UPDATE TO panelist_app
    USING (coordinator_id = panelist_uid())
    WITH CHECK (coordinator_id = panelist_uid() AND panelist_is_lead());
CREATE POLICY plans_owner ON plans TO CURRENT_USER USING (true) WITH CHECK (true);

-- Open sessions: each user's own, tied to the session's state.
CREATE POLICY open_read ON open_sessions FOR SELECT TO panelist_app
    USING (user_id = panelist_uid());
CREATE POLICY open_insert ON open_sessions FOR INSERT TO panelist_app
    WITH CHECK (user_id = panelist_uid() AND EXISTS (
        SELECT 1 FROM sessions s
        WHERE s.id = session_id AND s.author_id = panelist_uid()
          AND s.candidate_key = open_sessions.candidate_key AND s.status <> 'submitted'));
CREATE POLICY open_delete ON open_sessions FOR DELETE TO panelist_app
    USING (user_id = panelist_uid() AND EXISTS (
        SELECT 1 FROM sessions s
        WHERE s.id = session_id AND s.author_id = panelist_uid() AND s.status = 'submitted'));
CREATE POLICY open_owner ON open_sessions TO CURRENT_USER USING (true) WITH CHECK (true);

-- Sessions: the lead's blanket read goes; a colleague's submitted session
-- is read through its plan only.
DROP POLICY sessions_lead ON sessions;
DROP POLICY sessions_unsealed ON sessions;
CREATE POLICY sessions_planned ON sessions FOR SELECT TO panelist_app
    USING (status = 'submitted' AND panelist_may_read(candidate_key, interviewer_key));

REVOKE ALL ON plans, open_sessions FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON plans TO panelist_app;
GRANT SELECT, INSERT, DELETE ON open_sessions TO panelist_app;
REVOKE ALL ON FUNCTION panelist_may_read(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION panelist_may_read(text, text) TO panelist_app;
REVOKE ALL ON FUNCTION panelist_user_key() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION panelist_user_key() TO panelist_app;
