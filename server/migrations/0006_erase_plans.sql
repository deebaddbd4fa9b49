-- Panelist team server, schema 6: erasing a candidate also deletes the
-- candidate's interview plans (a plan names the candidate and its panel).
--
-- `panelist_erase` (schema 4) deleted the candidate's sessions and unseal
-- rows; plans arrived with schema 5 and were left behind. The function is
-- the same one with one more statement, so the admin command, retention and
-- `POST /v1/erasures` all take the plans with them. The owner's policy on
-- `plans` (schema 5) lets the function, running as the owner, delete them.

CREATE OR REPLACE FUNCTION panelist_erase(p_key text, p_hash text, p_id uuid, p_reason text)
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
    DELETE FROM plans WHERE candidate_key = p_key;
    s := nextval('change_seq');
    INSERT INTO erasures (id, candidate_hash, erased_at, seq, sessions, reason)
        VALUES (p_id, p_hash, t, s, n, p_reason);
    RETURN QUERY SELECT s, t, n;
END
$$;
