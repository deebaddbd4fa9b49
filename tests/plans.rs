//! Interview plans end to end through the `panelist` binary: a coordinator
//! plans three interviewers on one machine and exports the signed plan; each
//! interviewer imports it on their own machine, interviews from it and
//! exports; the coordinator imports the three sessions (one candidate, one
//! plan, every member submitted); a fourth machine imports the
//! coordinator's re-exports and every signature verifies. Then a table of
//! hostile plan files, each refused with its field path and the database
//! file byte-identical afterwards.

mod common;

use std::path::Path;

use panelist_core::plan::{Member, Plan, PlanFile};
use panelist_core::session_file::{Identity, SessionFile};
use serde_json::Value;

use common::{machine, ok_on as ok, on as panelist, Machine};

/// Runs a command that must fail with one line naming `needles`, and leave
/// the database file byte for byte as it was.
fn refused(m: &Machine, args: &[&str], needles: &[&str]) {
    let before = std::fs::read(&m.db).unwrap();
    let o = panelist(m, args);
    let err = &o.stderr;
    assert!(!o.status.success(), "{args:?} should fail");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err:?} should mention {n:?}");
    }
    assert!(
        std::fs::read(&m.db).unwrap() == before,
        "{args:?} changed the database file"
    );
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

const INTERVIEWERS: [(&str, &[&str]); 3] = [
    (
        "Alan Turing",
        &["--kit", "system-design", "--focus", "architecture"],
    ),
    (
        "Barbara Liskov",
        &[
            "--kit",
            "Experience and behaviour",
            "--focus",
            "collaboration,engineering",
        ],
    ),
    (
        "Edsger Dijkstra",
        &[
            "--questions",
            "rest-api-design,sql-vs-nosql",
            "--focus",
            "apis-web,architecture",
        ],
    ),
];

/// The coordinator's machine with the plan of three interviewers; returns
/// the plan id.
fn plan_three(c: &Machine) -> String {
    let pid = ok(
        c,
        &[
            "plan",
            "create",
            "--candidate",
            "Ada Lovelace",
            "--role",
            "Backend engineer",
            "--coordinator",
            "Carol Coordinator",
        ],
    )
    .trim()
    .to_string();
    for (i, (who, what)) in INTERVIEWERS.iter().enumerate() {
        let mut args = vec!["plan", "add", &pid, "--interviewer", who];
        args.extend_from_slice(what);
        // Alan and Barbara were due long ago (local time and RFC 3339);
        // Edsger's feedback is due in 2199.
        let times: [&str; 4] = match i {
            0 => ["--at", "2026-03-02T09:00", "--due", "2026-03-02T17:00"],
            1 => [
                "--at",
                "2026-03-02T11:00:00+01:00",
                "--due",
                "2026-03-03T10:00:00Z",
            ],
            _ => ["--at", "2199-01-01T09:00", "--due", "2199-01-02T09:00"],
        };
        args.extend_from_slice(&times);
        ok(c, &args);
    }
    pid
}

fn states(v: &Value) -> Vec<String> {
    v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap().to_string())
        .collect()
}

/// Interviews from the plan on an interviewer's machine; returns the
/// session id and the exported file.
fn interview(m: &Machine, plan_file: &Path, pid: &str, who: &str, out: &Path) -> String {
    let report = ok(m, &["import", path(plan_file)]);
    assert!(
        report.contains(&format!("plan {pid} of Ada Lovelace — added")),
        "{report}"
    );
    assert!(
        report.contains("key: first file from Carol Coordinator"),
        "{report}"
    );
    let sid = ok(
        m,
        &[
            "session",
            "start",
            "--plan",
            &pid[..8],
            "--interviewer",
            who,
        ],
    )
    .trim()
    .to_string();
    let s = json(&ok(m, &["session", "show", &sid, "--json"]));
    assert_eq!(s["candidate"]["name"], "Ada Lovelace");
    assert_eq!(s["role"], "Backend engineer");
    for e in s["entries"].as_array().unwrap() {
        let q = e["question"]["id"].as_str().unwrap();
        ok(m, &["session", "score", &sid, q, "3"]);
    }
    ok(m, &["session", "finish", &sid, "--recommendation", "yes"]);
    ok(
        m,
        &["export", &sid, "--format", "json", "--output", path(out)],
    );
    sid
}

#[test]
fn a_coordinator_plans_three_interviewers_on_three_machines_and_everything_comes_back_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = machine(dir.path(), "coordinator");
    let pid = plan_three(&c);
    let plan_file = dir.path().join("ada.plan.json");
    ok(&c, &["plan", "export", &pid, "--output", path(&plan_file)]);
    let plan: Value = json(&std::fs::read_to_string(&plan_file).unwrap());
    assert_eq!(plan["format"], "panelist-plan");
    assert_eq!(plan["version"], 1);
    let cid = plan["plan"]["candidate"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Before anyone interviews: Alan and Barbara overdue, Edsger not started.
    let v = json(&ok(&c, &["plan", "show", &pid, "--json"]));
    assert_eq!(states(&v), ["overdue", "overdue", "not_started"]);
    assert_eq!(v["plan"]["members"][0]["at"], "2026-03-02T09:00:00Z");
    assert_eq!(v["plan"]["members"][1]["at"], "2026-03-02T10:00:00Z");
    let rows = v["coverage"]["rows"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["competency"] == id).unwrap().clone();
    assert_eq!(row("architecture")["overlap"], true);
    assert_eq!(row("data")["gap"], "unfocused");
    assert_eq!(row("collaboration")["cells"][1]["focus"], true);
    assert_eq!(row("apis-web")["cells"][2]["questions"], 1);
    let text = ok(&c, &["plan", "show", &pid]);
    assert!(
        text.contains("Alan Turing (round 1): System design — overdue"),
        "{text}"
    );

    let mut sids = Vec::new();
    let mut files = Vec::new();
    for (i, (who, _)) in INTERVIEWERS.iter().enumerate() {
        let m = machine(dir.path(), &format!("interviewer{i}"));
        let out = dir.path().join(format!("session{i}.json"));
        sids.push(interview(&m, &plan_file, &pid, who, &out));
        // The session carries the plan's candidate id.
        let f = SessionFile::parse(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(f.session.candidate.id.to_string(), cid);
        let mine = ok(&m, &["plan", "list", "--mine", &who.to_uppercase()]);
        assert!(
            mine.starts_with(&pid) && mine.contains("submitted"),
            "{mine}"
        );
        files.push(out);
    }

    let mut args = vec!["import"];
    args.extend(files.iter().map(|f| path(f)));
    let report = ok(&c, &args);
    assert!(
        !report.contains("candidate:"),
        "no candidate relinking: {report}"
    );
    let v = json(&ok(&c, &["plan", "show", &pid, "--json"]));
    assert_eq!(states(&v), ["submitted", "submitted", "submitted"]);
    for (i, m) in v["members"].as_array().unwrap().iter().enumerate() {
        assert_eq!(m["session"]["id"], sids[i].as_str());
        assert!(m["seconds_to_submit"].as_i64().is_some());
    }
    let list = json(&ok(&c, &["plan", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["submitted"], 3);
    // The database itself: one candidate (the plan's id), one plan, three
    // sessions in it.
    assert_eq!(query::<i64>(&c.db, "SELECT count(*) FROM candidate"), 1);
    assert_eq!(query::<String>(&c.db, "SELECT id FROM candidate"), cid);
    assert_eq!(query::<i64>(&c.db, "SELECT count(*) FROM plan"), 1);
    assert_eq!(
        query::<i64>(
            &c.db,
            &format!("SELECT count(*) FROM session WHERE plan_id = '{pid}'")
        ),
        3
    );

    // Re-exported by the coordinator: the signed originals, which verify
    // on a fourth machine, under one candidate there too.
    let d = machine(dir.path(), "fourth");
    let mut forwarded = Vec::new();
    for (i, sid) in sids.iter().enumerate() {
        let out = dir.path().join(format!("forwarded{i}.json"));
        ok(
            &c,
            &["export", sid, "--format", "json", "--output", path(&out)],
        );
        let f = SessionFile::parse(&std::fs::read(&out).unwrap()).unwrap();
        assert!(f.signature.is_some());
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(&files[i]).unwrap()
        );
        forwarded.push(out);
    }
    let mut args = vec!["import"];
    args.extend(forwarded.iter().map(|f| path(f)));
    let report = ok(&d, &args);
    assert_eq!(report.matches("signed by key").count(), 3, "{report}");
    assert_eq!(query::<i64>(&d.db, "SELECT count(*) FROM candidate"), 1);
    assert_eq!(query::<String>(&d.db, "SELECT id FROM candidate"), cid);
    // And the plan file forwarded from an interviewer's machine is the
    // coordinator's, byte for byte.
    let again = dir.path().join("again.plan.json");
    let i0 = machine(dir.path(), "interviewer0");
    ok(&i0, &["plan", "export", &pid, "--output", path(&again)]);
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&plan_file).unwrap()
    );
}

#[test]
fn an_ad_hoc_session_is_attached_to_the_plan_later() {
    let dir = tempfile::tempdir().unwrap();
    let c = machine(dir.path(), "coordinator");
    let pid = plan_three(&c);
    let sid = ok(
        &c,
        &[
            "session",
            "start",
            "--candidate",
            "ADA  LOVELACE",
            "--interviewer",
            "Alan Turing",
            "--kit",
            "system-design",
        ],
    )
    .trim()
    .to_string();
    refused(
        &c,
        &["plan", "attach", &pid, "--session", "0000"],
        &["no session"],
    );
    ok(&c, &["plan", "attach", &pid, "--session", &sid]);
    let v = json(&ok(&c, &["plan", "show", &pid, "--json"]));
    assert_eq!(v["members"][0]["session"]["id"], sid.as_str());
    refused(
        &c,
        &[
            "session",
            "start",
            "--plan",
            &pid,
            "--interviewer",
            "alan turing",
        ],
        &["already has session"],
    );
    refused(
        &c,
        &[
            "session",
            "start",
            "--plan",
            &pid,
            "--interviewer",
            "Nobody Here",
        ],
        &["is not an interviewer of plan"],
    );
    refused(
        &c,
        &[
            "plan",
            "add",
            &pid,
            "--interviewer",
            "Grace",
            "--kit",
            "system-design",
            "--due",
            "2026-13-01T00:00",
        ],
        &["--due", "is not a date and time"],
    );
}

fn member(p: &mut Plan) -> &mut Member {
    &mut p.members[0]
}

/// A valid signed plan of `plan_three`'s shape for the hostile table.
fn base_plan(c: &Machine, pid: &str) -> Plan {
    let dir = c.home.join("base.plan.json");
    ok(c, &["plan", "export", pid, "--output", path(&dir)]);
    PlanFile::parse(&std::fs::read(&dir).unwrap()).unwrap().plan
}

#[test]
fn hostile_plan_files_are_refused_with_their_field_path_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = machine(dir.path(), "coordinator");
    let pid = plan_three(&c);
    let good = base_plan(&c, &pid);
    let key = Identity::from_seed([42; 32]);
    let signed = |f: &dyn Fn(&mut Plan)| {
        let mut p = good.clone();
        f(&mut p);
        PlanFile::signed(p, &key).to_json()
    };
    let good_text = signed(&|_| {});
    // (what the file holds, the error's field path or words)
    let cases: Vec<(String, &str)> = vec![
        (
            signed(&|p| member(p).due = member(p).at.map(|t| t - chrono::Duration::minutes(1))),
            "plan.members[0].due",
        ),
        (
            signed(&|p| p.members[1].interviewer = "ALAN\u{200b} TURING".into()),
            "plan.members[1].interviewer",
        ),
        (
            signed(&|p| member(p).questions = vec!["no-such-question".into()]),
            "plan.members[0].questions[0]",
        ),
        (
            signed(&|p| member(p).questions = vec!["Not A Slug".into()]),
            "plan.members[0].questions[0]",
        ),
        (
            signed(&|p| member(p).focus = vec!["architecture".into(), "architecture".into()]),
            "plan.members[0].focus[1]",
        ),
        (
            signed(&|p| member(p).focus = vec!["astrology".into()]),
            "plan.members[0].focus[0]",
        ),
        (
            signed(&|p| p.candidate.name = "\u{200b}\u{2060} 123".into()),
            "plan.candidate.name",
        ),
        (
            signed(&|p| p.coordinator = Some("x".repeat(201))),
            "plan.coordinator",
        ),
        (signed(&|p| p.role = "a\u{1b}[31mred".into()), "plan.role"),
        (signed(&|p| member(p).round = 0), "plan.members[0].round"),
        (signed(&|p| member(p).round = 21), "plan.members[0].round"),
        (
            signed(&|p| member(p).at = Some("2300-01-01T00:00:00Z".parse().unwrap())),
            "plan.members[0].at",
        ),
        (
            signed(&|p| p.updated_at = p.created_at - chrono::Duration::days(1)),
            "plan.updated_at",
        ),
        (
            signed(&|p| {
                p.id = uuid::Uuid::from_u128(0x0190_0000_0000_4000_8000_0000_0000_0001).into()
            }),
            "plan.id",
        ),
        (
            signed(&|p| p.candidate.id = uuid::Uuid::nil().into()),
            "plan.candidate.id",
        ),
        (
            signed(&|p| member(p).questions.clear()),
            "plan.members[0].questions",
        ),
        (
            signed(&|p| {
                let m = p.members[0].clone();
                p.members = (0..51)
                    .map(|i| Member {
                        interviewer: format!("Person {i}"),
                        ..m.clone()
                    })
                    .collect();
            }),
            "plan.members",
        ),
        (
            good_text.replacen(
                "\"format\": \"panelist-plan\",",
                "\"format\": \"panelist-plan\", \"extra\": 1,",
                1,
            ),
            "plan file at extra",
        ),
        (
            good_text.replacen("\"round\": 1,", "\"round\": 1, \"colour\": \"red\",", 1),
            "plan file at plan.members[0]",
        ),
        (
            good_text.replacen("\"round\": 1,", "\"round\": -1,", 1),
            "plan file at plan.members[0].round",
        ),
        (
            good_text.replacen("\"version\": 1,", "\"version\": 2,", 1),
            "plan file at version",
        ),
        (
            good_text.replacen("T09:00:00Z", "T09:00:00+00:00", 1),
            "plan file at plan.members[0].at",
        ),
        (
            good_text.replacen("T09:00:00Z", "T09:00:00.000Z", 1),
            "not in the canonical form",
        ),
        (
            good_text.replacen("Backend engineer", "Backend engineers", 1),
            "content hash does not match",
        ),
        (
            good_text.replacen("\"value\": \"", "\"value\": \"00", 1),
            "plan file at signature.value",
        ),
        (
            good_text.replacen(
                "\"public_key\": \"ed25519:",
                "\"public_key\": \"ED25519:",
                1,
            ),
            "plan file at signature.public_key",
        ),
        (
            good_text.replace("\"signature\"", "\"signatures\""),
            "plan file at signatures",
        ),
        // Signed by a key that is not Carol's pinned one (pinned below).
        (good_text.clone(), "the key pinned for Carol Coordinator"),
    ];
    // A machine that already has Carol's key pinned.
    let m = machine(dir.path(), "interviewer");
    let real = dir.path().join("real.plan.json");
    ok(&c, &["plan", "export", &pid, "--output", path(&real)]);
    ok(&m, &["import", path(&real)]);
    for (i, (text, needle)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("hostile{i}.plan.json"));
        std::fs::write(&f, text).unwrap();
        refused(&m, &["import", path(&f)], &[path(&f), needle]);
    }
    // All or nothing: a good plan with a broken session file adds nothing.
    let fresh = machine(dir.path(), "fresh");
    ok(&fresh, &["plan", "list"]);
    let broken = dir.path().join("broken.session.json");
    std::fs::write(&broken, "{\"format\": \"panelist-session\"}").unwrap();
    refused(
        &fresh,
        &["import", path(&real), path(&broken)],
        &[path(&broken)],
    );
    assert_eq!(query::<i64>(&fresh.db, "SELECT count(*) FROM plan"), 0);
}
