-- Panelist team server, schema 1: users, sealed sessions, unseal log.
--
-- Run by `panelist-server migrate` as the owner role (the role in the
-- migration database URL). The server itself connects as a member of
-- `panelist_app`, which owns nothing, has no BYPASSRLS, and sees rows only
-- through the policies below. Every table has FORCE ROW LEVEL SECURITY, so
-- even the owner is bound by policies (superusers are not: keep them out of
-- the server's connection string, which `serve` checks).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panelist_app') THEN
        CREATE ROLE panelist_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

-- The caller's identity, set by the server per transaction with
-- set_config('panelist.user_id', id, true). Unset → NULL → no rows.
CREATE FUNCTION panelist_uid() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('panelist.user_id', true), '')::bigint $$;

-- The SHA-256 (hex) of the bearer token being checked, set per transaction
-- while authenticating. A row of `users` is visible to the server only by
-- knowing its token or being its user.
CREATE FUNCTION panelist_token_sha256() RETURNS bytea
    LANGUAGE sql STABLE
    AS $$ SELECT decode(nullif(current_setting('panelist.token_sha256', true), ''), 'hex') $$;

CREATE TABLE users (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(btrim(name)) > 0 AND name = btrim(name)),
    role         text NOT NULL CHECK (role IN ('interviewer', 'lead', 'admin')),
    token_sha256 bytea UNIQUE CHECK (token_sha256 IS NULL OR length(token_sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX users_name_key ON users (lower(name));

-- One row per session: the session file as pushed (verified JSON text) plus
-- the columns the policies and the change feed need.
CREATE SEQUENCE change_seq;

CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    author_id     bigint NOT NULL REFERENCES users (id),
    candidate_key text NOT NULL,
    status        text NOT NULL CHECK (status IN ('draft', 'in_progress', 'submitted')),
    revision      bigint NOT NULL CHECK (revision >= 0),
    content_hash  text NOT NULL,
    document      text NOT NULL,
    seq           bigint NOT NULL UNIQUE,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_candidate ON sessions (candidate_key, author_id);

-- When a user first had a submitted session for a candidate: from then on
-- the user may read colleagues' submitted sessions for that candidate. `seq`
-- is the change number of that submission; the change feed delivers rows
-- unsealed by it at that number, so none hides behind a reader's cursor.
CREATE TABLE unseals (
    user_id       bigint NOT NULL REFERENCES users (id),
    candidate_key text NOT NULL,
    seq           bigint NOT NULL,
    PRIMARY KEY (user_id, candidate_key)
);

-- Every write to `sessions` takes the next change number under one
-- transaction-scoped lock, so change numbers become visible in order: a
-- reader never sees number n+1 committed while n is still in flight.
CREATE FUNCTION sessions_stamp() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7311401);
    NEW.seq := nextval('change_seq');
    NEW.received_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER sessions_stamp BEFORE INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_stamp();

-- Runs as the owner (SECURITY DEFINER): the server's role cannot write
-- unseal rows itself, only submit its own session, which passed the
-- sessions policies.
CREATE FUNCTION sessions_unseal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
    AS $$
BEGIN
    IF NEW.status = 'submitted' THEN
        INSERT INTO unseals (user_id, candidate_key, seq)
        VALUES (NEW.author_id, NEW.candidate_key, NEW.seq)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_unseal AFTER INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_unseal();

-- A session's id, author and candidate never change; a submitted session
-- stays submitted; revisions only go up.
CREATE FUNCTION sessions_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.author_id <> OLD.author_id
       OR NEW.candidate_key <> OLD.candidate_key THEN
        RAISE EXCEPTION 'a session''s id, author and candidate cannot change';
    END IF;
    IF OLD.status = 'submitted' AND NEW.status <> 'submitted' THEN
        RAISE EXCEPTION 'a submitted session cannot go back to %', NEW.status;
    END IF;
    IF NEW.revision <= OLD.revision THEN
        RAISE EXCEPTION 'revision % is not newer than %', NEW.revision, OLD.revision;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sessions_guard BEFORE UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_guard();

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE unseals ENABLE ROW LEVEL SECURITY;
ALTER TABLE unseals FORCE ROW LEVEL SECURITY;

-- The owner administers users (`panelist-server user ...`) and nothing else.
CREATE POLICY users_owner ON users TO CURRENT_USER USING (true) WITH CHECK (true);

-- The server reads the user whose token it holds, or who it acts for.
CREATE POLICY users_self ON users FOR SELECT TO panelist_app
    USING (id = panelist_uid()
           OR (token_sha256 IS NOT NULL AND token_sha256 = panelist_token_sha256()));

CREATE FUNCTION panelist_is_lead() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM users
                         WHERE id = panelist_uid() AND role IN ('lead', 'admin')
                           AND revoked_at IS NULL) $$;

-- Reading sessions: your own, always; a colleague's only once submitted, and
-- then only if you are a lead or have submitted your own session for the
-- same candidate. Nobody reads another's unsubmitted session.
CREATE POLICY sessions_own ON sessions FOR SELECT TO panelist_app
    USING (author_id = panelist_uid());
CREATE POLICY sessions_lead ON sessions FOR SELECT TO panelist_app
    USING (status = 'submitted' AND panelist_is_lead());
CREATE POLICY sessions_unsealed ON sessions FOR SELECT TO panelist_app
    USING (status = 'submitted' AND EXISTS (
        SELECT 1 FROM unseals u
        WHERE u.user_id = panelist_uid() AND u.candidate_key = sessions.candidate_key));

-- Writing: only your own rows.
CREATE POLICY sessions_insert ON sessions FOR INSERT TO panelist_app
    WITH CHECK (author_id = panelist_uid());
CREATE POLICY sessions_update ON sessions FOR UPDATE TO panelist_app
    USING (author_id = panelist_uid()) WITH CHECK (author_id = panelist_uid());

CREATE POLICY unseals_own ON unseals FOR SELECT TO panelist_app
    USING (user_id = panelist_uid());
CREATE POLICY unseals_owner ON unseals TO CURRENT_USER USING (true) WITH CHECK (true);

REVOKE ALL ON users, sessions, unseals FROM PUBLIC;
REVOKE ALL ON SEQUENCE change_seq FROM PUBLIC;
GRANT SELECT ON users TO panelist_app;
GRANT SELECT, INSERT, UPDATE ON sessions TO panelist_app;
GRANT SELECT ON unseals TO panelist_app;
REVOKE ALL ON FUNCTION sessions_unseal() FROM PUBLIC;
GRANT USAGE ON SEQUENCE change_seq TO panelist_app;
