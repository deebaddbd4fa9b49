//! The team server against a real PostgreSQL 15: sealing by row-level
//! security checked in raw SQL as the server's own role, the HTTP protocol,
//! and refusals that change nothing.

mod common;

use common::*;
use panelist_core::session_file::SessionFile;

fn interviewers(files: &[SessionFile]) -> Vec<String> {
    let mut v: Vec<String> = files
        .iter()
        .map(|f| f.session.interviewer.clone())
        .collect();
    v.sort();
    v
}

/// Connects as `url`'s role and runs `sql` in one transaction with
/// `user_id` set (or not); the rows it returns.
fn rows_as(url: &str, user_id: Option<i64>, sql: &str) -> Vec<tokio_postgres::Row> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut client = panelist_server::db::connect(url).await.unwrap();
        let tx = client.transaction().await.unwrap();
        if let Some(id) = user_id {
            tx.execute(
                "SELECT set_config('panelist.user_id', $1, true)",
                &[&id.to_string()],
            )
            .await
            .unwrap();
        }
        tx.query(sql, &[]).await.unwrap()
    })
}

/// The interviewers of the sessions `url`'s role sees as `user_id`.
fn visible_as(url: &str, user_id: Option<i64>) -> Vec<String> {
    rows_as(
        url,
        user_id,
        "SELECT document::json #>> '{session,interviewer}' FROM sessions ORDER BY 1",
    )
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// Runs one statement as `url`'s role with `user_id` set; the error text if
/// it fails, else the number of rows it touched.
fn exec_as(url: &str, user_id: i64, sql: &str) -> Result<u64, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut client = panelist_server::db::connect(url).await.unwrap();
        let tx = client.transaction().await.unwrap();
        tx.execute(
            "SELECT set_config('panelist.user_id', $1, true)",
            &[&user_id.to_string()],
        )
        .await
        .unwrap();
        let r = tx
            .execute(sql, &[])
            .await
            .map_err(|e| panelist_server::db::describe(&e));
        tx.commit().await.map_err(|e| e.to_string())?;
        r
    })
}

fn user_id(pg: &PgCluster, name: &str) -> i64 {
    pg.psql(
        "panelist",
        &format!("SELECT id FROM users WHERE name = '{name}'"),
    )
    .trim()
    .parse()
    .unwrap()
}

#[test]
fn row_level_security_seals_sessions_for_the_servers_own_role() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tb = add_user(&owner, "Ben Baker", "interviewer");
    let tc = add_user(&owner, "Cat Cole", "interviewer");
    let tl = add_user(&owner, "Lee Lead", "lead");
    let base = start_server(&web);
    // The lead plans Ada Lovelace's panel (server schema 5: a colleague's
    // session is read through its candidate's plan only).
    push_plan(
        &base,
        &tl,
        "Lee Lead",
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker", "Cat Cole"],
    );

    let a = session_file("Ann Archer", "Ada Lovelace", "A-secret-note", true);
    let b = session_file("Ben Baker", "Ada Lovelace", "B-secret-note", true);
    let mut c = Machine::new("Cat Cole", "Ada Lovelace", "C-draft-note");
    let other = session_file("Ann Archer", "Alan Turing", "A-other-candidate", true);
    for (f, t) in [(&a, &ta), (&b, &tb), (&other, &ta)] {
        assert_eq!(post(&base, "/v1/sessions", Some(t), &bytes(f)).status, 201);
    }
    assert_eq!(
        post(&base, "/v1/sessions", Some(&tc), &bytes(&c.file())).status,
        201
    );
    let (ida, idb, idc, idl) = (
        user_id(&pg, "Ann Archer"),
        user_id(&pg, "Ben Baker"),
        user_id(&pg, "Cat Cole"),
        user_id(&pg, "Lee Lead"),
    );

    // The server's role, by raw SQL: no identity, no rows.
    assert!(visible_as(&web, None).is_empty());
    // Before C submits, C's identity sees only C's own row.
    assert_eq!(visible_as(&web, Some(idc)), ["Cat Cole"]);
    // A has submitted for Ada, as has B: each sees the other's, and A's own
    // session for Alan Turing, but not C's unsubmitted one.
    assert_eq!(
        visible_as(&web, Some(ida)),
        ["Ann Archer", "Ann Archer", "Ben Baker"]
    );
    assert_eq!(visible_as(&web, Some(idb)), ["Ann Archer", "Ben Baker"]);
    // The lead reads the submitted sessions of the plan they coordinate,
    // and no draft; no longer every session (issue 19: A's session of Alan
    // Turing is in no plan, so A's alone).
    assert_eq!(visible_as(&web, Some(idl)), ["Ann Archer", "Ben Baker"]);
    // The owner has no policy on sessions: it reads nothing either (its
    // one data step, migration 3's re-keying, lifts FORCE for itself
    // inside the migration's transaction).
    assert!(visible_as(&owner, Some(ida)).is_empty());

    // C cannot write as A, nor touch A's row, nor unseal by hand.
    let before = pg.dump();
    let forged = exec_as(
        &web,
        idc,
        &format!(
            "INSERT INTO sessions (id, author_id, candidate_key, status, revision, content_hash, document, seq)
             VALUES (gen_random_uuid(), {ida}, 'Ada Lovelace', 'submitted', 1, 'x', '{{}}', 0)"
        ),
    );
    assert!(
        forged.as_ref().unwrap_err().contains("row-level security"),
        "{forged:?}"
    );
    assert_eq!(
        exec_as(
            &web,
            idc,
            &format!("UPDATE sessions SET revision = revision + 100 WHERE author_id <> {idc}")
        ),
        Ok(0),
        "others' rows are out of reach"
    );
    let unseal = exec_as(
        &web,
        idc,
        &format!(
            "INSERT INTO unseals (user_id, candidate_key, seq) VALUES ({idc}, 'Alan Turing', 1)"
        ),
    );
    assert!(
        unseal.as_ref().unwrap_err().contains("permission denied"),
        "{unseal:?}"
    );
    let delete = exec_as(&web, idc, "DELETE FROM sessions");
    assert!(
        delete.as_ref().unwrap_err().contains("permission denied"),
        "{delete:?}"
    );
    assert_eq!(pg.dump(), before, "the refused statements changed nothing");

    // Now C submits for real, through the server: A's and B's rows unseal.
    c.submit();
    assert_eq!(
        post(&base, "/v1/sessions", Some(&tc), &bytes(&c.file())).status,
        200
    );
    let seen = visible_as(&web, Some(idc));
    assert!(seen.contains(&"Ann Archer".to_string()) && seen.contains(&"Ben Baker".to_string()));
}

#[test]
fn the_server_refuses_roles_that_bypass_sealing_and_plain_http_abroad() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let serve = |url: &str, listen: &str, extra: &[&str]| {
        let mut args = vec!["serve", "--listen", listen];
        args.extend_from_slice(extra);
        server_cli(url, &args)
    };
    // The owner: refused.
    let (ok, _, err) = serve(&owner, "127.0.0.1:0", &[]);
    assert!(!ok && err.contains("not a member of panelist_app"), "{err}");
    pg.psql("postgres", "GRANT panelist_app TO panelist_owner");
    let (ok, _, err) = serve(&owner, "127.0.0.1:0", &[]);
    assert!(
        !ok && err.contains("must not connect as the owner"),
        "{err}"
    );
    // A superuser: refused.
    let (ok, _, err) = serve(&pg.url("postgres", "panelist"), "127.0.0.1:0", &[]);
    assert!(!ok && err.contains("superuser"), "{err}");
    // A member of panelist_app with BYPASSRLS: refused.
    pg.psql("postgres", "ALTER ROLE panelist_web BYPASSRLS");
    let (ok, _, err) = serve(&web, "127.0.0.1:0", &[]);
    assert!(!ok && err.contains("BYPASSRLS"), "{err}");
    pg.psql("postgres", "ALTER ROLE panelist_web NOBYPASSRLS");
    // Plain HTTP on a non-loopback address: refused before touching the DB.
    let (ok, _, err) = serve(&web, "0.0.0.0:0", &[]);
    assert!(!ok && err.contains("refusing plain HTTP"), "{err}");

    // Migrating again is a no-op; the schema version is recorded.
    let (ok, out, err) = server_cli(&owner, &["migrate"]);
    assert!(ok, "{err}");
    assert!(out.contains("up to date (version 7)"), "{out}");
    assert_eq!(
        pg.psql(
            "panelist",
            "SELECT version, name FROM panelist_migrations ORDER BY 1"
        )
        .trim(),
        "1|0001_sealed_sessions\n2|0002_team_bank\n3|0003_identity_keys_expiry\n4|0004_erasure\n5|0005_plans\n6|0006_erase_plans\n7|0007_readable_sets"
    );
    // Every table forces row-level security and belongs to the owner.
    assert_eq!(
        pg.psql(
            "panelist",
            "SELECT relname, relforcerowsecurity, pg_get_userbyid(relowner) FROM pg_class
             WHERE relname IN ('users','sessions','unseals','bank_versions') ORDER BY 1"
        )
        .trim(),
        "bank_versions|t|panelist_owner\nsessions|t|panelist_owner\nunseals|t|panelist_owner\nusers|t|panelist_owner"
    );

    // Users: add, list, a duplicate refused, revoke.
    let token = add_user(&owner, "Ann Archer", "lead");
    assert_eq!(
        pg.psql(
            "panelist",
            &format!("SELECT count(*) FROM users WHERE token_sha256 = sha256('{token}'::bytea)")
        )
        .trim(),
        "1",
        "only the SHA-256 of the token is stored"
    );
    let (ok, _, err) = server_cli(&owner, &["user", "add", "ann archer", "--role", "admin"]);
    assert!(!ok && err.contains("already exists"), "{err}");
    // The same name by the core's identity key (invisible characters, case,
    // spacing), and a name without a letter, are refused too.
    for same in [
        "ANN\u{200B} ARCHER",
        "Ann  Archer\u{E0020}",
        "Ann\u{180B} Archer",
    ] {
        let (ok, _, err) = server_cli(&owner, &["user", "add", same, "--role", "admin"]);
        assert!(!ok && err.contains("already exists"), "{same:?}: {err}");
    }
    let (ok, _, err) = server_cli(
        &owner,
        &["user", "add", "\u{E0041}\u{E0042}", "--role", "admin"],
    );
    assert!(!ok && err.contains("invisible"), "{err}");
    let (ok, _, err) = server_cli(&owner, &["user", "add", "X", "--role", "boss"]);
    assert!(!ok && err.contains("invalid value"), "{err}");
    let (ok, out, _) = server_cli(&owner, &["user", "list"]);
    assert!(ok && out.contains("Ann Archer") && out.contains("lead") && out.contains("active"));
    let (ok, _, err) = server_cli(&owner, &["token", "revoke", "Ann Archer"]);
    assert!(ok, "{err}");
    let (_, out, _) = server_cli(&owner, &["user", "list"]);
    assert!(out.contains("revoked"), "{out}");
    let (ok, _, err) = server_cli(&owner, &["token", "revoke", "Nobody"]);
    assert!(!ok && err.contains("no user named"), "{err}");

    // A schema newer than this build: serve and migrate both refuse it.
    pg.psql(
        "panelist",
        &format!(
            "INSERT INTO panelist_migrations (version, name) VALUES ({}, 'from a newer build')",
            panelist_server::db::SCHEMA_VERSION + 1
        ),
    );
    let (ok, _, err) = serve(&web, "127.0.0.1:0", &[]);
    assert!(!ok && err.contains("upgrade panelist-server"), "{err}");
    let (ok, _, err) = server_cli(&owner, &["migrate"]);
    assert!(!ok && err.contains("newer than this build"), "{err}");
}

#[test]
fn push_and_pull_seal_until_my_submit_then_deliver_older_rows_behind_my_cursor() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tb = add_user(&owner, "Ben Baker", "interviewer");
    let tc = add_user(&owner, "Cat Cole", "interviewer");
    let tl = add_user(&owner, "Lee Lead", "lead");
    let tadmin = add_user(&owner, "Ada Admin", "admin");
    let base = start_server(&web);
    // The lead's plan and an admin's plan of the same panel (server schema
    // 5: a colleague's session is read through its candidate's plan).
    for (token, who) in [(&tl, "Lee Lead"), (&tadmin, "Ada Admin")] {
        push_plan(
            &base,
            token,
            who,
            "Ada Lovelace",
            &["Ann Archer", "Ben Baker", "Cat Cole"],
        );
    }

    let me = get(&base, "/v1/me", Some(&tc));
    assert_eq!(me.status, 200);
    assert_eq!(me.body["name"], "Cat Cole");
    assert_eq!(me.body["protocol"], 1);

    // C starts first and pulls: only C's own row.
    let mut c = Machine::new("Cat Cole", "Ada Lovelace", "C-notes");
    assert_eq!(
        post(&base, "/v1/sessions", Some(&tc), &bytes(&c.file())).status,
        201
    );
    let (got, c_cursor) = pull_all(&base, &tc, "");
    assert_eq!(interviewers(&got), ["Cat Cole"]);

    // A and B submit and push; C pulls again: still nothing of theirs, and
    // the cursor moves past nothing of theirs either.
    let t = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 20, 9, 0, 0).unwrap();
    let mut a_store = panelist_core::Store::open_in_memory().unwrap();
    let a_id = interview_on(
        &mut a_store,
        "Ann Archer",
        "Ada Lovelace",
        "A-notes",
        true,
        t,
    );
    let a = SessionFile::new(a_store.session(a_id).unwrap());
    let b = session_file("Ben Baker", "Ada Lovelace", "B-notes", true);
    let r = post(&base, "/v1/sessions", Some(&ta), &bytes(&a));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["result"], "stored");
    assert_eq!(
        post(&base, "/v1/sessions", Some(&tb), &bytes(&b)).status,
        201
    );
    let (got, c_cursor) = pull_all(&base, &tc, &c_cursor);
    assert!(got.is_empty(), "sealed: {:?}", interviewers(&got));

    // A sees B's (both submitted) and own; the lead sees both, not C's.
    let (got, _) = pull_all(&base, &ta, "");
    assert_eq!(interviewers(&got), ["Ann Archer", "Ben Baker"]);
    let (got, lead_cursor) = pull_all(&base, &tl, "");
    assert_eq!(interviewers(&got), ["Ann Archer", "Ben Baker"]);
    let (got, _) = pull_all(&base, &tadmin, "");
    assert_eq!(
        interviewers(&got),
        ["Ann Archer", "Ben Baker"],
        "admins read as leads"
    );
    let (got, _) = pull_all(&base, &tl, &lead_cursor);
    assert!(got.is_empty());

    // C submits and pulls from the cursor held before: A's and B's rows,
    // older than that cursor, arrive now; C's own new revision too.
    c.submit();
    assert_eq!(
        post(&base, "/v1/sessions", Some(&tc), &bytes(&c.file())).status,
        200
    );
    let (got, c_cursor) = pull_all(&base, &tc, &c_cursor);
    assert_eq!(interviewers(&got), ["Ann Archer", "Ben Baker", "Cat Cole"]);
    let notes: Vec<&str> = got
        .iter()
        .map(|f| f.session.entries[0].notes.as_str())
        .collect();
    assert!(notes.contains(&"A-notes") && notes.contains(&"B-notes"));
    let (got, _) = pull_all(&base, &tc, &c_cursor);
    assert!(got.is_empty(), "nothing twice");
    // The lead gets C's submission once.
    let (got, _) = pull_all(&base, &tl, &lead_cursor);
    assert_eq!(interviewers(&got), ["Cat Cole"]);
    // Pulled files are the pushed ones, hash and all.
    let (all, _) = pull_all(&base, &tc, "");
    let pulled_a = all
        .iter()
        .find(|f| f.session.interviewer == "Ann Archer")
        .unwrap();
    assert_eq!(pulled_a.content_hash, a.content_hash);
    assert_eq!(pulled_a.session, a.session);

    // A later amendment by A (a score, with its reason, as Panelist makes
    // one after submission) is delivered again past C's cursor.
    let q = a.session.entries[0].question.id.clone();
    let amended = a_store
        .amend_score(
            a_id,
            &q,
            4,
            "amended after the debrief",
            uuid::Uuid::now_v7().into(),
            t + chrono::Duration::hours(2),
        )
        .unwrap();
    let amended = SessionFile::new(amended);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ta), &bytes(&amended)).status,
        200
    );
    let (got, _) = pull_all(&base, &tc, &c_cursor);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].session.entries[0].score, Some(4));

    // Bad cursors and limits are refused as JSON.
    let r = get(&base, "/v1/changes?after=bogus", Some(&tc));
    assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid")));
    let r = get(&base, "/v1/changes?limit=0", Some(&tc));
    assert_eq!(r.status, 400);
    let r = get(&base, "/v1/nothing", Some(&tc));
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (404, Some("not_found"))
    );
    let r = get(&base, "/v1/sessions", Some(&tc));
    assert_eq!(r.status, 405);
}

#[test]
fn refused_pushes_change_nothing() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tb = add_user(&owner, "Ben Baker", "interviewer");
    let base = start_server(&web);
    let a = session_file("Ann Archer", "Ada Lovelace", "A-notes", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ta), &bytes(&a)).status,
        201
    );

    let check = |status: u16, code: &str, r: Reply, before: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.body["code"], code, "{}", r.body);
        assert_eq!(pg.dump(), before, "a refused request changed the database");
    };
    let before = pg.dump();

    // Idempotent re-push: 200 unchanged, nothing written (no new change number).
    let r = post(&base, "/v1/sessions", Some(&ta), &bytes(&a));
    assert_eq!(
        (r.status, r.body["result"].as_str()),
        (200, Some("unchanged"))
    );
    assert_eq!(pg.dump(), before);

    // Same id and revision, other content: 409.
    let mut diverged = a.session.clone();
    diverged.summary = "another edit".into();
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &bytes(&SessionFile::new(diverged)),
    );
    check(409, "conflict", r, &before);
    // An older revision: 409.
    let mut older = a.session.clone();
    older.revision -= 1;
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &bytes(&SessionFile::new(older)),
    );
    check(409, "conflict", r, &before);
    // A newer revision that is no longer submitted: 409.
    let mut unsubmitted = a.session.clone();
    unsubmitted.revision += 1;
    unsubmitted.status = panelist_core::session::Status::InProgress;
    // A valid in-progress session otherwise (no finish time, no submission
    // in the audit log), so it is the un-submitting that is refused.
    unsubmitted.finished_at = None;
    unsubmitted.audit.clear();
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &bytes(&SessionFile::new(unsubmitted)),
    );
    check(409, "conflict", r, &before);
    // A newer revision for another candidate: 409 (the schema's guard).
    let mut moved = a.session.clone();
    moved.revision += 1;
    moved.candidate.name = "Someone Else".into();
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &bytes(&SessionFile::new(moved)),
    );
    assert!(r.body.to_string().contains("cannot change"), "{}", r.body);
    check(409, "conflict", r, &before);
    // B pushes a session whose interviewer is A: 403.
    let forged = session_file("Ann Archer", "Ada Lovelace", "forged", true);
    let r = post(&base, "/v1/sessions", Some(&tb), &bytes(&forged));
    check(403, "forged_author", r, &before);
    // B re-pushes A's session id under B's name: 409 (the id is A's).
    let mut stolen = a.session.clone();
    stolen.interviewer = "Ben Baker".into();
    for a in &mut stolen.audit {
        a.actor = "Ben Baker".into();
    }
    let r = post(
        &base,
        "/v1/sessions",
        Some(&tb),
        &bytes(&SessionFile::new(stolen)),
    );
    check(409, "conflict", r, &before);
    // No token, a wrong token, a revoked token: 401.
    check(
        401,
        "unauthorized",
        post(&base, "/v1/sessions", None, &bytes(&a)),
        &before,
    );
    let wrong = format!("pnl_{}", "0".repeat(64));
    check(
        401,
        "unauthorized",
        post(&base, "/v1/sessions", Some(&wrong), &bytes(&a)),
        &before,
    );
    check(
        401,
        "unauthorized",
        get(&base, "/v1/changes", Some("nonsense")),
        &before,
    );
    // Malformed JSON, a wrong shape, a forged hash: 400.
    check(
        400,
        "invalid",
        post(&base, "/v1/sessions", Some(&ta), b"{\"format\": "),
        &before,
    );
    check(
        400,
        "invalid",
        post(&base, "/v1/sessions", Some(&ta), b"[1, 2]"),
        &before,
    );
    let mut tampered: serde_json::Value = serde_json::from_slice(&bytes(&a)).unwrap();
    tampered["session"]["entries"][0]["score"] = serde_json::json!(4);
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &serde_json::to_vec(&tampered).unwrap(),
    );
    assert!(
        r.body["message"].as_str().unwrap().contains("hash"),
        "{}",
        r.body
    );
    check(400, "invalid", r, &before);
    // Oversize body: 413.
    check(
        413,
        "too_large",
        post_oversize(&base, &ta, 6 * 1024 * 1024),
        &before,
    );

    // Revocation takes effect at once; a pull with the revoked token is 401.
    let (ok, _, err) = server_cli(&owner, &["token", "revoke", "Ann Archer"]);
    assert!(ok, "{err}");
    let before = pg.dump();
    check(
        401,
        "unauthorized",
        get(&base, "/v1/changes", Some(&ta)),
        &before,
    );
    let mut newer = a.session.clone();
    newer.revision += 1;
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ta),
        &bytes(&SessionFile::new(newer)),
    );
    check(401, "unauthorized", r, &before);
    // The database goes away: the server answers 503, as JSON, every time.
    pg.stop();
    for _ in 0..3 {
        let r = get(&base, "/v1/me", Some(&tb));
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (503, Some("unavailable"))
        );
    }
}

#[test]
fn concurrent_pushes_never_slip_behind_a_readers_cursor() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let lead = add_user(&owner, "Lee Lead", "lead");
    let writers: Vec<(String, String)> = (0..4)
        .map(|i| {
            let name = format!("Writer {i}");
            let token = add_user(&owner, &name, "interviewer");
            (name, token)
        })
        .collect();
    let base = start_server(&web);
    let per_writer = 8;
    // The lead coordinates each candidate's plan (server schema 5).
    let names: Vec<String> = (0..4).map(|i| format!("Writer {i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for i in 0..per_writer {
        push_plan(&base, &lead, "Lee Lead", &format!("Candidate {i}"), &names);
    }

    // The lead pulls in a loop from its cursor while four interviewers push
    // at once; then one last pull. Every session must have arrived, each
    // exactly once per revision.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (base, lead, done) = (base.clone(), lead.clone(), done.clone());
        std::thread::spawn(move || {
            let mut cursor = String::new();
            let mut seen = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let (got, next) = pull_all(&base, &lead, &cursor);
                seen.extend(got.into_iter().map(|f| f.session.id));
                cursor = next;
                if finished {
                    return seen;
                }
            }
        })
    };
    let handles: Vec<_> = writers
        .into_iter()
        .map(|(name, token)| {
            let base = base.clone();
            std::thread::spawn(move || {
                (0..per_writer)
                    .map(|i| {
                        let f = session_file(&name, &format!("Candidate {i}"), "n", true);
                        let r = post(&base, "/v1/sessions", Some(&token), &bytes(&f));
                        assert_eq!(r.status, 201, "{}", r.body);
                        f.session.id
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut pushed: Vec<_> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut seen = reader.join().unwrap();
    pushed.sort();
    seen.sort();
    assert_eq!(seen.len(), 4 * per_writer, "each session delivered once");
    assert_eq!(seen, pushed);
}

/// The rows of `bank_versions` visible to `url`'s role with `user_id` set.
fn bank_versions_as(url: &str, user_id: Option<i64>) -> i64 {
    rows_as(url, user_id, "SELECT count(*) FROM bank_versions")[0].get(0)
}

#[test]
fn only_an_admin_publishes_the_team_bank_through_the_api_and_in_raw_sql() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ti = add_user(&owner, "Ivy Interviewer", "interviewer");
    let tl = add_user(&owner, "Lee Lead", "lead");
    let ta = add_user(&owner, "Ada Admin", "admin");
    let base = start_server(&web);
    let (idi, ida) = (user_id(&pg, "Ivy Interviewer"), user_id(&pg, "Ada Admin"));
    let count = || {
        pg.psql("panelist", "SELECT count(*) FROM bank_versions")
            .trim()
            .to_string()
    };
    // The built-in bank, as `panelist bank export` writes it.
    let store = panelist_core::Store::open_in_memory().unwrap();
    let bank = serde_json::to_vec_pretty(&store.export_bank().unwrap()).unwrap();

    // Interviewers and leads are refused; so is a bank that does not check
    // out, and a request without a token. Nothing is stored.
    for t in [&ti, &tl] {
        let r = put(&base, "/v1/bank", Some(t), &bank);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (403, Some("forbidden"))
        );
    }
    let mut broken: serde_json::Value = serde_json::from_slice(&bank).unwrap();
    broken["questions"][0]["levels"][0]["anchor"] = "".into();
    let r = put(
        &base,
        "/v1/bank",
        Some(&ta),
        &serde_json::to_vec(&broken).unwrap(),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body["message"].as_str().unwrap().contains("questions[0]")
            || r.body["message"].as_str().unwrap().contains("anchor"),
        "{}",
        r.body
    );
    assert_eq!(put(&base, "/v1/bank", None, &bank).status, 401);
    assert_eq!(get(&base, "/v1/bank", None).status, 401);
    assert_eq!(count(), "0");

    // The admin publishes; everyone signed in reads it; the same bytes again
    // make no new version.
    let r = put(&base, "/v1/bank", Some(&ta), &bank);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["version"], 1);
    assert_eq!(put(&base, "/v1/bank", Some(&ta), &bank).status, 200);
    assert_eq!(count(), "1");
    let r = get(&base, "/v1/bank", Some(&ti));
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["published_by"], "Ada Admin");
    assert_eq!(
        r.body["bank"]["questions"].as_array().unwrap().len(),
        store.bank_questions().unwrap().len()
    );
    assert!(get(&base, "/v1/bank?after=1", Some(&ti)).body["bank"].is_null());
    assert_eq!(get(&base, "/v1/bank?after=-1", Some(&ti)).status, 400);

    // In raw SQL as the server's role: no identity, no rows; an interviewer
    // cannot insert; an admin cannot insert under another name; nobody can
    // change or remove a published version.
    assert_eq!(bank_versions_as(&web, None), 0);
    assert_eq!(bank_versions_as(&web, Some(idi)), 1);
    let insert = |uid: i64, name: &str| {
        exec_as(
            &web,
            uid,
            &format!(
                "INSERT INTO bank_versions (published_by, publisher, content_hash, document)
                 VALUES ({uid}, '{name}', repeat('a', 64), '{{}}')"
            ),
        )
    };
    let e = insert(idi, "Ivy Interviewer").unwrap_err();
    assert!(e.contains("row-level security"), "{e}");
    let e = insert(ida, "Ivy Interviewer").unwrap_err();
    assert!(e.contains("row-level security"), "{e}");
    for sql in [
        "UPDATE bank_versions SET document = '{}'",
        "DELETE FROM bank_versions",
    ] {
        let e = exec_as(&web, ida, sql).unwrap_err();
        assert!(e.contains("permission denied"), "{sql}: {e}");
    }
    assert_eq!(count(), "1");
    assert_eq!(insert(ida, "Ada Admin"), Ok(1));
    assert_eq!(count(), "2");
}

/// `PUT /v1/bank` checks a bank file exactly as a bank import on a fresh
/// machine would (docs/sync-protocol.md): the built-in bank is there, so a
/// file may use built-in competencies and questions without declaring them,
/// and a file that changes a built-in kit is refused.
#[test]
fn the_team_bank_is_checked_as_a_fresh_machine_imports_it() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ada Admin", "admin");
    let base = start_server(&web);
    let uses_builtins = serde_json::json!({
        "format": "panelist-bank",
        "version": 1,
        "competencies": [],
        "questions": [{
            "id": "team-retries",
            "prompt": "How would you make a payment endpoint safe to retry?",
            "competency": "apis-web",
            "seniority": "mid",
            "kind": "concept",
            "minutes": 8,
            "look_fors": ["Idempotency keys"],
            "follow_ups": [],
            "levels": [
                { "value": 1, "anchor": "Retries are left to chance." },
                { "value": 2, "anchor": "Names idempotency." },
                { "value": 3, "anchor": "Keys per request, outcome replayed." },
                { "value": 4, "anchor": "Level 3 plus concurrent retries." }
            ]
        }],
        "kits": [{ "id": "team-apis", "name": "Team APIs", "questions": ["team-retries", "rest-api-design"] }]
    });
    // A fresh machine imports it: the same file, the same answer.
    let bytes = serde_json::to_vec_pretty(&uses_builtins).unwrap();
    let mut fresh = panelist_core::Store::open_in_memory().unwrap();
    fresh
        .import_bank(&panelist_core::bank::parse_bank(&bytes).unwrap())
        .unwrap();
    let r = put(&base, "/v1/bank", Some(&ta), &bytes);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["protocol"], 1);
    assert_eq!(
        (r.body["questions"].clone(), r.body["kits"].clone()),
        (1.into(), 1.into())
    );

    // A built-in kit that differs from this version's: a fresh machine
    // refuses it, so the server does too, and stores nothing.
    let mut changed = uses_builtins.clone();
    changed["kits"] = serde_json::json!([
        { "id": "backend-fundamentals", "name": "Backend fundamentals", "questions": ["team-retries"] }
    ]);
    let bytes = serde_json::to_vec_pretty(&changed).unwrap();
    let fresh_says = panelist_core::Store::open_in_memory()
        .unwrap()
        .import_bank(&panelist_core::bank::parse_bank(&bytes).unwrap())
        .unwrap_err()
        .to_string();
    let r = put(&base, "/v1/bank", Some(&ta), &bytes);
    assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid")));
    assert_eq!(r.body["message"].as_str(), Some(fresh_says.as_str()));
    assert_eq!(
        pg.psql("panelist", "SELECT count(*) FROM bank_versions")
            .trim(),
        "1"
    );
}

/// The authentication scheme is case-insensitive (RFC 9110, 11.1): `bearer`
/// and `BEARER` are `Bearer`; the token itself is compared exactly.
#[test]
fn the_bearer_scheme_is_case_insensitive() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let token = add_user(&owner, "Grace Hopper", "interviewer");
    let base = start_server(&web);
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = ureq::get(&format!("{base}/v1/me"))
            .set("Authorization", &format!("{scheme} {token}"))
            .call();
        let r = r.unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(r.status(), 200, "{scheme}");
    }
    let upper = format!("Bearer {}", token.to_uppercase());
    match ureq::get(&format!("{base}/v1/me"))
        .set("Authorization", &upper)
        .call()
    {
        Err(ureq::Error::Status(401, _)) => {}
        other => panic!("a token in another case must not sign in: {other:?}"),
    }
}
