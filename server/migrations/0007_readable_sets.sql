-- Panelist team server, schema 7: sealing by plan evaluated once per query,
-- and the indexes the change feed reads by.
--
-- Schema 5's read policy on sessions called `panelist_may_read(candidate,
-- interviewer)` for every row a query looked at: a function with a pinned
-- search_path (so never inlined) that ran its own lookups of plans,
-- unseals and open sessions and, through the plans policy, called
-- `panelist_user_key()` once more for every plan row. A pull examined each
-- session changed since the reader's cursor, the whole team's, at about
-- 170 µs and six buffers apiece: pulls became five times slower than under
-- schema 4.
--
-- The rule is the same; it is now written as a set. The policy lists the
-- (candidate, interviewer) pairs of identity keys whose submitted sessions
-- the caller may read through a plan, and tests a row's pair against that
-- list, which PostgreSQL computes once per query and probes as a hash table
-- (a "hashed SubPlan"). The plans policy takes the caller's key once (an
-- InitPlan) and can use the GIN index on `member_keys`.
--
-- The rule (docs/sync-protocol.md, "Sealing"), unchanged from schema 5: a
-- colleague's submitted session of candidate C by interviewer I is readable
-- through a plan of C whose members include I, the caller being a member of
-- that plan who has submitted a session of C (an `unseals` row), or the
-- plan's coordinator who is not a member; and not while the caller has an
-- unsubmitted session of C on the server (`open_sessions`). As inside the
-- function it replaces, the policy's subquery reads plans, unseals and open
-- sessions through their own policies, as the caller; its tables are named
-- as resolved now, so no search path applies to it.

DROP POLICY sessions_planned ON sessions;
CREATE POLICY sessions_planned ON sessions FOR SELECT TO panelist_app
    USING (status = 'submitted' AND (candidate_key, interviewer_key) IN (
        SELECT p.candidate_key, m.key
        FROM plans p, unnest(p.member_keys) AS m(key)
        WHERE CASE
                WHEN (SELECT panelist_user_key()) = ANY (p.member_keys)
                THEN EXISTS (SELECT 1 FROM unseals u
                             WHERE u.user_id = panelist_uid() AND u.candidate_key = p.candidate_key)
                ELSE p.coordinator_id = panelist_uid()
              END
          AND NOT EXISTS (SELECT 1 FROM open_sessions o
                          WHERE o.user_id = panelist_uid() AND o.candidate_key = p.candidate_key)));
DROP FUNCTION panelist_may_read(text, text);

-- Plans: their coordinator and their members read them, as in schema 5
-- (`x = ANY (a)` and `a @> ARRAY[x]` are true for the same rows, neither
-- when the caller has no key); the caller's key is taken once, and the
-- second form can use the GIN index.
DROP POLICY plans_read ON plans;
CREATE POLICY plans_read ON plans FOR SELECT TO panelist_app
    USING (coordinator_id = panelist_uid()
           OR member_keys @> ARRAY[(SELECT panelist_user_key())]);

-- The change feed reads a user's own sessions, and the sessions of the
-- candidates whose plans they see, changed after a cursor: by author or
-- candidate, then change number. These take the place of the single-column
-- and (candidate, author) indexes, which no query needs any more.
CREATE INDEX sessions_author_seq ON sessions (author_id, seq);
CREATE INDEX sessions_candidate_seq ON sessions (candidate_key, seq);
DROP INDEX sessions_author;
DROP INDEX sessions_candidate;

-- Every request looks a user's plans up by member; plans are written
-- rarely. Without the pending list of fast updates, a lookup does not read
-- through every plan added since the last vacuum.
ALTER INDEX plans_members SET (fastupdate = off);
SELECT gin_clean_pending_list('plans_members');
