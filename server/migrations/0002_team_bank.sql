-- Panelist team server, schema 2: the organisation's question bank and kits.
--
-- Admins publish the whole bank (a Panelist bank file, docs/bank-format.md);
-- each publication is a new numbered version and none is ever changed or
-- removed, so a client that pulled version n can always say which bank it
-- has. Clients import the newest version into their local bank (changed
-- questions get a new revision there; sessions keep their snapshots).

CREATE TABLE bank_versions (
    version      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    published_by bigint NOT NULL REFERENCES users (id),
    -- The publisher's name as it was (users rows are visible to their own
    -- user only, so readers could not look it up).
    publisher    text NOT NULL,
    content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    document     text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION panelist_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM users
                         WHERE id = panelist_uid() AND role = 'admin'
                           AND revoked_at IS NULL) $$;

ALTER TABLE bank_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE bank_versions FORCE ROW LEVEL SECURITY;

-- Every signed-in user reads the bank; only an admin publishes, as themself.
CREATE POLICY bank_read ON bank_versions FOR SELECT TO panelist_app
    USING (panelist_uid() IS NOT NULL);
CREATE POLICY bank_publish ON bank_versions FOR INSERT TO panelist_app
    WITH CHECK (published_by = panelist_uid() AND panelist_is_admin()
                AND EXISTS (SELECT 1 FROM users WHERE id = panelist_uid() AND name = publisher));
CREATE POLICY bank_owner ON bank_versions TO CURRENT_USER USING (true) WITH CHECK (true);

REVOKE ALL ON bank_versions FROM PUBLIC;
GRANT SELECT, INSERT ON bank_versions TO panelist_app;
GRANT USAGE ON SEQUENCE bank_versions_version_seq TO panelist_app;
