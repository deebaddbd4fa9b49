//! Trust by construction for session files (issue 18, What 5–7; issue 17's
//! session-format disagreements): keys in one canonical text form and
//! compared as bytes, this installation's key signing only its own
//! interviews, forwarding a colleague's file unchanged, sealed means silent in
//! import reports and the session list, erasure that never claims success
//! with bytes left, and private files.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use panelist_core::import::ImportOutcome;
use panelist_core::session::{NewSession, Recommendation, SessionFilter};
use panelist_core::session_file::SessionFile;
use panelist_core::{AuditId, CandidateId, SessionId, Store};

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn new(candidate: &str, interviewer: &str) -> NewSession {
    NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: String::new(),
        kit: None,
        question_ids: vec!["rest-api-design".into(), "sql-vs-nosql".into()],
    }
}

/// A session made in `store`, scored `score` on the first question, and
/// submitted with `rec` when given.
fn interview(
    store: &mut Store,
    candidate: &str,
    interviewer: &str,
    score: i64,
    rec: Option<Recommendation>,
) -> SessionId {
    let id = SessionId::new(Uuid::now_v7());
    store
        .create_and_start_session(
            &new(candidate, interviewer),
            id,
            CandidateId::new(Uuid::now_v7()),
            at(0),
        )
        .unwrap();
    store
        .set_score(id, "rest-api-design", Some(score), at(10))
        .unwrap();
    store
        .set_notes(id, "rest-api-design", "Quokka-private note", at(11))
        .unwrap();
    if let Some(r) = rec {
        store
            .submit(
                id,
                r,
                Some("a summary"),
                AuditId::new(Uuid::now_v7()),
                at(20),
            )
            .unwrap();
    }
    id
}

fn reparse(f: &SessionFile) -> SessionFile {
    SessionFile::parse(f.to_json().as_bytes()).unwrap()
}

// -- keys in one canonical form ---------------------------------------------

fn signed_text() -> String {
    let mut grace = Store::open_in_memory().unwrap();
    let id = interview(
        &mut grace,
        "Ada Lovelace",
        "Grace Hopper",
        3,
        Some(Recommendation::Yes),
    );
    grace.session_file(id).unwrap().to_json()
}

fn with_field(text: &str, field: &str, value: &str) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    v["signature"][field] = Value::String(value.into());
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn an_upper_case_key_is_refused_as_malformed_with_its_field_path() {
    // Issue 18: "the same key written in upper-case hex is accepted as a
    // different key".
    let text = signed_text();
    let v: Value = serde_json::from_str(&text).unwrap();
    let key = v["signature"]["public_key"].as_str().unwrap().to_string();
    let upper = format!("ed25519:{}", key["ed25519:".len()..].to_uppercase());
    let err = SessionFile::parse(with_field(&text, "public_key", &upper).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("signature.public_key"), "{err}");
    assert!(err.contains("malformed"), "{err}");
    let value = v["signature"]["value"].as_str().unwrap().to_uppercase();
    let err = SessionFile::parse(with_field(&text, "value", &value).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("signature.value"), "{err}");
    assert!(err.contains("malformed"), "{err}");
}

/// Every spelling of a key's text: the canonical one, or one changed by the
/// generator below (case of any hex digit or of the prefix, a missing or
/// extra digit, leading zeros, surrounding or inner whitespace, another
/// prefix, a `0x`). The upper-case key is `flip_case` on all digits.
#[derive(Debug, Clone)]
enum Spelling {
    Canonical,
    FlipCase(Vec<usize>),
    PrefixCase,
    Drop(usize),
    Extra(char),
    Pad(String, String),
    Inner(usize, char),
    Prefix(String),
    HexPrefix,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::Canonical),
        proptest::collection::vec(0usize..64, 1..64).prop_map(Spelling::FlipCase),
        Just(Spelling::PrefixCase),
        (0usize..64).prop_map(Spelling::Drop),
        proptest::char::range('0', 'f').prop_map(Spelling::Extra),
        ("[ \t\n\u{a0}\u{200b}]{0,2}", "[ \t\n\u{a0}\u{200b}]{0,2}")
            .prop_filter("some padding", |(a, b)| !a.is_empty() || !b.is_empty())
            .prop_map(|(a, b)| Spelling::Pad(a, b)),
        (
            1usize..63,
            prop_oneof![Just(' '), Just('-'), Just(':'), Just('\u{200b}')]
        )
            .prop_map(|(i, c)| Spelling::Inner(i, c)),
        "(ED25519|Ed25519|ed25519 |ed-25519|ed25519|)[:]?"
            .prop_filter("not the canonical prefix", |p| p != "ed25519:")
            .prop_map(Spelling::Prefix),
        Just(Spelling::HexPrefix),
    ]
}

fn spell(canonical: &str, s: &Spelling) -> String {
    let hex = &canonical["ed25519:".len()..];
    match s {
        Spelling::Canonical => canonical.to_string(),
        Spelling::FlipCase(at) => {
            let mut b: Vec<char> = hex.chars().collect();
            for &i in at {
                b[i] = b[i].to_ascii_uppercase();
            }
            format!("ed25519:{}", b.into_iter().collect::<String>())
        }
        Spelling::PrefixCase => format!("ED25519:{hex}"),
        Spelling::Drop(i) => format!("ed25519:{}{}", &hex[..*i], &hex[i + 1..]),
        Spelling::Extra(c) => format!("ed25519:{hex}{c}"),
        Spelling::Pad(a, b) => format!("{a}ed25519:{hex}{b}"),
        Spelling::Inner(i, c) => format!("ed25519:{}{c}{}", &hex[..*i], &hex[*i..]),
        Spelling::Prefix(p) => format!("{p}{hex}"),
        Spelling::HexPrefix => format!("ed25519:0x{hex}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any non-canonical spelling of a signer's key is refused as malformed,
    /// naming `signature.public_key`; the canonical one is accepted.
    #[test]
    fn only_the_canonical_spelling_of_a_key_is_accepted(s in spelling()) {
        let text = signed_text_cached();
        let v: Value = serde_json::from_str(text).unwrap();
        let key = v["signature"]["public_key"].as_str().unwrap();
        let spelled = spell(key, &s);
        let got = SessionFile::parse(with_field(text, "public_key", &spelled).as_bytes());
        if spelled == key {
            prop_assert!(got.is_ok(), "{:?}", got.err());
        } else {
            let err = got.expect_err("a non-canonical key was accepted").to_string();
            prop_assert!(err.contains("signature.public_key"), "{}", err);
            prop_assert!(err.contains("malformed"), "{}", err);
        }
    }
}

fn signed_text_cached() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(signed_text)
}

// -- timestamps: the hash is over the value as written -----------------------

#[test]
fn a_non_canonical_timestamp_is_refused_at_the_door_with_its_path() {
    // Issue 17: `.000Z` → `Z`, `.1Z` → `.100Z`, `+00:00` → `Z` were rewritten
    // before hashing, so the documented verifier refused files Panelist took.
    let mut grace = Store::open_in_memory().unwrap();
    let id = interview(&mut grace, "Ada Lovelace", "Grace Hopper", 3, None);
    let f = SessionFile::new(grace.session(id).unwrap());
    let text = f.to_json();
    let v: Value = serde_json::from_str(&text).unwrap();
    let created = v["session"]["created_at"].as_str().unwrap().to_string();
    assert_eq!(created, "2026-03-02T09:00:00Z");
    for other in [
        "2026-03-02T09:00:00.000Z",
        "2026-03-02T09:00:00+00:00",
        "2026-03-02T09:00:00.0Z",
        "2026-03-02T10:00:00+01:00",
        "2026-03-02t09:00:00z",
    ] {
        let bad = text.replacen(&created, other, 1);
        let err = SessionFile::parse(bad.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("session.created_at"), "{other}: {err}");
        assert!(err.contains("canonical"), "{other}: {err}");
    }
    // The committed fixtures keep verifying (they are canonical).
    for name in [
        "v1/alan",
        "v1/barbara",
        "v1/own",
        "v1/wip",
        "v1/draft",
        "v2/alan",
    ] {
        let path = format!(
            "{}/tests/data/{name}.session.json",
            env!("CARGO_MANIFEST_DIR")
        );
        SessionFile::parse(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

/// Spellings of one instant: the canonical one (`…:SSZ`, or `.mmmZ` when
/// the milliseconds are not zero) or another that RFC 3339 allows for the
/// same instant. The issue's `.000Z`, `.1Z` (`.100Z`) and `+00:00` are
/// `fraction` with 3 zeros, `fraction` with 1 digit and `offset` 0.
fn spellings() -> impl Strategy<Value = (i64, u32, String, Option<String>)> {
    (0i64..86_400, 0u32..1000).prop_flat_map(|(secs, ms)| {
        let base = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
            + chrono::Duration::seconds(secs)
            + chrono::Duration::milliseconds(i64::from(ms));
        let day = base.format("%Y-%m-%dT%H:%M:%S").to_string();
        let canonical = if ms == 0 {
            format!("{day}Z")
        } else {
            format!("{day}.{ms:03}Z")
        };
        let frac = if ms == 0 {
            String::new()
        } else {
            format!(".{ms:03}")
        };
        prop_oneof![
            Just(None),
            // Trailing zeros added or removed from the fraction.
            (1usize..4).prop_map({
                let (day, ms) = (day.clone(), ms);
                move |n| {
                    Some(format!(
                        "{day}.{}Z",
                        format!("{ms:03}").trim_end_matches('0').to_string() + &"0".repeat(n)
                    ))
                }
            }),
            // An offset instead of Z (the same instant in another zone).
            (-12i32..=14).prop_map(move |h| {
                let tz = chrono::FixedOffset::east_opt(h * 3600).unwrap();
                Some(
                    base.with_timezone(&tz)
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
                )
            }),
            // Lower-case separators.
            Just(Some(format!("{}t{}{frac}z", &day[..10], &day[11..]))),
            Just(Some(format!("{day}{frac}+00:00"))),
        ]
        .prop_map(move |other| (secs, ms, canonical.clone(), other))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any spelling of a timestamp but the canonical one is refused with its
    /// path; the canonical one is accepted.
    #[test]
    fn only_the_canonical_spelling_of_a_timestamp_is_accepted(
        (_secs, _ms, canonical, other) in spellings()
    ) {
        let template = timestamp_template();
        let text = template.replace("@CREATED@", &canonical);
        let v: Value = serde_json::from_str(&text).unwrap();
        let session: panelist_core::session::Session =
            serde_json::from_value(v["session"].clone()).unwrap();
        let f = SessionFile::new(session);
        let good = f.to_json();
        prop_assert!(SessionFile::parse(good.as_bytes()).is_ok());
        if let Some(other) = other.filter(|o| *o != canonical) {
            let bad = good.replacen(&format!("\"created_at\": \"{canonical}\""), &format!("\"created_at\": \"{other}\""), 1);
            prop_assert_ne!(&bad, &good);
            let err = SessionFile::parse(bad.as_bytes()).expect_err("accepted").to_string();
            prop_assert!(err.contains("session.created_at"), "{}: {}", other, err);
        }
    }
}

/// A session file whose `created_at` is `@CREATED@`.
fn timestamp_template() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let mut s = Store::open_in_memory().unwrap();
        let id = interview(&mut s, "Ada Lovelace", "Grace Hopper", 3, None);
        let text = SessionFile::new(s.session(id).unwrap()).to_json();
        text.replacen(
            "\"created_at\": \"2026-03-02T09:00:00Z\"",
            "\"created_at\": \"@CREATED@\"",
            1,
        )
    })
}

// -- this installation's key signs only this installation's interviews --------

#[test]
fn a_file_signed_with_our_own_key_for_someone_else_goes_through_pinning() {
    // Issue 18: "a file signed with this installation's own key skips pinning
    // for any interviewer name".
    let dir = tempfile::tempdir().unwrap();
    let mut grace = Store::open(&dir.path().join("grace.db")).unwrap();
    let gid = interview(
        &mut grace,
        "Ada Lovelace",
        "Grace Hopper",
        3,
        Some(Recommendation::Yes),
    );
    let from_grace = reparse(&grace.session_file(gid).unwrap());

    let mut me = Store::open(&dir.path().join("me.db")).unwrap();
    me.import_sessions(&[from_grace]).unwrap();
    // Someone with access to my key signs a session "by Grace Hopper".
    let forged_session = {
        let mut scratch = Store::open_in_memory().unwrap();
        let id = interview(
            &mut scratch,
            "Ada Lovelace",
            "Grace Hopper",
            1,
            Some(Recommendation::StrongNo),
        );
        scratch.session(id).unwrap()
    };
    let forged = reparse(&SessionFile::signed(
        forged_session,
        &me.identity().unwrap(),
    ));
    let before = me.dump().unwrap();
    let err = me.import_sessions(&[forged]).unwrap_err().to_string();
    assert!(err.contains("pinned for Grace Hopper"), "{err}");
    assert_eq!(me.dump().unwrap(), before);

    // A name nobody pinned yet: first sight, with the pin and its note.
    let other = {
        let mut scratch = Store::open_in_memory().unwrap();
        let id = interview(
            &mut scratch,
            "Ada Lovelace",
            "Mallory",
            1,
            Some(Recommendation::StrongNo),
        );
        scratch.session(id).unwrap()
    };
    let r = me
        .import_sessions(&[reparse(&SessionFile::signed(
            other,
            &me.identity().unwrap(),
        ))])
        .unwrap();
    assert!(
        r[0].key_note.as_deref().unwrap_or("").contains("pinned"),
        "{r:?}"
    );

    // My own session, exported and imported again here, is simply unchanged.
    let mine = interview(&mut me, "Bob", "Me", 2, Some(Recommendation::No));
    let back = reparse(&me.session_file(mine).unwrap());
    let r = me.import_sessions(&[back]).unwrap();
    assert_eq!(r[0].outcome, ImportOutcome::Unchanged);
    assert_eq!(r[0].key_note, None);
}

// -- forwarding ----------------------------------------------------------------

#[test]
fn a_colleagues_session_filed_under_a_local_candidate_forwards_and_verifies() {
    // Issue 18: "a colleague's session filed under my local candidate and
    // exported again is refused everywhere".
    let mut grace = Store::open_in_memory().unwrap();
    let gid = interview(
        &mut grace,
        "Ada Lovelace",
        "Grace Hopper",
        3,
        Some(Recommendation::Yes),
    );
    let original = grace.session_file(gid).unwrap().to_json();

    let mut me = Store::open_in_memory().unwrap();
    // My own candidate "ada lovelace" (same person, another candidate id).
    interview(&mut me, "ada lovelace", "Me", 2, Some(Recommendation::No));
    let r = me
        .import_sessions(&[SessionFile::parse(original.as_bytes()).unwrap()])
        .unwrap();
    assert!(
        r[0].candidate_note
            .as_deref()
            .unwrap_or("")
            .contains("local candidate"),
        "{r:?}"
    );
    let forwarded = me.session_file(gid).unwrap().to_json();
    assert_eq!(forwarded, original, "forwarded as it arrived");
    let mut third = Store::open_in_memory().unwrap();
    let f = SessionFile::parse(forwarded.as_bytes()).unwrap();
    third.import_sessions(&[f]).unwrap();
    assert_eq!(third.session_file(gid).unwrap().to_json(), original);
}

// -- sealed means silent ---------------------------------------------------------

#[test]
fn import_reports_of_a_sealed_colleagues_session_say_only_added_or_updated() {
    // Issue 18: import and sync printed "updated: status in_progress →
    // submitted; recommendation none given → Strong no; rest-api-design:
    // score 2 → 4" while my own session was open.
    let mut wei = Store::open_in_memory().unwrap();
    let wid = interview(&mut wei, "Ada Lovelace", "Wei Chen", 2, None);
    let first = reparse(&wei.session_file(wid).unwrap());
    wei.set_score(wid, "rest-api-design", Some(4), at(30))
        .unwrap();
    wei.submit(
        wid,
        Recommendation::StrongNo,
        None,
        AuditId::new(Uuid::now_v7()),
        at(40),
    )
    .unwrap();
    let second = reparse(&wei.session_file(wid).unwrap());

    let mut me = Store::open_in_memory().unwrap();
    interview(&mut me, "Ada Lovelace", "Me", 3, None); // open, not submitted
    let r = me.import_sessions(&[first]).unwrap();
    assert_eq!(r[0].outcome, ImportOutcome::Added);
    assert!(r[0].sealed);
    assert_eq!(r[0].what(), "added (sealed)");
    let r = me.import_sessions(&[second]).unwrap();
    assert!(r[0].sealed);
    assert_eq!(
        r[0].outcome,
        ImportOutcome::Replaced { changes: vec![] },
        "no change named"
    );
    assert_eq!(r[0].what(), "updated (sealed)");
    let text = format!("{r:?}");
    for leak in ["Strong no", "score", "submitted", "→"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[test]
fn import_reports_of_an_unsealed_session_still_name_the_changes() {
    let mut wei = Store::open_in_memory().unwrap();
    let wid = interview(&mut wei, "Ada Lovelace", "Wei Chen", 2, None);
    let first = reparse(&wei.session_file(wid).unwrap());
    wei.set_score(wid, "rest-api-design", Some(4), at(30))
        .unwrap();
    let second = reparse(&wei.session_file(wid).unwrap());
    let mut me = Store::open_in_memory().unwrap();
    me.import_sessions(&[first]).unwrap();
    let r = me.import_sessions(&[second]).unwrap();
    assert!(!r[0].sealed);
    assert!(
        r[0].what().contains("rest-api-design: score 2 → 4"),
        "{r:?}"
    );
}

#[test]
fn the_session_list_shows_only_who_when_and_sealed_of_a_sealed_session() {
    // Issue 18: `session list` showed a sealed colleague's scored count.
    let mut wei = Store::open_in_memory().unwrap();
    let wid = interview(
        &mut wei,
        "Ada Lovelace",
        "Wei Chen",
        2,
        Some(Recommendation::StrongNo),
    );
    let f = reparse(&wei.session_file(wid).unwrap());
    let mut me = Store::open_in_memory().unwrap();
    interview(&mut me, "Ada Lovelace", "Me", 3, None);
    me.import_sessions(&[f]).unwrap();
    let rows = me.sessions(&SessionFilter::default()).unwrap();
    let theirs = rows.iter().find(|r| r.id == wid).unwrap();
    assert!(theirs.sealed);
    assert_eq!(theirs.interviewer, "Wei Chen");
    assert_eq!(theirs.candidate, "Ada Lovelace");
    assert_eq!(theirs.created_at, at(0));
    assert_eq!(theirs.scored, None);
    assert_eq!(theirs.questions, None);
    assert_eq!(theirs.status, None);
    assert_eq!(theirs.recommendation, None);
    assert_eq!(theirs.started_at, None);
    assert_eq!(theirs.finished_at, None);
    assert_eq!(theirs.role, "");
    assert_eq!(theirs.kit, None);
    // Mine is shown in full.
    let mine = rows.iter().find(|r| r.id != wid).unwrap();
    assert!(!mine.sealed);
    assert_eq!(mine.scored, Some(1));
    assert_eq!(mine.questions, Some(2));
    assert!(mine.status.is_some());
}

// -- erasure never claims success with bytes left --------------------------------

fn file_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.display())) {
            out.extend(b);
        }
    }
    out
}

fn has(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn erasure_with_a_reader_open_fails_and_finishes_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut store = Store::open(&db).unwrap();
    let id = SessionId::new(Uuid::now_v7());
    store
        .create_and_start_session(
            &new("Zbigniew Quetzal", "Me"),
            id,
            CandidateId::new(Uuid::now_v7()),
            at(0),
        )
        .unwrap();
    store
        .set_notes(id, "rest-api-design", "Xylophone-unique-note-4711", at(1))
        .unwrap();
    store.checkpoint().unwrap();
    assert!(has(&file_bytes(&db), "Xylophone-unique-note-4711"));

    // Another connection holds a read transaction.
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM entry", [], |r| r.get(0))
        .unwrap();

    let err = store
        .erase_candidate("Zbigniew Quetzal", Uuid::now_v7(), at(5))
        .expect_err("erasure claimed success with a reader open");
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "{msg}");
    assert!(msg.contains("open"), "{msg}");
    assert!(msg.contains(&db.display().to_string()), "{msg}");
    // The rows are gone already.
    assert!(store
        .sessions(&SessionFilter::default())
        .unwrap()
        .is_empty());
    drop(store);
    drop(reader);

    // The next open finishes the byte removal.
    let store = Store::open(&db).unwrap();
    drop(store);
    let bytes = file_bytes(&db);
    assert!(!has(&bytes, "Xylophone-unique-note-4711"));
    assert!(!has(&bytes, "Zbigniew"));
}

// -- private files ---------------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_data_folder_databases_and_logs_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let db = folder.join("panelist.db");
    let mut store = Store::open(&db).unwrap();
    interview(&mut store, "Ada", "Me", 3, None);
    assert_eq!(mode(&folder), 0o700, "data folder");
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    drop(store);
    // An existing looser file is tightened on open.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _store = Store::open(&db).unwrap();
    assert_eq!(mode(&db), 0o600);
}
