//! Panels end to end through the `panelist` binary: three interviewers on
//! three machines (database files), their session files imported into a
//! fourth, compared, sealed and reported.

mod common;

use std::path::{Path, PathBuf};

use common::{Cli, Out};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use serde_json::Value;

const QS: &str = "rest-api-design,api-versioning,sql-vs-nosql,caching-fundamentals,cap-theorem";

struct Machine {
    db: PathBuf,
    home: PathBuf,
}

fn panelist(m: &Machine, args: &[&str]) -> Out {
    Cli::db(&m.db).home(&m.home).args(args).run()
}

fn ok(m: &Machine, args: &[&str]) -> String {
    Cli::db(&m.db).home(&m.home).args(args).ok()
}

fn fails(m: &Machine, args: &[&str], needle: &str) {
    let before = Store::open(&m.db).unwrap().dump().unwrap();
    let o = panelist(m, args);
    let err = o.stderr.as_str();
    assert!(!o.status.success(), "{args:?} should fail");
    assert!(
        err.contains(needle),
        "{args:?}: {err:?} should mention {needle:?}"
    );
    assert_eq!(
        Store::open(&m.db).unwrap().dump().unwrap(),
        before,
        "{args:?} changed the database"
    );
}

/// Starts a session for Ada with the five questions and records `scores`
/// (None = left unscored) and a note per scored question.
fn interview(m: &Machine, interviewer: &str, scores: [Option<i64>; 5]) -> String {
    let id = ok(
        m,
        &[
            "session",
            "start",
            "--candidate",
            "Ada Lovelace",
            "--interviewer",
            interviewer,
            "--role",
            "Backend",
            "--questions",
            QS,
        ],
    );
    let id = id.trim().to_string();
    for (q, s) in QS.split(',').zip(scores) {
        if let Some(level) = s {
            ok(m, &["session", "score", &id, q, &level.to_string()]);
            ok(
                m,
                &[
                    "session",
                    "note",
                    &id,
                    q,
                    &format!("{interviewer} on {q}: level {level}"),
                ],
            );
        }
    }
    id
}

fn machine(dir: &Path, name: &str) -> Machine {
    let home = dir.join(name);
    std::fs::create_dir_all(&home).unwrap();
    Machine {
        db: home.join("panelist.db"),
        home,
    }
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("{a} is not a number"));
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

fn export(m: &Machine, id: &str, path: &Path) {
    ok(
        m,
        &[
            "export",
            id,
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
        ],
    );
}

#[test]
fn three_machines_one_panel() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c, d) = (
        machine(dir.path(), "a"),
        machine(dir.path(), "b"),
        machine(dir.path(), "c"),
        machine(dir.path(), "d"),
    );
    // Scores per question, in QS order: rest, versioning, sql, caching, cap.
    let ida = interview(&a, "Alice", [Some(4), Some(2), Some(3), Some(1), None]);
    let idb = interview(&b, "Bob", [Some(3), Some(4), Some(3), Some(3), None]);
    let idc = interview(&c, "Chen", [Some(2), None, Some(3), Some(4), None]);
    for (m, id) in [(&a, &ida), (&b, &idb), (&c, &idc)] {
        ok(m, &["session", "finish", id, "--recommendation", "yes"]);
    }
    let files: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|n| dir.path().join(format!("{n}.json")))
        .collect();
    export(&a, &ida, &files[0]);
    export(&b, &idb, &files[1]);
    export(&c, &idc, &files[2]);
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();

    // Dana's own interview on machine d, still open.
    let idd = interview(&d, "Dana", [Some(4), Some(3), Some(2), Some(2), None]);
    let out = ok(&d, &[&["import"][..], &paths].concat());
    assert_eq!(out.matches("— added").count(), 3, "{out}");

    // Sealed: Dana sees how many arrived, not what they say.
    let sealed: Value = serde_json::from_str(&ok(
        &d,
        &["compare", "--candidate", "Ada Lovelace", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(sealed["sealed"], true);
    assert_eq!(sealed["sealed_sessions"], 3);
    for col in 0..3 {
        assert_eq!(sealed["columns"][col]["sealed"], true);
        assert_eq!(sealed["columns"][col]["recommendation"], Value::Null);
        assert_eq!(sealed["questions"][0]["cells"][col], Value::Null);
    }
    assert_eq!(
        sealed["questions"][0]["cells"][3]["level"], 4,
        "own scores stay visible"
    );
    let md = ok(&d, &["compare", "--candidate", "Ada Lovelace"]);
    assert!(
        md.contains("Sealed:** 3 other session(s)") && !md.contains("Alice on"),
        "{md}"
    );
    // The seal is one rule in the core: there is no option around it.
    fails(
        &d,
        &["compare", "--candidate", "ada lovelace", "--unseal"],
        "--unseal",
    );
    // Imported sessions are read-only here.
    fails(
        &d,
        &["session", "score", &ida, "cap-theorem", "2"],
        "read-only",
    );

    // Dana submits; the panel opens.
    ok(
        &d,
        &["session", "finish", &idd, "--recommendation", "strong-yes"],
    );
    let cmp: Value = serde_json::from_str(&ok(
        &d,
        &["compare", "--candidate", "Ada Lovelace", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(cmp["sealed"], false);
    let who: Vec<&str> = cmp["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["interviewer"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["Alice", "Bob", "Chen", "Dana"]);
    let q = |id: &str| {
        cmp["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["question_id"] == id)
            .unwrap()
            .clone()
    };
    let levels = |row: &Value| -> Vec<Option<i64>> {
        row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["level"].as_i64())
            .collect()
    };

    // Hand computation (population SD):
    // rest:       4 3 2 4  mean 3.25  SD sqrt(2.75/4)=0.829156  spread 2  flagged
    let rest = q("rest-api-design");
    assert_eq!(levels(&rest), [Some(4), Some(3), Some(2), Some(4)]);
    assert_eq!(rest["cells"][0]["label"], "Excellent");
    close(&rest["stats"]["mean"], 3.25);
    close(&rest["stats"]["sd"], (2.75f64 / 4.0).sqrt());
    close(&rest["stats"]["spread"], 2.0);
    assert_eq!(rest["stats"]["flagged"], true);
    // versioning: 2 4 – 3  mean 3  SD sqrt(2/3)=0.816497  spread 2  flagged
    let ver = q("api-versioning");
    assert_eq!(levels(&ver), [Some(2), Some(4), None, Some(3)]);
    close(&ver["stats"]["mean"], 3.0);
    close(&ver["stats"]["sd"], (2.0f64 / 3.0).sqrt());
    assert_eq!(ver["stats"]["flagged"], true);
    // sql:        3 3 3 2  mean 2.75  SD sqrt(0.75/4)=0.433013  spread 1  not flagged
    let sql = q("sql-vs-nosql");
    close(&sql["stats"]["mean"], 2.75);
    close(&sql["stats"]["sd"], (0.75f64 / 4.0).sqrt());
    close(&sql["stats"]["spread"], 1.0);
    assert_eq!(sql["stats"]["flagged"], false);
    // caching:    1 3 4 2  mean 2.5  SD sqrt(5/4)=1.118034  spread 3  flagged
    let caching = q("caching-fundamentals");
    close(&caching["stats"]["mean"], 2.5);
    close(&caching["stats"]["sd"], (5.0f64 / 4.0).sqrt());
    close(&caching["stats"]["spread"], 3.0);
    // cap: nobody scored it.
    let cap = q("cap-theorem");
    assert_eq!(cap["uncovered"], true);
    assert_eq!(cap["stats"]["mean"], Value::Null);
    // Competency "APIs and web" (rest + versioning) per interviewer:
    // Alice (4+2)/2=3, Bob (3+4)/2=3.5, Chen 2, Dana (4+3)/2=3.5;
    // mean 3.0, SD sqrt(1.5/4)=0.612372, spread 1.5, not flagged.
    let apis = cmp["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["competency"] == "apis-web")
        .unwrap();
    let avgs: Vec<f64> = apis["averages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(avgs, [3.0, 3.5, 2.0, 3.5]);
    close(&apis["stats"]["mean"], 3.0);
    close(&apis["stats"]["sd"], (1.5f64 / 4.0).sqrt());
    close(&apis["stats"]["spread"], 1.5);
    assert_eq!(apis["stats"]["flagged"], false);
    assert_eq!(cmp["columns"][3]["recommendation"], "strong-yes");
    assert_eq!(
        cmp["questions"][0]["cells"][1]["notes"],
        "Bob on rest-api-design: level 3"
    );

    // Importing the same files again changes nothing.
    let before = Store::open(&d.db).unwrap().dump().unwrap();
    let out = ok(&d, &[&["import"][..], &paths].concat());
    assert_eq!(out.matches("unchanged").count(), 3, "{out}");
    assert_eq!(Store::open(&d.db).unwrap().dump().unwrap(), before);

    // Debrief on Bob's machine: caching 3 -> 2 with a reason; the newer
    // revision replaces the older one and says what changed.
    ok(
        &b,
        &[
            "session",
            "amend",
            &idb,
            "caching-fundamentals",
            "2",
            "--reason",
            "Debrief: answer was memorised",
        ],
    );
    let b2 = dir.path().join("b2.json");
    export(&b, &idb, &b2);
    let out = ok(&d, &["import", b2.to_str().unwrap()]);
    assert!(
        out.contains("updated: caching-fundamentals: score 3 → 2; 1 new audit event(s)"),
        "{out}"
    );
    let cmp: Value = serde_json::from_str(&ok(
        &d,
        &["compare", "--candidate", "Ada Lovelace", "--format", "json"],
    ))
    .unwrap();
    let caching = cmp["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["question_id"] == "caching-fundamentals")
        .unwrap();
    assert_eq!(caching["cells"][1]["level"], 2);
    assert_eq!(caching["cells"][1]["debrief"]["before"], 3);
    assert_eq!(
        caching["cells"][1]["debrief"]["reasons"][0],
        "Debrief: answer was memorised"
    );
    // 1 2 4 2: mean 2.25, SD sqrt(4.75/4)
    close(&caching["stats"]["mean"], 2.25);
    close(&caching["stats"]["sd"], (4.75f64 / 4.0).sqrt());
    // The older file is now a no-op that says so.
    let out = ok(&d, &["import", paths[1]]);
    assert!(out.contains("older than the stored revision"), "{out}");

    // A hand-edited score: the hash no longer matches; refused, nothing changes.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, text.replacen("\"score\": 4", "\"score\": 1", 1)).unwrap();
    fails(
        &d,
        &["import", paths[2], tampered.to_str().unwrap()],
        "content hash does not match",
    );

    // Diverging edits of one session (same revision, different content,
    // signed by Bob's own installation) are refused.
    let mut file = SessionFile::parse(&std::fs::read(&b2).unwrap()).unwrap();
    file.session.entries[0].notes = "edited elsewhere".into();
    let bob = Store::open(&b.db).unwrap().identity().unwrap();
    let file = SessionFile::signed(file.session, &bob);
    let diverged = dir.path().join("diverged.json");
    std::fs::write(&diverged, file.to_json()).unwrap();
    fails(&d, &["import", diverged.to_str().unwrap()], "has diverged");
    // A malformed file: refused by name.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"format\": \"panelist-session\"").unwrap();
    fails(&d, &["import", junk.to_str().unwrap()], "junk.json");

    // Reports.
    let md = ok(
        &d,
        &["report", "--candidate", "Ada Lovelace", "--format", "md"],
    );
    assert!(md.contains("| Caching") || md.contains("caching"), "{md}");
    assert!(
        // People read the question's text, not its id.
        md.contains(&format!("| Bob | {} | 3 | 2 | Debrief: answer was memorised |", "What is caching, what caching mechanisms do you know, and tell me about a time you used caching to improve performance.")),
        "{md}"
    );
    assert!(
        md.contains("Not covered by anyone: What does the CAP theorem say, and how does it affect the choice or configuration of a distributed database?."),
        "{md}"
    );
    assert!(!md.contains("| caching-fundamentals |"), "{md}");
    assert!(!md.contains("**caching-fundamentals**"), "{md}");
    let csv_path = dir.path().join("ada.csv");
    ok(
        &d,
        &[
            "report",
            "--candidate",
            "Ada Lovelace",
            "--format",
            "csv",
            "--output",
            csv_path.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    // Issue 21: after the scores, each interviewer's overall score and the
    // panel's (4 + 1 rows).
    assert_eq!(
        csv.matches("\r\n").count(),
        1 + 15 + 5,
        "header + one row per score (4+3+3+... = 15) + the overall scores"
    );
    assert_eq!(csv.matches(",(overall),").count(), 5, "{csv}");
    assert!(csv.contains("Ada Lovelace,Bob,caching-fundamentals,performance,2,Mixed,Bob on caching-fundamentals: level 3,3,Debrief: answer was memorised,submitted\r\n"), "{csv}");
    let red = ok(
        &d,
        &[
            "report",
            "--candidate",
            "Ada Lovelace",
            "--format",
            "json",
            "--redact",
        ],
    );
    assert!(
        !red.contains("Ada")
            && !red.contains("Alice")
            && !red.contains("Bob")
            && !red.contains("Dana"),
        "{red}"
    );
    assert!(
        red.contains("Interviewer A")
            && red.contains("Interviewer D")
            && red.contains("\"candidate\": \"Candidate ")
    );
    assert!(
        red.contains("Interviewer B on caching-fundamentals: level 3"),
        "notes kept, names scrubbed"
    );
}

/// Starts a kit session for `candidate`, scores every question `level` with
/// a marked note, and returns its id.
fn kit_interview(m: &Machine, candidate: &str, interviewer: &str, level: i64) -> String {
    let id = ok(
        m,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            interviewer,
            "--kit",
            "backend-fundamentals",
        ],
    )
    .trim()
    .to_string();
    let show: Value = serde_json::from_str(&ok(m, &["session", "show", &id, "--json"])).unwrap();
    for e in show["entries"].as_array().unwrap() {
        let q = e["question"]["id"].as_str().unwrap();
        ok(m, &["session", "score", &id, q, &level.to_string()]);
        ok(
            m,
            &[
                "session",
                "note",
                &id,
                q,
                &format!("SECRET-NOTE-{interviewer}-{q}"),
            ],
        );
    }
    id
}

#[test]
fn every_cli_read_path_keeps_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let (a, d) = (machine(dir.path(), "a"), machine(dir.path(), "d"));
    let ida = kit_interview(&a, "José Álvarez", "Alice", 1);
    ok(
        &a,
        &[
            "session",
            "finish",
            &ida,
            "--recommendation",
            "strong-no",
            "--summary",
            "SECRET-SUMMARY-Alice",
        ],
    );
    ok(
        &a,
        &[
            "session",
            "amend",
            &ida,
            "rest-api-design",
            "2",
            "--reason",
            "SECRET-REASON-Alice",
        ],
    );
    let file = dir.path().join("alice.json");
    export(&a, &ida, &file);

    // Dana's own interview of the same person, typed in another Unicode form
    // and case, with a non-breaking space: still the same candidate.
    let idd = kit_interview(&d, "JOSE\u{301}\u{a0}A\u{301}LVAREZ", "Dana", 3);
    let out = ok(&d, &["import", file.to_str().unwrap()]);
    assert!(out.contains("added"), "{out}");
    let list: Value = serde_json::from_str(&ok(&d, &["session", "list", "--json"])).unwrap();
    let candidates: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["candidate"].as_str().unwrap())
        .collect();
    assert_eq!(
        candidates[0], candidates[1],
        "one candidate, not two: {list}"
    );

    let p = |s: &str| s.to_string();
    let reads: Vec<Vec<String>> = vec![
        vec![p("session"), p("list")],
        vec![p("session"), p("list"), p("--json")],
        vec![
            p("session"),
            p("list"),
            p("--search"),
            p("alvarez"),
            p("--json"),
        ],
        vec![p("session"), p("show"), ida.clone()],
        vec![p("session"), p("show"), ida.clone(), p("--json")],
        vec![p("compare"), p("--candidate"), p("josé álvarez")],
        vec![
            p("compare"),
            p("--candidate"),
            p("José Álvarez"),
            p("--format"),
            p("json"),
        ],
        vec![p("candidates"), p("--kit"), p("backend-fundamentals")],
        vec![
            p("candidates"),
            p("--kit"),
            p("backend-fundamentals"),
            p("--format"),
            p("json"),
        ],
        vec![p("calibration")],
        vec![p("calibration"), p("--format"), p("json")],
    ];
    let mut reads = reads;
    for format in ["md", "html", "csv", "json"] {
        for redact in [false, true] {
            let mut r = vec![
                p("report"),
                p("--candidate"),
                p("José Álvarez"),
                p("--format"),
                p(format),
            ];
            if redact {
                r.push(p("--redact"));
            }
            reads.push(r);
        }
    }
    for args in &reads {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = panelist(&d, &args);
        assert!(o.status.success(), "{args:?}: {}", o.stderr.as_str());
        let text = o.stdout.as_str().to_lowercase() + &o.stderr.as_str().to_lowercase();
        for secret in [
            "secret-note-alice",
            "secret-summary-alice",
            "secret-reason-alice",
            "strong-no",
            "strong no",
        ] {
            assert!(!text.contains(secret), "{args:?} shows {secret:?}:\n{text}");
        }
    }
    // Structured outputs carry no colleague score either.
    let shown: Value = serde_json::from_str(&ok(&d, &["session", "show", &ida, "--json"])).unwrap();
    assert_eq!(shown["sealed"], true, "{shown}");
    for e in shown["session"]["entries"].as_array().unwrap() {
        assert_eq!(e["score"], Value::Null);
    }
    let cal: Value = serde_json::from_str(&ok(&d, &["calibration", "--format", "json"])).unwrap();
    assert!(!cal.to_string().contains("Alice"), "{cal}");
    // Export of a sealed session is refused, in both formats.
    for format in ["md", "json"] {
        fails(&d, &["export", &ida, "--format", format], "sealed");
    }

    // Dana submits: the seal lifts on every path.
    ok(&d, &["session", "finish", &idd, "--recommendation", "yes"]);
    let shown = ok(&d, &["session", "show", &ida]);
    assert!(shown.contains("SECRET-NOTE-Alice"), "{shown}");
    let md = ok(
        &d,
        &["report", "--candidate", "josé álvarez", "--format", "md"],
    );
    assert!(md.contains("SECRET-NOTE-Alice"), "{md}");
}
