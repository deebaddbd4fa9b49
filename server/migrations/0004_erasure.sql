-- Panelist team server, schema 4: erasure and retention.
--
-- `panelist-server candidate erase NAME`, `panelist-server retention` and an
-- admin's `POST /v1/erasures` all go through `panelist_erase`: in one
-- transaction, every session and unseal row of the candidate (by the core's
-- identity key) is deleted and a tombstone recorded with the next change
-- number, so the change feed delivers it to every reader after any cursor.
--
-- A tombstone never names the candidate: it keeps a salted SHA-256 of the
-- identity key (`wire::erasure_hash`) under this server's erasure salt,
-- which readers receive with each tombstone to test the candidates they
-- hold. Nobody can read a name out of it; someone who already knows a name
-- can tell it was erased, which is what a tombstone is for.

CREATE TABLE erasure_salt (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    salt     text NOT NULL CHECK (salt ~ '^[0-9a-f]{64}$')
);
-- gen_random_uuid draws from the operating system's random source.
INSERT INTO erasure_salt (salt)
    VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

CREATE TABLE erasures (
    id             uuid PRIMARY KEY,
    candidate_hash text NOT NULL CHECK (candidate_hash ~ '^sha256:[0-9a-f]{64}$'),
    erased_at      timestamptz NOT NULL,
    seq            bigint NOT NULL UNIQUE,
    sessions       bigint NOT NULL CHECK (sessions >= 0),
    reason         text NOT NULL CHECK (reason IN ('request', 'retention'))
);
CREATE INDEX erasures_candidate ON erasures (candidate_hash, erased_at);

-- The owner still reads no session, except while it erases: inside
-- panelist_erase (one candidate) and for retention's look at the times
-- (`db::apply_retention`), each of which sets `panelist.erasing` for its
-- own statements (the candidate's key, or '*' to list) and clears it. The
-- serving role reaches other users' sessions only through panelist_erase,
-- as an admin.
CREATE POLICY sessions_owner_erasing ON sessions FOR SELECT TO CURRENT_USER
    USING (current_setting('panelist.erasing', true) IN (candidate_key, '*'));
CREATE POLICY sessions_owner_erase ON sessions FOR DELETE TO CURRENT_USER
    USING (candidate_key = current_setting('panelist.erasing', true));

-- Runs as the owner. Called by the owner's connection (the admin commands
-- on the server host) or by the serving role for an admin caller; anyone
-- else is refused.
CREATE FUNCTION panelist_erase(p_key text, p_hash text, p_id uuid, p_reason text)
    RETURNS TABLE (erased_seq bigint, erased_at timestamptz, erased_sessions bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
    AS $$
DECLARE
    n bigint;
    s bigint;
    t timestamptz := clock_timestamp();
BEGIN
    IF session_user <> current_user AND NOT panelist_is_admin() THEN
        RAISE EXCEPTION 'only an admin may erase a candidate' USING ERRCODE = '42501';
    END IF;
    IF length(p_key) = 0 THEN
        RAISE EXCEPTION 'the candidate''s name is empty' USING ERRCODE = '22023';
    END IF;
    -- The change feed's lock: the tombstone's number becomes visible in order.
    PERFORM pg_advisory_xact_lock(7311401);
    PERFORM set_config('panelist.erasing', p_key, true);
    DELETE FROM sessions WHERE candidate_key = p_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('panelist.erasing', '', true);
    DELETE FROM unseals WHERE candidate_key = p_key;
    s := nextval('change_seq');
    INSERT INTO erasures (id, candidate_hash, erased_at, seq, sessions, reason)
        VALUES (p_id, p_hash, t, s, n, p_reason);
    RETURN QUERY SELECT s, t, n;
END
$$;

ALTER TABLE erasure_salt ENABLE ROW LEVEL SECURITY;
ALTER TABLE erasure_salt FORCE ROW LEVEL SECURITY;
ALTER TABLE erasures ENABLE ROW LEVEL SECURITY;
ALTER TABLE erasures FORCE ROW LEVEL SECURITY;
-- Every signed-in user reads tombstones and the salt: they name nobody.
CREATE POLICY salt_read ON erasure_salt FOR SELECT TO panelist_app
    USING (panelist_uid() IS NOT NULL);
CREATE POLICY salt_owner ON erasure_salt TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY erasures_read ON erasures FOR SELECT TO panelist_app
    USING (panelist_uid() IS NOT NULL);
CREATE POLICY erasures_owner ON erasures TO CURRENT_USER USING (true) WITH CHECK (true);

REVOKE ALL ON erasure_salt, erasures FROM PUBLIC;
GRANT SELECT ON erasure_salt, erasures TO panelist_app;
REVOKE ALL ON FUNCTION panelist_erase(text, text, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION panelist_erase(text, text, uuid, text) TO panelist_app;
