//! Builds `core/tests/data/v1/panelist-v1.db` and the exports made from it
//! with schema version 1 (commit b991d95). Kept for the record; it is not run
//! by the tests.
use chrono::{DateTime, Duration, TimeZone, Utc};
use panelist_core::session::{NewSession, Recommendation, WrapUp};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use std::path::Path;
use uuid::Uuid;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap() + Duration::seconds(secs)
}
fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}
fn new(candidate: &str, interviewer: &str, kit: Option<&str>, qs: &[&str]) -> NewSession {
    NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: kit.map(Into::into),
        question_ids: qs.iter().map(|s| s.to_string()).collect(),
    }
}

const QS: [&str; 4] = [
    "rest-api-design",
    "sql-vs-nosql",
    "team-collaboration",
    "caching-fundamentals",
];

/// A colleague's session on their own machine, exported as a file.
fn colleague(
    n: u128,
    who: &str,
    scores: [i64; 4],
    rec: Recommendation,
    amend: bool,
) -> SessionFile {
    let mut s = Store::open_in_memory().unwrap();
    let sid = id(n);
    s.create_session(
        &new("Ada Lovelace", who, Some("Panel kit"), &QS),
        sid,
        id(n + 1),
        at(0),
    )
    .unwrap();
    for (i, q) in QS.iter().enumerate() {
        s.set_score(sid, q, Some(scores[i]), at(10 + i as i64))
            .unwrap();
        s.set_notes(
            sid,
            q,
            &format!("{who} on {q}: <b>bold</b> & \"quoted\""),
            at(20 + i as i64),
        )
        .unwrap();
        s.set_look_for(sid, q, 0, true, at(30 + i as i64)).unwrap();
    }
    s.set_follow_up(sid, QS[0], 1, true, at(40)).unwrap();
    s.add_time(sid, QS[0], 300, at(41)).unwrap();
    s.set_wrap_up(
        sid,
        &WrapUp {
            summary: format!("{who}'s view"),
            red_flags: vec!["late".into()],
            recommendation: Some(rec),
        },
        at(50),
    )
    .unwrap();
    s.submit(sid, rec, None, id(n + 2), at(60)).unwrap();
    if amend {
        s.amend_score(
            sid,
            QS[1],
            if scores[1] == 4 { 3 } else { scores[1] + 1 },
            "debrief: heard the rest",
            id(n + 3),
            at(120),
        )
        .unwrap();
    }
    SessionFile::new(s.session(sid).unwrap())
}

fn main() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1");
    std::fs::create_dir_all(&out).unwrap();
    let db = out.join("panelist-v1.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut s = Store::open(&db).unwrap();

    // Own submitted session with ticks, skip, time, wrap-up and an amendment.
    let own = id(100);
    s.create_session(
        &new("Ada Lovelace", "Grace Hopper", Some("Panel kit"), &QS),
        own,
        id(101),
        at(0),
    )
    .unwrap();
    s.start_session(own, at(1)).unwrap();
    s.set_score(own, QS[0], Some(3), at(2)).unwrap();
    s.set_notes(
        own,
        QS[0],
        "Clear on statelessness.\nSecond line | with pipe",
        at(3),
    )
    .unwrap();
    s.set_look_for(own, QS[0], 1, true, at(4)).unwrap();
    s.set_look_for(own, QS[0], 2, true, at(5)).unwrap();
    s.set_follow_up(own, QS[0], 0, true, at(6)).unwrap();
    s.add_time(own, QS[0], 420, at(7)).unwrap();
    s.set_score(own, QS[1], Some(2), at(8)).unwrap();
    s.set_skipped(own, QS[2], true, at(9)).unwrap();
    s.set_score(own, QS[3], Some(4), at(10)).unwrap();
    s.set_wrap_up(
        own,
        &WrapUp {
            summary: "Solid.".into(),
            red_flags: vec!["vague on caching".into()],
            recommendation: Some(Recommendation::Yes),
        },
        at(11),
    )
    .unwrap();
    s.submit(
        own,
        Recommendation::Yes,
        Some("Solid fundamentals."),
        id(102),
        at(12),
    )
    .unwrap();
    s.amend_score(own, QS[1], 3, "panel debrief", id(103), at(200))
        .unwrap();

    // Own in-progress and draft sessions of other candidates.
    let wip = id(110);
    s.create_session(
        &new(
            "Émile Zola",
            "Grace Hopper",
            None,
            &["rest-api-design", "sql-vs-nosql"],
        ),
        wip,
        id(111),
        at(300),
    )
    .unwrap();
    s.set_score(wip, "rest-api-design", Some(1), at(301))
        .unwrap();
    s.set_notes(wip, "sql-vs-nosql", "=1+1 formula-looking note", at(302))
        .unwrap();
    let draft = id(120);
    s.create_session(
        &new("Lin Chen", "Grace Hopper", None, &["team-collaboration"]),
        draft,
        id(121),
        at(400),
    )
    .unwrap();

    // The bank changes after these sessions: their snapshots must not.
    let mut bank = s.export_bank().unwrap();
    bank.questions.retain(|x| x.id == "rest-api-design");
    bank.questions[0]
        .prompt
        .push_str(" (edited after the sessions)");
    bank.questions[0].levels[0].anchor = "Edited anchor.".into();
    bank.kits.clear();
    bank.competencies.clear();
    s.import_bank(&bank).unwrap();

    // Colleagues' sessions, one of them later replaced by a newer revision.
    let b1 = colleague(200, "Alan Turing", [2, 2, 3, 1], Recommendation::No, false);
    let c = colleague(
        300,
        "Barbara Liskov",
        [4, 4, 3, 4],
        Recommendation::StrongYes,
        true,
    );
    s.import_sessions(&[b1, c]).unwrap();
    let b2 = colleague(200, "Alan Turing", [2, 2, 3, 1], Recommendation::No, true);
    s.import_sessions(&[b2]).unwrap();

    // Exports made with schema version 1, to compare after migrating.
    for (name, sid) in [
        ("own", own),
        ("wip", wip),
        ("draft", draft),
        ("alan", id(200)),
        ("barbara", id(300)),
    ] {
        let session = s.session(sid).unwrap();
        std::fs::write(
            out.join(format!("{name}.session.json")),
            SessionFile::new(session.clone()).to_json(),
        )
        .unwrap();
        std::fs::write(
            out.join(format!("{name}.md")),
            panelist_core::report::session_markdown(&session),
        )
        .unwrap();
    }
    drop(s);
    // One self-contained file: fold the WAL into the database.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .unwrap();
    println!("wrote {}", db.display());
}
