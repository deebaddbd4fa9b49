-- Panelist team server, schema 3: candidates keyed by the core's identity
-- key, each user's installation keys, token expiry, storage quotas.
--
-- `candidate_key` becomes the core's `text::name_key` of the candidate's
-- name (NFKC_Casefold: Unicode form, case, spacing and invisible characters
-- ignored), the key every Panelist database files candidates under. The SQL
-- cannot compute it: `panelist-server migrate` re-keys the stored rows in
-- Rust right after this file, in the same transaction (`db::rekey_candidates`).

-- A token may carry an end (`token new NAME --expires DAYS`).
ALTER TABLE users ADD COLUMN token_expires_at timestamptz;

-- The per-user storage quota sums a user's documents.
CREATE INDEX sessions_author ON sessions (author_id);

-- The public keys of each user's installations: the first push signed by a
-- key registers it under the pushing user (the token's). Every signed-in
-- user reads them (they are public keys): a reader trusts a pulled file's
-- key when the server lists it under the file's interviewer.
CREATE TABLE installation_keys (
    user_id    bigint NOT NULL REFERENCES users (id),
    -- The user's name as it was (users rows are visible to their own user only).
    name       text NOT NULL,
    public_key text NOT NULL CHECK (public_key ~ '^ed25519:[0-9a-f]{64}$'),
    first_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, public_key)
);

ALTER TABLE installation_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE installation_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY keys_read ON installation_keys FOR SELECT TO panelist_app
    USING (panelist_uid() IS NOT NULL);
CREATE POLICY keys_register ON installation_keys FOR INSERT TO panelist_app
    WITH CHECK (user_id = panelist_uid()
                AND EXISTS (SELECT 1 FROM users WHERE id = panelist_uid() AND users.name = installation_keys.name));
CREATE POLICY keys_owner ON installation_keys TO CURRENT_USER USING (true) WITH CHECK (true);

REVOKE ALL ON installation_keys FROM PUBLIC;
GRANT SELECT, INSERT ON installation_keys TO panelist_app;
