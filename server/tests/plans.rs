//! Sealing by interview plan on the team server (issue 19, What 3 and 4),
//! on a real PostgreSQL 15: every rule checked twice, by raw SQL as the
//! server's own role (`panelist_app`'s member, with the per-request
//! `panelist.user_id` the policies read) and through the HTTP API; the
//! coordinator's case also with the real `panelist` binary and a byte search
//! of its database file.
//!
//! The CLI test runs the `panelist` binary built beside `panelist-server`
//! (`cargo build -p panelist` first; the test says so when it is missing).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{TimeZone, Utc};
use common::*;
use panelist_core::plan::{Member, PlanFile};
use panelist_core::storage::NewPlan;
use panelist_core::Store;
use uuid::Uuid;

const ADA_NFC: &str = "Jos\u{e9} \u{c1}lvarez";
const ADA_NFD: &str = "Jose\u{301} A\u{301}lvarez";
const ADA_CAPS: &str = "JOS\u{c9} \u{c1}LVAREZ";

fn user_id(pg: &PgCluster, name: &str) -> i64 {
    pg.psql(
        "panelist",
        &format!("SELECT id FROM users WHERE name = '{name}'"),
    )
    .trim()
    .parse()
    .unwrap()
}

/// What `url`'s role reads of `sessions` as `user_id`, in raw SQL: each
/// row's interviewer and the notes of its first entry, sorted.
fn sql_reads(url: &str, user_id: i64) -> Vec<(String, String)> {
    block_on(async {
        let mut client = panelist_server::db::connect(url).await.unwrap();
        let tx = client.transaction().await.unwrap();
        tx.execute(
            "SELECT set_config('panelist.user_id', $1, true)",
            &[&user_id.to_string()],
        )
        .await
        .unwrap();
        let mut v: Vec<(String, String)> = tx
            .query(
                "SELECT document::json #>> '{session,interviewer}',
                        coalesce(document::json #>> '{session,entries,0,notes}', '')
                 FROM sessions",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        v.sort();
        v
    })
}

fn interviewers(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(i, _)| i.as_str()).collect()
}

/// What the API delivers to `token` from the start of the change feed.
fn api_reads(base: &str, token: &str) -> Vec<String> {
    let (files, _) = pull_all(base, token, "");
    let mut v: Vec<String> = files
        .iter()
        .map(|f| f.session.interviewer.clone())
        .collect();
    v.sort();
    v
}

/// A signed plan file made on the coordinator's own machine.
fn plan_file(
    coordinator_machine: &mut Store,
    coordinator: Option<&str>,
    candidate: &str,
    members: &[&str],
) -> PlanFile {
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let kit = coordinator_machine.kits().unwrap()[0].name.clone();
    let plan = coordinator_machine
        .create_plan(
            &NewPlan {
                candidate: candidate.into(),
                role: "Backend engineer".into(),
                coordinator: coordinator.map(str::to_string),
            },
            Uuid::now_v7().into(),
            Uuid::now_v7().into(),
            t,
        )
        .unwrap();
    for m in members {
        coordinator_machine
            .add_plan_member(
                plan.id,
                &Member {
                    interviewer: m.to_string(),
                    round: 1,
                    kit: Some(kit.clone()),
                    questions: vec![],
                    focus: vec![],
                    at: None,
                    due: None,
                },
                t,
            )
            .unwrap();
    }
    coordinator_machine.plan_file(plan.id).unwrap()
}

struct Team {
    pg: PgCluster,
    web: String,
    base: String,
    tokens: std::collections::HashMap<&'static str, String>,
}

impl Team {
    fn new(users: &[(&'static str, &str)]) -> Team {
        let pg = PgCluster::start();
        let (owner, web) = pg.provision();
        let tokens = users
            .iter()
            .map(|(n, r)| (*n, add_user(&owner, n, r)))
            .collect();
        let base = start_server(&web);
        Team {
            pg,
            web,
            base,
            tokens,
        }
    }
    fn token(&self, name: &str) -> &str {
        &self.tokens[name]
    }
    fn id(&self, name: &str) -> i64 {
        user_id(&self.pg, name)
    }
    fn push(&self, name: &str, f: &panelist_core::session_file::SessionFile) -> u16 {
        post(
            &self.base,
            "/v1/sessions",
            Some(self.token(name)),
            &bytes(f),
        )
        .status
    }
    fn push_plan(&self, name: &str, f: &PlanFile) -> Reply {
        post(
            &self.base,
            "/v1/plans",
            Some(self.token(name)),
            f.to_json().as_bytes(),
        )
    }
}

/// (a) A user on no plan who submits a session under the candidate's name
/// reads nothing of the panel; the panel does not read theirs either.
/// (b) A member reads colleagues only after submitting. (e) A lead who
/// coordinates nothing reads nothing.
#[test]
fn only_members_who_submitted_read_the_panel() {
    let team = Team::new(&[
        ("Ann Archer", "interviewer"),
        ("Ben Baker", "interviewer"),
        ("Cat Cole", "interviewer"),
        ("Out Sider", "interviewer"),
        ("Lee Lead", "lead"),
        ("Pat Planner", "lead"),
    ]);
    let mut coord = Store::open_in_memory().unwrap();
    let plan = plan_file(
        &mut coord,
        Some("Pat Planner"),
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker", "Cat Cole"],
    );
    let r = team.push_plan("Pat Planner", &plan);
    assert_eq!(r.status, 201, "{}", r.body);

    let a = session_file("Ann Archer", "Ada Lovelace", "ANN-NOTE", true);
    let b = session_file("Ben Baker", "Ada Lovelace", "BEN-NOTE", true);
    let mut c = Machine::new("Cat Cole", "Ada Lovelace", "CAT-NOTE");
    let x = session_file("Out Sider", "ada lovelace", "OUTSIDER-NOTE", true);
    assert_eq!(team.push("Ann Archer", &a), 201);
    assert_eq!(team.push("Ben Baker", &b), 201);
    assert_eq!(team.push("Cat Cole", &c.file()), 201);
    assert_eq!(team.push("Out Sider", &x), 201);

    // (a) The outsider submitted under the same name: only their own.
    let out = sql_reads(&team.web, team.id("Out Sider"));
    assert_eq!(interviewers(&out), ["Out Sider"]);
    assert_eq!(
        api_reads(&team.base, team.token("Out Sider")),
        ["Out Sider"]
    );
    // ... and no member reads the outsider's session.
    let ann = sql_reads(&team.web, team.id("Ann Archer"));
    assert_eq!(interviewers(&ann), ["Ann Archer", "Ben Baker"]);
    assert_eq!(
        api_reads(&team.base, team.token("Ann Archer")),
        ["Ann Archer", "Ben Baker"]
    );
    // (b) Cat has not submitted: her own only.
    let cat = sql_reads(&team.web, team.id("Cat Cole"));
    assert_eq!(interviewers(&cat), ["Cat Cole"]);
    assert_eq!(api_reads(&team.base, team.token("Cat Cole")), ["Cat Cole"]);
    // (e) A lead who coordinates no plan reads nothing.
    assert!(sql_reads(&team.web, team.id("Lee Lead")).is_empty());
    assert!(api_reads(&team.base, team.token("Lee Lead")).is_empty());
    // The coordinator (no session of the candidate) reads the panel's
    // submitted sessions, never the outsider's, never a draft.
    let pat = sql_reads(&team.web, team.id("Pat Planner"));
    assert_eq!(interviewers(&pat), ["Ann Archer", "Ben Baker"]);
    assert_eq!(
        api_reads(&team.base, team.token("Pat Planner")),
        ["Ann Archer", "Ben Baker"]
    );

    // Cat submits: now she reads her colleagues, delivered after the cursor
    // she held.
    let (_, cursor) = pull_all(&team.base, team.token("Cat Cole"), "");
    c.submit();
    assert_eq!(team.push("Cat Cole", &c.file()), 200);
    let cat = sql_reads(&team.web, team.id("Cat Cole"));
    assert_eq!(interviewers(&cat), ["Ann Archer", "Ben Baker", "Cat Cole"]);
    assert!(cat.iter().any(|(_, n)| n == "ANN-NOTE"));
    let (later, _) = pull_all(&team.base, team.token("Cat Cole"), &cursor);
    let mut later: Vec<String> = later
        .iter()
        .map(|f| f.session.interviewer.clone())
        .collect();
    later.sort();
    assert_eq!(later, ["Ann Archer", "Ben Baker", "Cat Cole"]);

    // Plans: each member and the coordinator get the plan; others do not.
    for (who, n) in [
        ("Ann Archer", 1),
        ("Pat Planner", 1),
        ("Out Sider", 0),
        ("Lee Lead", 0),
    ] {
        let r = get(&team.base, "/v1/plans?after=0", Some(team.token(who)));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["plans"].as_array().unwrap().len(), n, "{who}");
    }
}

/// (c) A coordinator who is also a member and has not submitted, or has an
/// unsubmitted session of the candidate on the server, reads none of the
/// colleagues' content; after submitting, all of it.
#[test]
fn a_coordinator_with_an_open_session_reads_nothing_of_the_panel() {
    let team = Team::new(&[
        ("Ann Archer", "interviewer"),
        ("Pat Planner", "lead"),
        ("Ola Other", "admin"),
    ]);
    let mut coord = Store::open_in_memory().unwrap();
    let plan = plan_file(
        &mut coord,
        Some("Pat Planner"),
        "Ada Lovelace",
        &["Ann Archer", "Pat Planner"],
    );
    assert_eq!(team.push_plan("Pat Planner", &plan).status, 201);
    let a = session_file("Ann Archer", "Ada Lovelace", "ANN-NOTE", true);
    assert_eq!(team.push("Ann Archer", &a), 201);
    // A member who has not submitted: nothing.
    assert!(sql_reads(&team.web, team.id("Pat Planner")).is_empty());
    assert!(api_reads(&team.base, team.token("Pat Planner")).is_empty());
    // An open session pushed (signed on the machine that signed the plan,
    // whose key the server now holds for Pat): still nothing but its own.
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let own = interview_on(
        &mut coord,
        "Pat Planner",
        "ADA LOVELACE",
        "PAT-NOTE",
        false,
        t,
    );
    assert_eq!(
        team.push("Pat Planner", &coord.session_file(own).unwrap()),
        201
    );
    let pat = sql_reads(&team.web, team.id("Pat Planner"));
    assert_eq!(interviewers(&pat), ["Pat Planner"]);
    assert_eq!(
        api_reads(&team.base, team.token("Pat Planner")),
        ["Pat Planner"]
    );
    // The open-session marker cannot be dropped by hand.
    let pid = team.id("Pat Planner");
    let dropped = block_on(async {
        let mut client = panelist_server::db::connect(&team.web).await.unwrap();
        let tx = client.transaction().await.unwrap();
        tx.execute(
            "SELECT set_config('panelist.user_id', $1, true)",
            &[&pid.to_string()],
        )
        .await
        .unwrap();
        tx.execute("DELETE FROM open_sessions", &[]).await.unwrap()
    });
    assert_eq!(dropped, 0);
    // Submitted: the panel.
    coord
        .submit(
            own,
            panelist_core::session::Recommendation::No,
            None,
            Uuid::now_v7().into(),
            t,
        )
        .unwrap();
    assert_eq!(
        team.push("Pat Planner", &coord.session_file(own).unwrap()),
        200
    );
    assert_eq!(
        api_reads(&team.base, team.token("Pat Planner")),
        ["Ann Archer", "Pat Planner"]
    );

    // A coordinator who is not a member reads the panel, except while they
    // have an unsubmitted session of the candidate on the server.
    let mut ola = Store::open_in_memory().unwrap();
    let grace_plan = plan_file(&mut ola, Some("Ola Other"), "Grace Hopper", &["Ann Archer"]);
    assert_eq!(team.push_plan("Ola Other", &grace_plan).status, 201);
    let g = session_file("Ann Archer", "Grace Hopper", "ANN-ON-GRACE", true);
    assert_eq!(team.push("Ann Archer", &g), 201);
    let oid = team.id("Ola Other");
    assert_eq!(interviewers(&sql_reads(&team.web, oid)), ["Ann Archer"]);
    let open = interview_on(&mut ola, "Ola Other", "grace hopper", "OLA-NOTE", false, t);
    assert_eq!(
        team.push("Ola Other", &ola.session_file(open).unwrap()),
        201
    );
    assert_eq!(interviewers(&sql_reads(&team.web, oid)), ["Ola Other"]);
    assert_eq!(
        api_reads(&team.base, team.token("Ola Other")),
        ["Ola Other"]
    );
    ola.submit(
        open,
        panelist_core::session::Recommendation::Yes,
        None,
        Uuid::now_v7().into(),
        t,
    )
    .unwrap();
    assert_eq!(
        team.push("Ola Other", &ola.session_file(open).unwrap()),
        200
    );
    assert_eq!(
        interviewers(&sql_reads(&team.web, oid)),
        ["Ann Archer", "Ola Other"]
    );

    // Only a lead or an admin pushes a plan, and only one they coordinate.
    let mut m = Store::open_in_memory().unwrap();
    let by_ann = plan_file(&mut m, Some("Ann Archer"), "Alan Turing", &["Ann Archer"]);
    let r = team.push_plan("Ann Archer", &by_ann);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let r = team.push_plan("Ola Other", &by_ann);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("forged_author"))
    );
    // The plan file's own checks, as `panelist import` makes them.
    let mut forged = plan_file(&mut m, Some("Ola Other"), "Alan Turing", &["Ann Archer"]);
    forged.plan.role = "Changed".into();
    let r = team.push_plan("Ola Other", &forged);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .contains("content hash does not match"),
        "{}",
        r.body
    );
    // Pushed again unchanged: 200 unchanged.
    assert_eq!(
        team.push_plan("Pat Planner", &plan).body["result"],
        "unchanged"
    );
}

/// (d) NFC, NFD and capital spellings of the candidate are one candidate:
/// the plan names one, the sessions the others, and the panel reads as one.
#[test]
fn nfc_nfd_and_capital_spellings_are_one_candidate() {
    let team = Team::new(&[
        ("Ann Archer", "interviewer"),
        ("Ben Baker", "interviewer"),
        ("Pat Planner", "lead"),
    ]);
    let mut coord = Store::open_in_memory().unwrap();
    let plan = plan_file(
        &mut coord,
        Some("Pat Planner"),
        ADA_NFC,
        &["ann archer", "BEN BAKER"],
    );
    assert_eq!(team.push_plan("Pat Planner", &plan).status, 201);
    let a = session_file("Ann Archer", ADA_NFD, "ANN-NOTE", true);
    let b = session_file("Ben Baker", ADA_CAPS, "BEN-NOTE", true);
    assert_eq!(team.push("Ann Archer", &a), 201);
    assert_eq!(team.push("Ben Baker", &b), 201);
    for who in ["Ann Archer", "Ben Baker", "Pat Planner"] {
        let sql = sql_reads(&team.web, team.id(who));
        assert_eq!(interviewers(&sql), ["Ann Archer", "Ben Baker"], "{who}");
        assert_eq!(
            api_reads(&team.base, team.token(who)),
            ["Ann Archer", "Ben Baker"],
            "{who}"
        );
    }
    let keys = team
        .pg
        .psql("panelist", "SELECT DISTINCT candidate_key FROM sessions");
    assert_eq!(keys.trim().lines().count(), 1, "{keys}");
}

// -- the real CLI -----------------------------------------------------------------

/// The `panelist` binary built beside `panelist-server`.
fn panelist_bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_panelist-server")).with_file_name("panelist");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p panelist` first",
        bin.display()
    );
    bin
}

fn cli(home: &Path, db: &Path, token: &str, args: &[&str]) -> String {
    let out = Command::new(panelist_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("PANELIST_CONFIG_DIR", home.join("config"))
        .env("PANELIST_TOKEN_STORE", "file")
        .env("PANELIST_KEYRING", "off")
        .env("PANELIST_TOKEN", token)
        .env_remove("PANELIST_DB")
        .env_remove("PANELIST_PASSPHRASE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "panelist {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_str().unwrap()));
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// (c) with the real CLI: the coordinator plans (and is a member), pushes
/// the plan with `panelist sync`; the interviewers' syncs bring it, they
/// start from it, submit and sync; the coordinator, with an open session
/// of the plan, syncs and has not a byte of their notes in its database
/// file. After submitting and syncing, it has them.
#[test]
fn the_cli_coordinator_with_an_open_session_receives_no_colleagues_bytes() {
    let team = Team::new(&[
        ("Ann Archer", "interviewer"),
        ("Ben Baker", "interviewer"),
        ("Pat Planner", "lead"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let machine = |n: &str| (dir.path().join(n), dir.path().join(format!("{n}.db")));
    let (ph, pdb) = machine("pat");
    let (ah, adb) = machine("ann");
    let (bh, bdb) = machine("ben");
    let setup = |home: &Path, db: &Path, who: &str| {
        std::fs::create_dir_all(home).unwrap();
        cli(home, db, team.token(who), &["remote", "set", &team.base]);
    };
    setup(&ph, &pdb, "Pat Planner");
    setup(&ah, &adb, "Ann Archer");
    setup(&bh, &bdb, "Ben Baker");
    let pt = team.token("Pat Planner");
    let plan = cli(
        &ph,
        &pdb,
        pt,
        &[
            "plan",
            "create",
            "--candidate",
            ADA_NFC,
            "--coordinator",
            "Pat Planner",
        ],
    )
    .trim()
    .to_string();
    for who in ["Ann Archer", "Ben Baker", "Pat Planner"] {
        cli(
            &ph,
            &pdb,
            pt,
            &[
                "plan",
                "add",
                &plan,
                "--interviewer",
                who,
                "--kit",
                "experience-behaviour",
            ],
        );
    }
    let pushed = cli(&ph, &pdb, pt, &["sync"]);
    assert!(
        pushed.contains(&format!("plan {plan} for ")) && pushed.contains(": pushed"),
        "the coordinator's sync says the plan went up: {pushed}"
    );
    // Pat's own interview, left open.
    let own = cli(
        &ph,
        &pdb,
        pt,
        &[
            "session",
            "start",
            "--plan",
            &plan,
            "--interviewer",
            "Pat Planner",
        ],
    )
    .trim()
    .to_string();
    cli(
        &ph,
        &pdb,
        pt,
        &["session", "note", &own, "team-collaboration", "PAT-OWN"],
    );

    for (home, db, who, secret) in [
        (&ah, &adb, "Ann Archer", "ANN-SECRET-NOTE"),
        (&bh, &bdb, "Ben Baker", "BEN-SECRET-NOTE"),
    ] {
        let t = team.token(who);
        let synced = cli(home, db, t, &["sync"]);
        assert!(
            synced.contains(&format!("plan {plan} for ")) && synced.contains(": added"),
            "{who}'s sync says the plan arrived: {synced}"
        );
        let list = cli(home, db, t, &["plan", "list", "--json"]);
        assert!(list.contains(&plan), "{who} got the plan: {list}");
        let id = cli(
            home,
            db,
            t,
            &["session", "start", "--plan", &plan, "--interviewer", who],
        )
        .trim()
        .to_string();
        cli(
            home,
            db,
            t,
            &["session", "note", &id, "team-collaboration", secret],
        );
        cli(
            home,
            db,
            t,
            &["session", "finish", &id, "--recommendation", "yes"],
        );
        cli(home, db, t, &["sync"]);
    }
    // Ben, who submitted, has Ann's notes.
    cli(&bh, &bdb, team.token("Ben Baker"), &["sync"]);
    assert!(contains(&file_bytes(&bdb), "ANN-SECRET-NOTE"));

    // Pat syncs with an open session in the plan: not a byte.
    cli(&ph, &pdb, pt, &["sync"]);
    let bytes = file_bytes(&pdb);
    for secret in ["ANN-SECRET-NOTE", "BEN-SECRET-NOTE"] {
        assert!(
            !contains(&bytes, secret),
            "{secret} reached the coordinator"
        );
    }
    // Pat submits and syncs: the panel arrives.
    cli(
        &ph,
        &pdb,
        pt,
        &["session", "finish", &own, "--recommendation", "no"],
    );
    cli(&ph, &pdb, pt, &["sync"]);
    let bytes = file_bytes(&pdb);
    for secret in ["ANN-SECRET-NOTE", "BEN-SECRET-NOTE"] {
        assert!(contains(&bytes, secret), "{secret} after submitting");
    }
}

/// An existing server migrates: a schema-3 database with users and
/// sessions (stored as that server stored them) is migrated to schema 5;
/// the identity keys are filled, each author still reads their own session,
/// a colleague reads nothing of it until the candidate's plan is pushed,
/// and then receives it.
#[test]
fn a_schema_3_server_migrates_and_sessions_without_a_plan_stay_their_authors() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision_with(|owner| {
        block_on(async {
            let mut client = panelist_server::db::connect(owner).await.unwrap();
            let tx = client.transaction().await.unwrap();
            tx.batch_execute(
                "CREATE TABLE panelist_migrations (version integer PRIMARY KEY, name text NOT NULL,
                     applied_at timestamptz NOT NULL DEFAULT now())",
            )
            .await
            .unwrap();
            for (version, name, sql) in panelist_server::db::MIGRATIONS.iter().filter(|m| m.0 <= 3)
            {
                tx.batch_execute(sql).await.unwrap();
                tx.execute(
                    "INSERT INTO panelist_migrations (version, name) VALUES ($1, $2)",
                    &[version, name],
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        })
    });
    // Users and sessions as a schema-3 server stored them.
    for (name, role, token) in [
        ("Ann Archer", "interviewer", "pnl_ann"),
        ("Ben Baker", "interviewer", "pnl_ben"),
        ("Lee Lead", "lead", "pnl_lee"),
    ] {
        pg.psql(
            "panelist",
            &format!(
                "INSERT INTO users (name, role, token_sha256) VALUES ('{name}', '{role}', sha256('{token}'::bytea))"
            ),
        );
    }
    let a = session_file("Ann Archer", "Ada Lovelace", "ANN-OLD", true);
    let b = session_file("BEN BAKER", "ada lovelace", "BEN-OLD", true);
    for (f, who) in [(&a, "Ann Archer"), (&b, "Ben Baker")] {
        pg.psql(
            "panelist",
            &format!(
                "INSERT INTO sessions (id, author_id, candidate_key, status, revision, content_hash, document, seq)
                 VALUES ('{}', (SELECT id FROM users WHERE name = '{who}'), 'ada lovelace', 'submitted', {},
                         '{}', $doc${}$doc$, 0)",
                f.session.id,
                f.session.revision,
                f.content_hash,
                f.to_json()
            ),
        );
    }
    block_on(async {
        let mut client = panelist_server::db::connect(&owner).await.unwrap();
        assert_eq!(
            panelist_server::db::migrate(&mut client).await.unwrap(),
            [4, 5, 6, 7]
        );
    });
    assert_eq!(
        pg.psql(
            "panelist",
            "SELECT string_agg(interviewer_key, ',' ORDER BY interviewer_key) FROM sessions"
        )
        .trim(),
        "ann archer,ben baker"
    );
    let base = start_server(&web);
    // Under the old rule each read the other's (both submitted): no more.
    assert_eq!(api_reads(&base, "pnl_ann"), ["Ann Archer"]);
    let (_, ben_cursor) = pull_all(&base, "pnl_ben", "");
    assert!(api_reads(&base, "pnl_lee").is_empty());
    // The plan is pushed: Ben receives Ann's session after his cursor.
    push_plan(
        &base,
        "pnl_lee",
        "Lee Lead",
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker"],
    );
    let (later, _) = pull_all(&base, "pnl_ben", &ben_cursor);
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].session.entries[0].notes, "ANN-OLD");
    assert_eq!(api_reads(&base, "pnl_lee"), ["Ann Archer", "BEN BAKER"]);
}
