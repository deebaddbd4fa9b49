//! The change feed's queries (`GET /v1/changes`, `http/changes.rs`), here so
//! that tests can look at their plans (`server/tests/feed_cost.rs`).

/// The sessions the caller may read, each at its delivery number: for the
/// caller's own sessions, its change number; for a colleague's session (read
/// through a plan, migration 0005), the latest of its change number, the
/// caller's first submission for the candidate (`unseals`) and the last
/// change of the candidate's plans the caller sees. Each of those is what
/// can newly unseal a session, so a session unsealed later is delivered
/// after any cursor held before it.
///
/// One scan of `sessions`, by index, looks only at rows that can lie after
/// the cursor and that the caller can possibly read: the caller's own rows
/// changed at or after it (author and change number); rows of the
/// candidates whose plans the caller sees, changed at or after it
/// (candidate and change number); and every row of those candidates whose
/// plans changed, or whose sessions the caller's first submission unsealed,
/// at or after it. A colleague's session is readable only through a plan
/// of its candidate that the caller sees (migration 0005's rule), and a
/// row's delivery number is one of the three numbers above, so no readable
/// row after the cursor is outside this set. Each row looked at then passes
/// the row-level security policies, which migration 0007 made a hash-table
/// lookup (the readable pairs are listed once per query). Other panels'
/// sessions are not looked at, unless scanning the few rows changed since
/// the cursor is cheaper than looking each of the caller's candidates up,
/// which the planner decides from the table's statistics.
pub const CHANGES: &str = "
    WITH u AS (
        SELECT candidate_key, seq FROM unseals WHERE user_id = panelist_uid()
    ), p AS (
        SELECT candidate_key, max(seq) AS seq FROM plans GROUP BY candidate_key
    )
    SELECT id, document, delivery, author_id FROM (
        SELECT s.id, s.document, s.author_id,
               CASE WHEN s.author_id = panelist_uid() THEN s.seq
                    ELSE greatest(s.seq, u.seq, p.seq) END AS delivery
        FROM sessions s
        LEFT JOIN u ON u.candidate_key = s.candidate_key
        LEFT JOIN p ON p.candidate_key = s.candidate_key
        WHERE (s.author_id = panelist_uid() AND s.seq >= $1)
           OR (s.candidate_key = ANY (ARRAY(SELECT candidate_key FROM p)) AND s.seq >= $1)
           OR s.candidate_key = ANY (ARRAY(
                  SELECT p.candidate_key FROM p LEFT JOIN u ON u.candidate_key = p.candidate_key
                  WHERE greatest(p.seq, u.seq) >= $1))
    ) v
    WHERE (delivery, id) > ($1, $2)
    ORDER BY delivery, id
    LIMIT $3";
